/**
 * @file addr.c  ADDR:PORT from the command line, checked
 */
#include <stdlib.h>
#include <string.h>
#include "addr.h"

int addr_decode(struct sa *sa, const char *str)
{
	const char *port = str ? strrchr(str, ':') : NULL;
	size_t n;

	if (!sa || !port)
		return EINVAL;
	n = strlen(port + 1);
	if (!n || n > 5 || strspn(port + 1, "0123456789") != n ||
	    strtoul(port + 1, NULL, 10) > 65535)
		return EINVAL;
	return sa_decode(sa, str, strlen(str));
}
