/**
 * @file test_opts.c  referlab-sim's command line, parsed
 */
#include <stdlib.h>
#include <string.h>
#include "opts.h"
#include "secret.h"
#include "unit.h"

static struct sim_conf conf;
static char err[256];

static int parse(const char *a0, const char *a1, const char *a2,
		 const char *a3, const char *a4, const char *a5)
{
	char *argv[] = {(char *)a0, (char *)a1, (char *)a2, (char *)a3,
			(char *)a4, (char *)a5, NULL};
	int argc = 0;

	while (argv[argc])
		++argc;
	err[0] = '\0';
	opts_reset(&conf);
	return opts_parse(&conf, argc, argv, err, sizeof(err));
}

static void test_good(void)
{
	char *argv[] = {"--sip", "udp:127.0.0.1:5070", "--sip", "tcp:[::1]:0",
			"--app", "a.json", "--hook-base", "http://127.0.0.1:1",
			"--dialect", "jambonz", "--sip-auth", "al:pa:ss",
			"--log", "json", "--max-calls", "10",
			"--exit-after-calls", "3", "--dial", "sip:p@127.0.0.1:5",
			"--webhook-secret-file", "s.txt",
			"--refer-timeout", "31999"};

	CU_ASSERT_EQUAL_FATAL(opts_parse(&conf, ARRAY_SIZE(argv), argv, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf.listenc, 2);
	CU_ASSERT_EQUAL(conf.listen[0].tp, SIP_TRANSP_UDP);
	CU_ASSERT_EQUAL(sa_port(&conf.listen[0].addr), 5070);
	CU_ASSERT_EQUAL(conf.listen[1].tp, SIP_TRANSP_TCP);
	CU_ASSERT_EQUAL(sa_af(&conf.listen[1].addr), AF_INET6);
	CU_ASSERT_EQUAL(conf.dialect, HOOK_DIALECT_JAMBONZ);
	CU_ASSERT_STRING_EQUAL(conf.auth_user, "al");
	CU_ASSERT_STRING_EQUAL(conf.auth_pass, "pa:ss");   /* first colon */
	CU_ASSERT(conf.log_json);
	CU_ASSERT_EQUAL(conf.max_calls, 10);
	CU_ASSERT_EQUAL(conf.exit_after, 3);
	CU_ASSERT_EQUAL(conf.refer_timeout_ms, 31999);
	CU_ASSERT_STRING_EQUAL(conf.dial, "sip:p@127.0.0.1:5");
	CU_ASSERT_STRING_EQUAL(conf.secret_file, "s.txt");
	CU_ASSERT_PTR_NULL(conf.secret);   /* read later: secret_resolve() */
	CU_ASSERT_STRING_EQUAL(conf.account_sid, "referlab-account");
	opts_reset(&conf);
	CU_ASSERT_PTR_NULL(conf.auth_user);
}

/* The credentials from the environment, out of ps; the option wins. */
static void test_auth_env(void)
{
	setenv(SIP_AUTH_ENV, "envuser:env:pw", 1);
	CU_ASSERT_EQUAL_FATAL(parse("--sip", "udp:127.0.0.1:1", "--app", "a",
				    NULL, NULL), 0);
	CU_ASSERT_STRING_EQUAL(conf.auth_user, "envuser");
	CU_ASSERT_STRING_EQUAL(conf.auth_pass, "env:pw");
	CU_ASSERT_EQUAL_FATAL(parse("--sip", "udp:127.0.0.1:1", "--app", "a",
				    "--sip-auth", "opt:pw"), 0);
	CU_ASSERT_STRING_EQUAL(conf.auth_user, "opt");
	setenv(SIP_AUTH_ENV, "nocolon", 1);
	CU_ASSERT_NOT_EQUAL(parse("--sip", "udp:127.0.0.1:1", "--app", "a",
				  NULL, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "$REFERLAB_SIP_AUTH: expected "
				      "USER:PASSWORD"));
	setenv(SIP_AUTH_ENV, "", 1);   /* empty: as if not set */
	CU_ASSERT_EQUAL(parse("--sip", "udp:127.0.0.1:1", "--app", "a", NULL,
			      NULL), 0);
	CU_ASSERT_PTR_NULL(conf.auth_user);
	unsetenv(SIP_AUTH_ENV);
	opts_reset(&conf);
}

static void test_refused(void)
{
	static const struct {
		const char *args[6];
		const char *why;
	} cases[] = {
		{{"--app", "a"}, "--sip is required"},
		{{"--sip", "udp:127.0.0.1:1"}, "exactly one of --app and --call-hook"},
		{{"--sip", "udp:127.0.0.1:1", "--call-hook", "ftp://x"},
		 "--call-hook ftp://x: expected an http:// URL"},
		{{"--sip", "udp:127.0.0.1:1", "--call-hook", "http://h/app",
		  "--hook-base", "http://h"}, "--hook-base goes with --app"},
		{{"--sip", "ws:127.0.0.1:1"}, "transport must be udp or tcp"},
		{{"--sip", "udp:127.0.0.1"}, "expected PROTO:ADDR:PORT"},
		{{"--sip", "udp"}, "expected PROTO:ADDR:PORT"},
		{{"--app", "a", "--dial", "tel:+1"}, "--dial tel:+1: expected a sip: URI"},
		{{"--app", "a", "--dialect", "x"}, "--dialect x: expected spec or jambonz"},
		{{"--app", "a", "--max-calls", "-1"}, "--max-calls -1: expected a number"},
		{{"--app", "a", "--max-calls", "2x"}, "--max-calls 2x: expected a number"},
		{{"--app", "a", "--sip-auth", ":pw"}, "--sip-auth: expected USER:PASSWORD"},
		{{"--app", "a", "--sip-auth", "u:"}, "--sip-auth: expected USER:PASSWORD"},
		{{"--app", "a", "--refer-timeout", "32000"},
		 "--refer-timeout 32000: expected milliseconds from 1 to 31999"},
		{{"--app", "a", "--refer-timeout", "0"},
		 "--refer-timeout 0: expected milliseconds"},
		{{"--app", "a", "--refer-timeout", "1s"},
		 "--refer-timeout 1s: expected milliseconds"},
		{{"--app", "a", "stray"}, "unexpected argument 'stray'"},
		{{"--app", "a", "--trace"}, "--trace needs a value"},
		{{"--app", "a", "--verbose"}, "unknown option '--verbose'"},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *const *a = cases[i].args;

		CU_ASSERT_EQUAL(parse(a[0], a[1], a[2], a[3], a[4], a[5]),
				EINVAL);
		if (!strstr(err, cases[i].why))
			fprintf(stderr, "\n  case %zu: want '%s', got '%s'\n",
				i, cases[i].why, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].why));
	}
	opts_reset(&conf);
}

static void test_listen_limit(void)
{
	char *argv[2 * OPTS_MAX_LISTEN + 4];
	int i, argc = 0;

	for (i = 0; i <= OPTS_MAX_LISTEN; i++) {
		argv[argc++] = "--sip";
		argv[argc++] = "udp:127.0.0.1:0";
	}
	argv[argc++] = "--app";
	argv[argc++] = "a";
	CU_ASSERT_EQUAL(opts_parse(&conf, argc, argv, err, sizeof(err)),
			EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "at most"));
}

static const struct unit_test opts_tests[] = {
	{"every option", test_good},
	{"usage errors name the argument", test_refused},
	{"--sip-auth from $REFERLAB_SIP_AUTH", test_auth_env},
	{"at most OPTS_MAX_LISTEN --sip", test_listen_limit},
	{NULL, NULL},
};

static const struct unit_suite suites[] = {
	{"opts", opts_tests},
	{NULL, NULL},
};

int main(void)
{
	return unit_run(suites);
}
