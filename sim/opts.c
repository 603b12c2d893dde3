/**
 * @file opts.c  referlab-sim's command line
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "addr.h"
#include "opts.h"
#include "secret.h"

enum { MAX_COUNT = 1000000 };

static int usage(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int usage(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* udp:127.0.0.1:5070, tcp:[::1]:5070 (port 0: any free port) */
static int parse_listen(struct sim_conf *conf, const char *spec,
			char *err, size_t errsz)
{
	struct opts_listen *l;
	const char *colon = strchr(spec, ':');

	if (conf->listenc >= OPTS_MAX_LISTEN)
		return usage(err, errsz, "--sip: at most %d addresses",
			     OPTS_MAX_LISTEN);
	l = &conf->listen[conf->listenc];
	if (!colon)
		goto bad;
	if ((size_t)(colon - spec) == 3 && !strncasecmp(spec, "udp", 3))
		l->tp = SIP_TRANSP_UDP;
	else if ((size_t)(colon - spec) == 3 && !strncasecmp(spec, "tcp", 3))
		l->tp = SIP_TRANSP_TCP;
	else
		return usage(err, errsz, "--sip %s: transport must be udp or "
			     "tcp", spec);
	if (addr_decode(&l->addr, colon + 1))
		goto bad;
	l->spec = spec;
	++conf->listenc;
	return 0;
 bad:
	return usage(err, errsz, "--sip %s: expected PROTO:ADDR:PORT, e.g. "
		     "udp:127.0.0.1:5070 or tcp:[::1]:5070", spec);
}

static int parse_count(uint32_t *out, const char *opt, const char *val,
		       char *err, size_t errsz)
{
	char *end;
	unsigned long n = strtoul(val, &end, 10);

	if (!*val || *end || *val == '-' || n == 0 || n > MAX_COUNT)
		return usage(err, errsz, "%s %s: expected a number from 1 to "
			     "%d", opt, val, MAX_COUNT);
	*out = (uint32_t)n;
	return 0;
}

/* --refer-timeout MS: within libre's own Timer F, which ends the
 * transaction anyway */
static int parse_refer_timeout(struct sim_conf *conf, const char *val,
			       char *err, size_t errsz)
{
	char *end;
	unsigned long n = strtoul(val, &end, 10);

	if (!*val || *end || *val == '-' || n == 0 || n >= OPTS_TIMER_F_MS)
		return usage(err, errsz, "--refer-timeout %s: expected "
			     "milliseconds from 1 to %d (below RFC 3261 Timer "
			     "F, 64*T1)", val, OPTS_TIMER_F_MS - 1);
	conf->refer_timeout_ms = (uint32_t)n;
	return 0;
}

/* from: "--sip-auth" or "$REFERLAB_SIP_AUTH", for the message */
static int parse_auth(struct sim_conf *conf, const char *from,
		      const char *val, char *err, size_t errsz)
{
	const char *colon = strchr(val, ':');
	struct pl user, pass;

	if (!colon || colon == val || !colon[1])
		return usage(err, errsz, "%s: expected USER:PASSWORD", from);
	pl_set_str(&user, val);
	user.l = (size_t)(colon - val);
	pl_set_str(&pass, colon + 1);
	conf->auth_user = mem_deref(conf->auth_user);
	conf->auth_pass = mem_deref(conf->auth_pass);
	if (pl_strdup(&conf->auth_user, &user) ||
	    pl_strdup(&conf->auth_pass, &pass))
		return ENOMEM;
	return 0;
}

static bool is_http_url(const char *s)
{
	return !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8);
}

