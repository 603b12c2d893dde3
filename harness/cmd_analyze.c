/**
 * @file cmd_analyze.c  `referlab analyze` and `referlab rules`
 */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "cmd_analyze.h"
#include "output/output.h"
#include "report.h"

static const char *prog = "referlab";

enum { OUT_FLUSH = 4096 };   /* bytes of text output per fwrite, at least */

struct cli {
	bool json;
	const char *html;            /* --html FILE: also a page (report.h) */
	unsigned only;               /* --transfer N; 0: all */
	enum hook_dialect dialect;   /* --dialect */
	bool first;
	bool seen;                   /* transfer N was found */
	unsigned errors;             /* error findings in what was printed */
	struct wbuf out;             /* the text transfers, to stdout */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s analyze FILE... [--json] [--transfer N] "
		"[--rules ID,...]\n"
		"                          [--notify-timeout SECONDS] "
		"[--dialect spec|jambonz] [--html FILE]\n\n"
		"Decode pcap/pcapng captures, rebuild every transfer (REFER, "
		"its NOTIFYs, the BYEs\naround them) and check the RFC rules "
		"('%s rules' lists them). Per transfer:\na ladder, the outcome, "
		"the hooks the sip:refer verb would call (spec dialect)\nand "
		"the findings; --json prints the same as one JSON document.\n\n"
		"  --json             JSON (schema referlab-analysis/1, see "
		"README)\n"
		"  --transfer N       only the Nth transfer (1-based, in "
		"order of REFERs)\n"
		"  --rules ID,...     check only these rules\n"
		"  --notify-timeout S the verb's notifyTimeout (default 15)\n"
		"  --dialect D        hook payloads as the spec documents them "
		"(spec, default)\n"
		"                     or as jambonz sends them (jambonz)\n"
		"  --html FILE        also write the ladder, transfers, findings "
		"and hooks as\n                     one self-contained HTML page\n\n"
		"Exit: 0 no error-level finding, 1 error findings, 2 usage, "
		"3 the --html page\n      cannot be written, 4 unreadable "
		"input.\n", prog, prog);
}

static void transfer_h(struct transfer *t, void *arg)
{
	struct cli *c = arg;

	if (c->only && t->num != c->only)
		return;
	c->seen = true;
	c->errors += findings_count(&t->findings, SEV_ERROR);
	if (c->json)
		out_json_transfer_dialect(stdout, t, c->first, c->dialect);
	else
		out_text_transfer_wb(&c->out, t, c->dialect);
	/* a few transfers a fwrite, in the buffer's first KiBs only: going
	 * round all of it missed the cache on every line */
	if (c->out.len >= OUT_FLUSH)
		wb_flush(&c->out);
	c->first = false;
}

static int number(const char *opt, const char *val, unsigned min,
		  unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!val)
		return cli_usage_error(prog, "analyze: %s needs a value", opt);
	v = strtoul(val, &end, 10);
	if (*val == '-' || *end || end == val || v < min || v > max)
		return cli_usage_error(prog, "analyze: %s '%s' is not a "
				       "number from %u to %u", opt, val, min,
				       max);
	*out = (unsigned)v;
	return 0;
}

/* Options anywhere among the files; returns -1 to go on, else an exit
 * code (after --help or a usage error). */
static int parse(int argc, char **argv, struct cli *c,
		 struct analysis_opts *o, const char **files, size_t *n)
{
	unsigned secs = 15;
	int i, e = 0;

