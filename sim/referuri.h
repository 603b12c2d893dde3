/**
 * @file referuri.h  Normalising the Refer-To and Referred-By values (spec §2)
 *
 * Pure string work, so every rule has a unit test: the verb gives a SIP or
 * tel URI, a name-addr, or a bare number/user; what goes on the wire is
 * always a name-addr the header can carry unchanged.
 */
#ifndef REFERLAB_REFERURI_H
#define REFERLAB_REFERURI_H

#include <stddef.h>

/* Refer-To: a name-addr (`<…>` or `"…" <…>`) is used as given; a sip:,
 * sips: or tel: URI is wrapped in <…>; anything else is a number or user
 * and becomes <sip:VALUE@HOST> (VALUE with an @ already names its host:
 * <sip:VALUE>). host: the far end's host in the dialog. */
int referuri_refer_to(char **outp, const char *value, const char *host);

/* Referred-By: the same rules; a bare value gets the display name when one
 * is given: "DISPLAY" <sip:VALUE@HOST>. */
int referuri_referred_by(char **outp, const char *value, const char *display,
			 const char *host);

/* Why value cannot go into a header (empty, CR/LF, unbalanced <>), or
 * NULL when it can. */
const char *referuri_invalid(const char *value);

#endif
