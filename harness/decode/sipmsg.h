/**
 * @file sipmsg.h  A SIP message as slices of the packet that carried it
 *
 * The analyser's hot path: one pass over the start line and the header
 * lines, no allocation, no regular expression. Every field is a pl that
 * points into the caller's buffer, so a struct sipmsg is valid only as
 * long as that buffer is. Header names are matched case-insensitively,
 * in long and compact form (RFC 3261 §7.3.3); folded lines (§7.3.1)
 * continue the value above them; values are trimmed of LWS. The body is
 * everything after the empty line: framing (sipframe.h) already cut the
 * message at Content-Length.
 */
#ifndef REFERLAB_SIPMSG_H
#define REFERLAB_SIPMSG_H

#include <re.h>

enum { SIPMSG_MAX_HDRS = 128 };   /* header lines kept per message */

/* From, To, Contact, Refer-To ...: name-addr or addr-spec */
struct sipmsg_addr {
	struct pl dname;              /* display name, quotes kept */
	struct pl auri;               /* the URI, without < > */
	struct pl scheme;             /* "sip", "sips", "tel" */
	struct pl user;               /* user part of the URI, if any */
	struct pl params;             /* header parameters, from the ';' */
	struct pl tag;                /* the tag parameter's value */
};

/* The fields sipmsg_fields reads, by header */
enum sipmsg_field {
	SIPMSG_VIA    = 1 << 0,       /* via: the top Via */
	SIPMSG_FROM   = 1 << 1,
	SIPMSG_TO     = 1 << 2,
	SIPMSG_CALLID = 1 << 3,
	SIPMSG_CSEQ   = 1 << 4,
	SIPMSG_CTYPE  = 1 << 5,       /* ctyp */
	SIPMSG_FIELDS = (1 << 6) - 1, /* all of them */
};

struct sipmsg_hdr {
	struct pl name;               /* as written: "From", "f", "FROM" */
	struct pl val;                /* the whole line's value */
	enum sip_hdrid id;            /* SIP_HDR_NONE for names we skip */
};

struct sipmsg {
	struct pl raw;                /* the whole message, as decoded */
	bool req;
	struct pl ver, met, ruri;     /* ruri: the request's, raw */
	uint16_t scode;
	struct pl reason;
	struct pl callid;
	struct {
		struct pl met;
		uint32_t num;
	} cseq;
	struct sipmsg_addr from, to;
	struct {
		struct pl sentby, branch;   /* of the top Via value */
	} via;
	struct {
		struct pl type, subtype;
	} ctyp;
	struct pl body;
	unsigned fields;              /* enum sipmsg_field: those read */
	unsigned nhdrs;
	struct sipmsg_hdr hdr[SIPMSG_MAX_HDRS];
};

int  sipmsg_decode(struct sipmsg *m, const char *p, size_t len,
		   const char **why);
int  sipmsg_lines(struct sipmsg *m, const char *p, size_t len,
		  const char **why);
int  sipmsg_fields(struct sipmsg *m, unsigned which, const char **why);
int  sipmsg_addr_decode(struct sipmsg_addr *a, const struct pl *val);
bool sipmsg_first(const struct sipmsg *m, enum sip_hdrid id, struct pl *val);
typedef bool (sipmsg_val_h)(const struct pl *val, void *arg);
bool sipmsg_apply(const struct sipmsg *m, enum sip_hdrid id,
		  sipmsg_val_h *h, void *arg);
const char *sipmsg_missing(const struct sipmsg *m);
bool sipmsg_token(const struct pl *val, struct pl *tok);
void sipmsg_cut(struct sipmsg *m, size_t len);
size_t sipmsg_size(const struct sipmsg *m);

/* sipmsg_decode: 0, or EBADMSG with *why naming what is wrong ("header
 * line 3 has no ':'"); *m is filled either way as far as it was read.
 * sipmsg_decode is sipmsg_lines then sipmsg_fields of all fields, in
 * parts for the analyser, which reads some fields on its decoding
 * thread and the others on its model's (decoder.h): sipmsg_lines, the
 * start line and the header lines (hdr[], body; *m zeroed first);
 * sipmsg_fields, from those, the fields in which (enum sipmsg_field)
 * not read yet (m->fields, which gains them). Each 0 or EBADMSG and
 * *why as sipmsg_decode; a part that fails names the first of its own
 * fields that fails, not necessarily the message's first: the whole
 * message's reading says that.
 * sipmsg_first: the first value of the header (the first element of a
 * list header such as Contact or Route, RFC 3261 §7.3.1), false if the
 * message has none. sipmsg_apply: h for each value in order, until h
 * returns true (then true). sipmsg_missing: the first of Call-ID, CSeq,
 * From, To, Via that a message cannot do without (§8.1.1) and lacks.
 * sipmsg_token: the first run of characters other than ';', SP and HT
 * ("terminated" of "terminated;reason=noresource"), false if none.
 * sipmsg_cut: *m as sipmsg_decode would have read only the first len
 * bytes, len at least up to the body (the header lines the same).
 * sipmsg_size: the bytes of *m that hold something (the header lines
 * it has, not all SIPMSG_MAX_HDRS): a message that must outlive its
 * packet's buffer is decoded from a copy of its bytes, and this much of
 * the struct kept with them (msgq.h). */

#endif
