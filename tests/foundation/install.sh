#!/usr/bin/env bash
# `cmake --install` of the build, as a user does it: referlab and
# referlab-sim in bin/, the case library in share/referlab/scenarios/, the
# man pages in share/man/man1/. The installed referlab, given no PATH in a
# folder that is not the source tree, runs the installed library with the
# installed referlab-sim: a case passes and its report is written. A
# source checkout's scenarios/ still wins; a staged (DESTDIR) install
# finds its own library; a referlab with neither says so (exit 2).
source "$REFERLAB_TESTLIB"
tl_need cmake sipp
unset REFERLAB_SIM

dir=$(tl_workdir foundation/install)
build=$(cd "$REFERLAB_BIN/.." && pwd -P)
cd "$dir" || exit 1
cmake --install "$build" --prefix "$dir/inst" >install.log 2>&1 ||
	tl_fail "cmake --install exited $?: $(tail -3 install.log)"
inst=$(cd inst && pwd -P)
for f in bin/referlab bin/referlab-sim share/man/man1/referlab.1 \
	share/man/man1/referlab-sim.1 share/referlab/scenarios/README.md \
	share/referlab/scenarios/carriers/reject-403.json \
	share/referlab/scenarios/carriers/reject-403.xml; do
	[ -s "$inst/$f" ] || tl_fail "not installed: $f"
done
[ -x "$inst/bin/referlab" ] && [ -x "$inst/bin/referlab-sim" ] ||
	tl_fail "the installed programs are not executable"
tl_expect_match "installed referlab --version" '^referlab [0-9]+\.[0-9]+\.[0-9]+$' \
	"$("$inst/bin/referlab" --version)"
if command -v man >/dev/null; then
	page=$(MANWIDTH=200 man -P cat -l "$inst/share/man/man1/referlab.1" 2>&1)
	tl_expect_match "the installed man page" 'share/referlab/scenarios/' "$page"
fi

# Elsewhere, no PATH: the installed library, every case of it.
mkdir elsewhere && cd elsewhere || exit 1
want=$(find "$REFERLAB_SRC/scenarios" -name '*.json' | wc -l)
tl_expect_eq "cases the installed referlab finds" "$want" \
	"$("$inst/bin/referlab" run --list 2>list.err | wc -l)"
tl_expect_match "referlab run --help" \
	"installed with referlab: $inst/share/referlab/scenarios" \
	"$("$inst/bin/referlab" run --help)"

"$inst/bin/referlab" run --filter carriers/reject-403 >run.out 2>run.err
status=$?
cat run.out run.err
tl_expect_eq "exit code of the installed run" 0 "$status"
grep -Eq '^\[1/1\] carriers/reject-403 +PASS ' run.out ||
	tl_fail "carriers/reject-403 did not pass"
for f in results.json junit.xml report.html carriers/reject-403/verdict.json; do
	[ -s "reports/latest/$f" ] || tl_fail "the report lacks $f"
done
cmds=reports/latest/carriers/reject-403/commands.txt
grep -qF "$inst/bin/referlab-sim " "$cmds" ||
	tl_fail "not the installed referlab-sim: $(cat "$cmds")"
grep -qF "$inst/share/referlab/scenarios/carriers/reject-403.xml" "$cmds" ||
	tl_fail "not the installed scenario: $(cat "$cmds")"

# A folder with its own scenarios/ (a source checkout) runs that.
mkdir -p "$dir/checkout/scenarios/mine" && cd "$dir/checkout" || exit 1
cp "$inst"/share/referlab/scenarios/carriers/reject-403.* scenarios/mine/
tl_expect_eq "cases of the current folder's scenarios/" "mine/reject-403" \
	"$("$inst/bin/referlab" run --list)"

# Staged: DESTDIR, another prefix; the stage finds its own library.
cd "$dir" || exit 1
DESTDIR=$dir/stage cmake --install "$build" --prefix /opt/referlab \
	>stage.log 2>&1 || tl_fail "DESTDIR install exited $?"
cd elsewhere || exit 1
tl_expect_eq "cases the staged referlab finds" "$want" \
	"$("$dir/stage/opt/referlab/bin/referlab" run --list 2>/dev/null | wc -l)"

# Neither: the error names where it looked, and what to do.
mkdir -p "$dir/lone/bin" && cp "$inst/bin/referlab" "$dir/lone/bin/"
err=$("$dir/lone/bin/referlab" run --list 2>&1)
tl_expect_eq "exit code without any suite" 2 $?
tl_expect_match "message without any suite" \
	"^referlab run: no suite to run: no scenarios/ in the current folder, and none installed at $dir/lone/bin/\.\./share/referlab/scenarios \(No such file or directory\): name a folder or case file$" \
	"$err"
echo "install: ok"