	for (i = 1; i < argc && !e; i++) {
		const char *arg = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return usage(stdout), EXIT_OK;
		if (!strcmp(arg, "--json")) {
			c->json = true;
			continue;
		}
		if (arg[0] != '-' || !arg[1]) {
			files[(*n)++] = arg;
			continue;
		}
		++i;
		if (!strcmp(arg, "--transfer"))
			e = number(arg, val, 1, 1000000000, &c->only);
		else if (!strcmp(arg, "--notify-timeout"))
			e = number(arg, val, 1, 86400, &secs);
		else if (!strcmp(arg, "--rules") && val)
			o->rules = val;
		else if (!strcmp(arg, "--dialect") && val &&
			 (!strcmp(val, "spec") || !strcmp(val, "jambonz")))
			c->dialect = strcmp(val, "spec") ? DIALECT_JAMBONZ
							 : DIALECT_SPEC;
		else if (!strcmp(arg, "--dialect"))
			e = cli_usage_error(prog, "analyze: --dialect is "
					    "'spec' or 'jambonz'");
		else if (!strcmp(arg, "--html") && val)
			c->html = val;
		else if (!strcmp(arg, "--html"))
			e = cli_usage_error(prog, "analyze: --html needs a "
					    "file name");
		else if (!strcmp(arg, "--rules"))
			e = cli_usage_error(prog, "analyze: --rules needs a "
					    "list of rule ids");
		else
			e = cli_usage_error(prog, "analyze: unknown option "
					    "'%s'", arg);
	}
	if (!e && o->rules) {
		struct ruleset rs;
		char err[256];

		if (ruleset_parse(&rs, o->rules, err, sizeof(err)))
			e = cli_usage_error(prog, "analyze: %s", err);
	}
	if (e)
		return e;
	if (!*n)
		return cli_usage_error(prog, "analyze: no capture file given "
				       "(see 'referlab analyze --help')");
	o->notify_timeout_ms = secs * 1000;
	return -1;
}

static int report(struct cli *c, struct analysis *a)
{
	if (c->json)
		out_json_end(stdout, a);
	else
		out_text_end(stdout, a, !c->only);
	if (!c->only)
		c->errors += a->gcount[SEV_ERROR];
	if (c->only && !c->seen) {
		fprintf(stderr, "%s: analyze: no transfer %u: the input holds "
			"%u\n", prog, c->only, a->ntransfers);
		return EXIT_USAGE;
	}
	return c->errors ? EXIT_FINDINGS : EXIT_OK;
}

int cmd_analyze(int argc, char **argv)
{
	struct analysis_opts o = ANALYSIS_OPTS_DEFAULT;
	struct cli c = {.first = true};
	struct analysis *a = NULL;
	const char **files;
	char err[512] = "", herr[512] = "";
	size_t n = 0;
	int e, rc, hrc = 0;

	files = calloc((size_t)argc, sizeof(*files));
	if (!files)
		return EXIT_ENVIRONMENT;
	rc = parse(argc, argv, &c, &o, files, &n);
	if (rc >= 0)
		return free(files), rc;
	o.transferh = transfer_h;
	o.arg = &c;
	wb_init(&c.out, stdout);

	if (c.json)
		out_json_begin(stdout, c.dialect);
	e = analysis_files(&a, files, n, &o, err, sizeof(err));
	wb_flush(&c.out);
	if (c.html && e != EINVAL && report_capture_html(files, n, c.html,
			herr, sizeof(herr)) && !e)
		hrc = EXIT_ENVIRONMENT;   /* the page could not be written */
	free(files);
	if (e == EINVAL || !a) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_USAGE;
	}
	rc = report(&c, a);
	mem_deref(a);
	if (hrc) {
		fprintf(stderr, "%s: %s\n", prog, herr);
		return hrc;
	}
	if (e && rc != EXIT_USAGE) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_INPUT;
	}
	return rc;
}

int cmd_rules(int argc, char **argv)
{
	bool json = argc > 1 && !strcmp(argv[1], "--json");
	cJSON *arr = json ? cJSON_CreateArray() : NULL;
	size_t i;

	if (argc > 1 && !json) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			printf("usage: %s rules [--json]\n\nThe rule catalogue "
			       "of 'referlab analyze': id, severity, the RFC "
			       "section it rests on,\nand what it checks.\n",
			       prog);
			return EXIT_OK;
		}
		return cli_usage_error(prog, "rules: unknown argument '%s'",
				       argv[1]);
	}
	for (i = 0; i < R__COUNT; i++) {
		const struct rule *r = rule_get((enum rule_id)i);

		if (json) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "rule", r->name);
			cJSON_AddStringToObject(o, "severity",
						severity_name(r->sev));
			cJSON_AddStringToObject(o, "rfc", r->rfc);
			cJSON_AddStringToObject(o, "section", r->section);
			cJSON_AddStringToObject(o, "summary", r->summary);
			cJSON_AddItemToArray(arr, o);
			continue;
		}
		printf("%-28s %-7s %-8s §%-9s %s\n", r->name,
		       severity_name(r->sev), r->rfc, r->section, r->summary);
	}
	if (json) {
		char *s = cJSON_Print(arr);

		puts(s ? s : "[]");
		cJSON_free(s);
		cJSON_Delete(arr);
	}
	return EXIT_OK;
}
