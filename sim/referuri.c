/**
 * @file referuri.c  Normalising the Refer-To and Referred-By values (spec §2)
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <re.h>
#include "referuri.h"

static bool has_scheme(const char *v, size_t len)
{
	static const char *schemes[] = {"sip:", "sips:", "tel:"};
	size_t i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (len >= n && !strncasecmp(v, schemes[i], n))
			return true;
	}
	return false;
}

static void trim(const char *value, struct pl *pl)
{
	const char *p = value, *end = value + strlen(value);

	while (p < end && isspace((unsigned char)*p))
		++p;
	while (end > p && isspace((unsigned char)end[-1]))
		--end;
	pl->p = p;
	pl->l = (size_t)(end - p);
}

const char *referuri_invalid(const char *value)
{
	struct pl v;

	if (!value)
		return "missing";
	if (strpbrk(value, "\r\n"))
		return "contains a line break";
	trim(value, &v);
	if (!v.l)
		return "empty";
	if ((v.p[0] == '<' || v.p[0] == '"') && !memchr(v.p, '>', v.l))
		return "has '<' or a display name but no closing '>'";
	if (v.p[0] == '<' && v.p[v.l - 1] != '>')
		return "has text after the closing '>'";
	if (v.p[0] != '<' && v.p[0] != '"' && memchr(v.p, '<', v.l))
		return "has a '<' inside a bare value (quote the display name)";
	if (!has_scheme(v.p, v.l) && v.p[0] != '<' && v.p[0] != '"' &&
	    pl_strchr(&v, ' '))
		return "is a bare number/user with spaces";
	return NULL;
}

/* The addr-spec a value stands for, written as <...> into *outp. */
static int addr_spec(char **outp, const char *display, const struct pl *v,
		     const char *host)
{
	bool hosted = pl_strchr(v, '@') != NULL;
	const char *d;
	struct mbuf *mb = mbuf_alloc(64);
	int err = 0;

	if (!mb)
		return ENOMEM;
	if (display && *display) {
		err |= mbuf_write_u8(mb, '"');
		for (d = display; *d; d++) {
			if (*d == '"' || *d == '\\')
				err |= mbuf_write_u8(mb, '\\');
			err |= mbuf_write_u8(mb, (uint8_t)*d);
		}
		err |= mbuf_write_str(mb, "\" ");
	}
	if (has_scheme(v->p, v->l))
		err |= mbuf_printf(mb, "<%r>", v);
	else if (hosted)
		err |= mbuf_printf(mb, "<sip:%r>", v);
	else
		err |= mbuf_printf(mb, "<sip:%r@%s>", v, host);
	if (err)
		goto out;
	mb->pos = 0;
	err = mbuf_strdup(mb, outp, mb->end);
 out:
	mem_deref(mb);
	return err;
}

static int normalise(char **outp, const char *value, const char *display,
		     const char *host)
{
	struct pl v;

	if (!outp || referuri_invalid(value))
		return EINVAL;
	trim(value, &v);
	if (v.p[0] == '<' || v.p[0] == '"')
		return pl_strdup(outp, &v);
	if (!has_scheme(v.p, v.l) && !pl_strchr(&v, '@') &&
	    (!host || !*host || strpbrk(host, "\r\n <>")))
		return EINVAL;
	return addr_spec(outp, display, &v, host);
}

int referuri_refer_to(char **outp, const char *value, const char *host)
{
	return normalise(outp, value, NULL, host);
}

int referuri_referred_by(char **outp, const char *value, const char *display,
			 const char *host)
{
	if (display && strpbrk(display, "\r\n"))
		return EINVAL;
	return normalise(outp, value, display, host);
}
