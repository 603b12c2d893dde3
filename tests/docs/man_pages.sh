#!/usr/bin/env bash
# The man pages (docs/man/) say what the programs do, as --help does:
# - every long option `referlab CMD --help` prints is in CMD's subsection
#   of referlab.1 (".SS referlab CMD"), those --help lists one a line as
#   documented options (a .TP/.TQ tag), and every option a subsection
#   documents still exists in CMD's --help; likewise referlab-sim.1's
#   OPTIONS against `referlab-sim --help`, and the top-level OPTIONS
#   against `referlab --help`;
# - every command `referlab --help` lists has a subsection, and no other;
# - every exit code a --help lists is in the page's EXIT STATUS;
# - every --option named anywhere in a page exists in some --help;
# - the .TH line carries the programs' version;
# - groff renders each page without a warning (-ww).
# Then the same checks run on broken copies of the pages, which they must
# reject: a test that cannot fail proves nothing.
source "$REFERLAB_TESTLIB"
tl_need groff

bin=$REFERLAB_BIN
work=$(tl_workdir docs-man)
problems=0

bad() { echo "  $*" >&2; problems=$((problems + 1)); }

# Long options in text on stdin, one a line, sorted, unique. In roff
# source "\-" is a minus sign: read as "-".
long_opts() {
	sed 's/\\-/-/g' | grep -oE -- '--[a-z][a-z0-9]*(-[a-z0-9]+)*' | sort -u
}

# Options --help documents one a line (indented, the option first).
listed_opts() {
	grep -E '^ {1,4}--[a-z]' | sed -E 's/^ +(--[a-z0-9-]+).*/\1/' | sort -u
}

# The lines of roff section $2 of page $1: from the line matching the
# regex $2 to the next .SH or .SS.
section() {
	awk -v start="$2" '
		$0 ~ start { on = 1; print; next }
		on && /^\.S[HS]( |$)/ { exit }
		on { print }' "$1"
}

# The options a section documents: those in the tag lines of .TP / .TQ.
tagged_opts() {
	awk 'tag { print; tag = 0; next } /^\.T[PQ]( |$)/ { tag = 1 }' |
		long_opts
}

# Exit codes a --help lists: numbers opening a clause after "Exit".
help_codes() {
	sed -n '/^Exit/,$p' | tr '\n' ' ' |
		grep -oE '(Exit[a-z ]*:|,) +[0-9]+ [a-z(]' |
		grep -oE '[0-9]+' | sort -un
}

# Exit codes referlab.1's EXIT STATUS gives command $2 in its tagged
# paragraph (".TP", ".B CMD", then "0 ...; 1 ...; 2 ..."): numbers
# opening a clause.
page_codes() {
	section "$1" '^\.SH EXIT STATUS$' |
		awk -v c="$2" 'on && /^\.TP/ { exit } on { print }
			prev ~ /^\.TP/ && $0 == ".B " c { on = 1 } { prev = $0 }' |
		tr '\n' ' ' | grep -oE '(^|; *)[0-9]+ ' | grep -oE '[0-9]+' | sort -un
}

# Every element of list $2 must be in list $3 (both one a line); else a
# problem per element, worded by $1 ("{}" stands for the element).
subset() {
	local x
	while read -r x; do
		[ -n "$x" ] && bad "${1//\{\}/$x}"
	done < <(comm -23 <(sort -u <<<"$2") <(sort -u <<<"$3"))
}

# opts_agree WHERE PROGRAM NOUN HELP SECTION: the options HELP prints are
# all in SECTION, each one HELP lists has its .TP there, and SECTION
# documents none that HELP lacks
opts_agree() {
	subset "$1: $2 --help prints {}, $3 does not" \
		"$(long_opts <<<"$4")" "$(long_opts <<<"$5")"
	subset "$1: $2 --help lists {}, $3 documents it in no .TP" \
		"$(listed_opts <<<"$4")" "$(tagged_opts <<<"$5")"
	subset "$1: $3 documents {}, which $2 --help does not print" \
		"$(tagged_opts <<<"$5")" "$(long_opts <<<"$4")"
}