static int parse_one(struct sim_conf *conf, const char *opt, const char *val,
		     char *err, size_t errsz)
{
	if (!strcmp(opt, "--sip"))
		return parse_listen(conf, val, err, errsz);
	if (!strcmp(opt, "--app"))
		conf->app_path = val;
	else if (!strcmp(opt, "--call-hook") || !strcmp(opt, "--hook-base")) {
		if (!is_http_url(val))
			return usage(err, errsz, "%s %s: expected an http:// "
				     "URL", opt, val);
		*(opt[2] == 'c' ? &conf->call_hook : &conf->hook_base) = val;
	}
	else if (!strcmp(opt, "--dial")) {
		if (strncasecmp(val, "sip:", 4))
			return usage(err, errsz, "--dial %s: expected a sip: "
				     "URI", val);
		conf->dial = val;
	}
	else if (!strcmp(opt, "--dialect")) {
		if (!strcmp(val, "spec"))
			conf->dialect = HOOK_DIALECT_SPEC;
		else if (!strcmp(val, "jambonz"))
			conf->dialect = HOOK_DIALECT_JAMBONZ;
		else
			return usage(err, errsz, "--dialect %s: expected spec "
				     "or jambonz", val);
	}
	else if (!strcmp(opt, "--webhook-secret"))
		conf->secret = val;
	else if (!strcmp(opt, "--webhook-secret-file"))
		conf->secret_file = val;
	else if (!strcmp(opt, "--sip-auth"))
		return parse_auth(conf, opt, val, err, errsz);
	else if (!strcmp(opt, "--trace"))
		conf->trace = val;
	else if (!strcmp(opt, "--log")) {
		if (strcmp(val, "text") && strcmp(val, "json"))
			return usage(err, errsz, "--log %s: expected text or "
				     "json", val);
		conf->log_json = !strcmp(val, "json");
	}
	else if (!strcmp(opt, "--max-calls"))
		return parse_count(&conf->max_calls, opt, val, err, errsz);
	else if (!strcmp(opt, "--refer-timeout"))
		return parse_refer_timeout(conf, val, err, errsz);
	else
		return parse_count(&conf->exit_after, opt, val, err, errsz);
	return 0;
}

static bool is_known(const char *opt)
{
	static const char *known[] = {
		"--sip", "--app", "--call-hook", "--hook-base", "--dial",
		"--dialect", "--webhook-secret", "--webhook-secret-file",
		"--sip-auth", "--trace", "--log", "--max-calls",
		"--exit-after-calls", "--refer-timeout",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		if (!strcmp(opt, known[i]))
			return true;
	}
	return false;
}

static int check(const struct sim_conf *conf, char *err, size_t errsz)
{
	if (!conf->listenc)
		return usage(err, errsz, "--sip is required");
	if (!conf->app_path == !conf->call_hook)
		return usage(err, errsz, "give exactly one of --app and "
			     "--call-hook");
	if (conf->hook_base && conf->call_hook)
		return usage(err, errsz, "--hook-base goes with --app (with "
			     "--call-hook, relative URLs resolve against it)");
	return 0;
}

int opts_parse(struct sim_conf *conf, int argc, char **argv,
	       char *err, size_t errsz)
{
	int i, e;

	if (!conf || !argv || !err)
		return EINVAL;
	memset(conf, 0, sizeof(*conf));
	conf->dialect = HOOK_DIALECT_SPEC;
	conf->account_sid = "referlab-account";
	conf->application_sid = "referlab-application";

	for (i = 0; i < argc; i++) {
		if (!is_known(argv[i]))
			return usage(err, errsz, "%s '%s'",
				     strncmp(argv[i], "--", 2) ?
				     "unexpected argument" : "unknown option",
				     argv[i]);
		if (i + 1 >= argc)
			return usage(err, errsz, "%s needs a value", argv[i]);
		e = parse_one(conf, argv[i], argv[i + 1], err, errsz);
		if (e)
			return e;
		++i;
	}
	/* The password out of the command line, which any user can read */
	if (!conf->auth_user && getenv(SIP_AUTH_ENV) && *getenv(SIP_AUTH_ENV)) {
		e = parse_auth(conf, "$" SIP_AUTH_ENV, getenv(SIP_AUTH_ENV),
			       err, errsz);
		if (e)
			return e;
	}
	return check(conf, err, errsz);
}

void opts_reset(struct sim_conf *conf)
{
	if (!conf)
		return;
	conf->auth_user = mem_deref(conf->auth_user);
	conf->auth_pass = mem_deref(conf->auth_pass);
}
