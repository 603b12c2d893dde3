/**
 * @file main.c  referlab: the conformance harness command line
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "cmd_analyze.h"
#include "cmd_hooks.h"
#include "load.h"
#include "replay.h"
#include "report.h"
#include "runner.h"
#include "synth.h"

static const char *prog = "referlab";

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* One row per subcommand; each lands with its issue. */
static const struct command commands[] = {
	{"run",     "run conformance suites against an implementation", runner_main},
	{"analyze", "decode captures, rebuild transfers, check RFC rules", cmd_analyze},
	{"rules",   "list the rule catalogue",                           cmd_rules},
	{"report",  "merge results into HTML, Markdown, JUnit, JSON",    report_main},
	{"replay",  "turn a captured transfer into a peer and run it",   replay_main},
	{"synth",   "write a deterministic capture of N transfers",      cmd_synth},
	{"load",    "drive transfers at a rate and measure the IUT",     cmd_load},
	{"hooks",   "serve an application, record and check webhooks",   cmd_hooks},
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: %s COMMAND [ARGS...]\n"
		"       %s --help | --version\n\n"
		"Conformance harness for the jambonz sip:refer verb.\n\n"
		"Commands:\n", prog, prog);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out,
		"\nExit codes: 0 ok, 1 failures or error findings, 2 usage,\n"
		"            3 environment (missing tool, rights, ports), "
		"4 unreadable input.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return usage(stderr), EXIT_USAGE;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout), EXIT_OK;
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cli_print_version(stdout, prog), EXIT_OK;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	}
	return cli_usage_error(prog, "unknown command '%s'", argv[1]);
}