# check_pages DIR: every check on DIR/referlab.1 and DIR/referlab-sim.1;
# the number of problems in $problems.
check_pages() {
	local page=$1/referlab.1 sim=$1/referlab-sim.1
	local cmd help sect f
	problems=0

	# top level: referlab --help against OPTIONS
	sect=$(section "$page" '^\.SH OPTIONS$')
	subset "referlab.1 OPTIONS: referlab --help prints {}, the page does not" \
		"$(long_opts <<<"$top")" "$(long_opts <<<"$sect")"
	subset "referlab.1 OPTIONS: {} is not in referlab --help" \
		"$(tagged_opts <<<"$sect")" "$(long_opts <<<"$top")"

	# each command's subsection against its --help
	subset "referlab.1: a subsection '.SS \"referlab {} ...\"' names no command of referlab --help" \
		"$(sed -nE 's/^\.SS "?referlab ([a-z]+).*/\1/p' "$page")" "$cmds"
	for cmd in $cmds; do
		help=$(cat "$work/help-$cmd")
		sect=$(section "$page" "^\\.SS \"?referlab $cmd( |\"|\$)")
		if [ -z "$sect" ]; then
			bad "referlab.1: no subsection .SS \"referlab $cmd ...\" for the command"
			continue
		fi
		opts_agree "referlab.1 '$cmd'" "referlab $cmd" "the subsection" "$help" "$sect"
		subset "referlab.1 EXIT STATUS '$cmd': referlab $cmd --help gives exit code {}, the page does not" \
			"$(help_codes <<<"$help")" "$(page_codes "$page" "$cmd")"
	done

	# referlab-sim --help against referlab-sim.1's OPTIONS
	help=$(cat "$work/help-sim")
	sect=$(section "$sim" '^\.SH OPTIONS$')
	opts_agree "referlab-sim.1 OPTIONS" "referlab-sim" "the page" "$help" "$sect"
	subset "referlab-sim.1 EXIT STATUS: referlab-sim --help gives exit code {}, the page does not" \
		"$(help_codes <<<"$help")" \
		"$(section "$sim" '^\.SH EXIT STATUS$' | sed -nE 's/^\.B ([0-9]+)$/\1/p')"

	for f in "$page" "$sim"; do
		subset "${f##*/}: names {}, which no --help of referlab or referlab-sim prints" \
			"$(long_opts <"$f")" "$all"
		grep -qE "^\\.TH .* \"referlab $ver\"" "$f" ||
			bad "${f##*/}: the .TH line does not say \"referlab $ver\" (--version)"
		groff -man -ww -z -Tutf8 "$f" >"$work/groff.out" 2>&1 ||
			bad "${f##*/}: groff exited $?"
		[ -s "$work/groff.out" ] &&
			bad "${f##*/}: groff warns: $(head -3 "$work/groff.out")"
	done
	return 0
}

# What the programs print, once: top-level --help, each command's, the
# sim's, every option any of them names, and the version.
top=$("$bin/referlab" --help) || tl_fail "referlab --help exited $?"
cmds=$(sed -n '/^Commands:/,/^$/p' <<<"$top" | awk 'NR > 1 && NF { print $1 }')
[ -n "$cmds" ] || tl_fail "no commands in 'referlab --help'"
for cmd in $cmds; do
	"$bin/referlab" "$cmd" --help >"$work/help-$cmd" ||
		tl_fail "referlab $cmd --help exited $?"
done
"$bin/referlab-sim" --help >"$work/help-sim" ||
	tl_fail "referlab-sim --help exited $?"
all=$( { echo "$top"; cat "$work"/help-*; } | long_opts)
ver=$("$bin/referlab" --version | awk '{ print $2 }')

tl_info "the pages in docs/man"
check_pages "$REFERLAB_SRC/docs/man"
[ "$problems" = 0 ] || tl_fail "$problems problem(s) in docs/man (above)"

# Broken copies, each of which the checks must reject.
# mutate NAME SED-SCRIPT PAGE: a copy of the pages with PAGE edited.
mutate() {
	rm -rf "${work:?}/$1" && mkdir -p "$work/$1" &&
		cp "$REFERLAB_SRC"/docs/man/*.1 "$work/$1/" &&
		sed -i -E "$2" "$work/$1/$3"
}
expect_rejected() {
	tl_info "a broken copy: $2"
	check_pages "$work/$1" 2>"$work/$1.log"
	[ "$problems" -gt 0 ] || tl_fail "not noticed: $2"
	grep -qF -- "$3" "$work/$1.log" ||
		tl_fail "$2: the problem does not name '$3': $(cat "$work/$1.log")"
}
mutate no-jobs 's/^(\.BI \\-\\-jobs .*)$/.BI \\-\\-workers " N"/' referlab.1
expect_rejected no-jobs "referlab run's --jobs left out, a --workers added" --jobs
grep -q -- '--workers' "$work/no-jobs.log" ||
	tl_fail "--workers, documented but in no --help, not noticed"
mutate stale-sim '/^\.BI \\-\\-trace /s/trace/pcap-out/' referlab-sim.1
expect_rejected stale-sim "referlab-sim's --trace renamed in the page" --trace
mutate no-hooks-cmd '/^\.SS "referlab hooks/,/^\.SH ENVIRONMENT/{/^\.SH/!d}' referlab.1
expect_rejected no-hooks-cmd "the hooks subsection removed" "no subsection .SS \"referlab hooks"
mutate no-exit '/^\.B synth$/{n;s/; 3 cannot write/; cannot write/}' referlab.1
expect_rejected no-exit "synth's exit code 3 removed" "exit code 3"
mutate groff-warn 's/^\.SH FILES$/.SH FILES\n.XY undefined macro/' referlab.1
expect_rejected groff-warn "an undefined macro" "groff warns"

echo "man pages: ok"
