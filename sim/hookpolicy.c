/**
 * @file hookpolicy.c  Hook retry policy: #rp=ct,rt,4xx,5xx,all&rc=<0..5>
 *
 * jambonz reads the policy from the hook URL's fragment, which never goes
 * on the wire; referlab does the same so the same application files work.
 */
#include <string.h>
#include "hookint.h"

static const struct {
	const char *name;
	unsigned cond;
} conds[] = {
	{"ct",  HOOK_RETRY_CT},
	{"rt",  HOOK_RETRY_RT},
	{"4xx", HOOK_RETRY_4XX},
	{"5xx", HOOK_RETRY_5XX},
	{"all", HOOK_RETRY_ALL},
};

static int decode_conds(unsigned *bits, const struct pl *val, char *err,
			size_t errsz)
{
	struct pl rest = *val, item;
	size_t i;

	*bits = 0;
	while (rest.l) {
		const char *comma = pl_strchr(&rest, ',');

		item.p = rest.p;
		item.l = comma ? (size_t)(comma - rest.p) : rest.l;
		pl_advance(&rest, item.l + (comma ? 1 : 0));
		for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
			if (!pl_strcasecmp(&item, conds[i].name))
				break;
		}
		if (i == sizeof(conds) / sizeof(conds[0])) {
			re_snprintf(err, errsz, "retry policy: unknown rp "
				    "condition '%r' (use ct, rt, 4xx, 5xx, "
				    "all)", &item);
			return EINVAL;
		}
		*bits |= conds[i].cond;
		if (comma && !rest.l) {
			re_snprintf(err, errsz, "retry policy: rp ends with "
				    "','");
			return EINVAL;
		}
	}
	if (!*bits) {
		re_snprintf(err, errsz, "retry policy: rp is empty (use ct, "
			    "rt, 4xx, 5xx, all)");
		return EINVAL;
	}

	return 0;
}

static int decode_count(unsigned *n, const struct pl *val, char *err,
			size_t errsz)
{
	size_t i;

	for (i = 0; i < val->l; i++) {
		if (val->p[i] < '0' || val->p[i] > '9')
			break;
	}
	if (!val->l || i < val->l || val->l > 2 ||
	    pl_u32(val) > HOOK_RETRIES_MAX) {
		re_snprintf(err, errsz, "retry policy: rc must be a number "
			    "0..%u, not '%r'", HOOK_RETRIES_MAX, val);
		return EINVAL;
	}

	*n = pl_u32(val);
	return 0;
}

static int decode_param(struct hook_policy *p, const struct pl *param,
			unsigned *seen, char *err, size_t errsz)
{
	const char *eq = pl_strchr(param, '=');
	struct pl key, val;

	if (!eq) {
		re_snprintf(err, errsz, "retry policy: '%r' is not key=value",
			    param);
		return EINVAL;
	}
	key.p = param->p;
	key.l = eq - param->p;
	val.p = eq + 1;
	val.l = param->l - key.l - 1;

	if (!pl_strcmp(&key, "rp") && !(*seen & 1)) {
		*seen |= 1;
		return decode_conds(&p->conds, &val, err, errsz);
	}
	if (!pl_strcmp(&key, "rc") && !(*seen & 2)) {
		*seen |= 2;
		return decode_count(&p->retries, &val, err, errsz);
	}

	re_snprintf(err, errsz, "retry policy: %s key '%r' (use rp and rc "
		    "once each)", pl_strcmp(&key, "rp") && pl_strcmp(&key, "rc")
		    ? "unknown" : "repeated", &key);
	return EINVAL;
}

int hook_policy_decode(struct hook_policy *p, const struct pl *frag,
		       char *err, size_t errsz)
{
	struct pl rest, param;
	unsigned seen = 0;
	int e;

	if (!p || !err || !errsz)
		return EINVAL;

	p->conds = HOOK_RETRY_CT;
	p->retries = 0;
	if (!frag || !pl_isset(frag))
		return 0;

	rest = *frag;
	while (rest.l) {
		const char *amp = pl_strchr(&rest, '&');

		param.p = rest.p;
		param.l = amp ? (size_t)(amp - rest.p) : rest.l;
		pl_advance(&rest, param.l + (amp ? 1 : 0));
		e = decode_param(p, &param, &seen, err, errsz);
		if (e)
			return e;
		if (amp && !rest.l) {
			re_snprintf(err, errsz, "retry policy: ends with '&'");
			return EINVAL;
		}
	}

	return 0;
}

bool hook_policy_retry(const struct hook_policy *p, int err, uint16_t scode)
{
	unsigned cond;

	if (!p)
		return false;

	/* EFBIG: an answer came, its body over HOOK_ANSWER_MAX. It is no
	 * connection failure (ct) nor timeout (rt): like any answer, its
	 * status class decides (4xx, 5xx); a 2xx is not retried, as the
	 * spec names no condition for it (the same server would most
	 * likely send the same body again). */
	if (err && err != EFBIG)
		cond = err == ETIMEDOUT ? HOOK_RETRY_RT : HOOK_RETRY_CT;
	else if (scode >= 400 && scode < 500)
		cond = HOOK_RETRY_4XX;
	else if (scode >= 500)
		cond = HOOK_RETRY_5XX;
	else
		return false;

	return (p->conds & cond) != 0;
}

/* Back-off before retry n (1-based): 500 ms, 1 s, 2 s, then 2 s more each
 * time, as jambonz does: 500, 1000, 2000, 4000, 6000. */
uint32_t hook_policy_backoff(unsigned retry)
{
	if (retry <= 1)
		return 500;
	if (retry <= 3)
		return 500u << (retry - 1);

	return 2000 + 2000 * (retry - 3);
}
