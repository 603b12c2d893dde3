/**
 * @file addr.h  ADDR:PORT from the command line, checked
 *
 * libre's sa_decode() keeps the low 16 bits of a port above 65535
 * ("127.0.0.1:99999" listens on 34463); both programs take addresses on
 * their command lines, so both check them here first.
 */
#ifndef REFERLAB_ADDR_H
#define REFERLAB_ADDR_H

#include <re.h>

/* "1.2.3.4:PORT" or "[v6]:PORT", PORT 0..65535 in decimal; EINVAL else. */
int addr_decode(struct sa *sa, const char *str);

#endif
