/**
 * @file main.c  referlab-sim: a libre implementation of the sip:refer verb
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"

static const char *prog = "referlab-sim";

static void usage(FILE *out)
{
	fprintf(out,
		"usage: %s --sip PROTO:ADDR:PORT... (--app FILE | --call-hook URL)\n"
		"       [--hook-base URL] [--dial URI] [--dialect spec|jambonz]\n"
		"       [--webhook-secret S] [--sip-auth USER:PASSWORD]\n"
		"       [--trace FILE.pcap] [--log text|json]\n"
		"       [--max-calls N] [--exit-after-calls N]\n"
		"       %s --help | --version\n\n"
		"Holds SIP calls and runs the jambonz sip:refer verb on them.\n",
		prog, prog);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr), EXIT_USAGE;
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout), EXIT_OK;
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cli_print_version(stdout, prog), EXIT_OK;
	return cli_not_implemented(prog, "running calls");
}
