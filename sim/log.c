/**
 * @file log.c  referlab-sim's log: one line per event, text or JSON
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <sys/time.h>
#include <re.h>
#include <cjson/cJSON.h>
#include "log.h"

static bool log_as_json;

static const char *level_name[] = {"info", "warn", "error"};

void simlog_json(bool json)
{
	log_as_json = json;
}

static void timestamp(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (long)(tv.tv_usec / 1000));
}

static void emit_json(const char *ts, enum log_level level, const char *call,
		      const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	char *line;

	if (!o)
		return;
	cJSON_AddStringToObject(o, "ts", ts);
	cJSON_AddStringToObject(o, "level", level_name[level]);
	if (call)
		cJSON_AddStringToObject(o, "call", call);
	cJSON_AddStringToObject(o, "msg", msg);
	line = cJSON_PrintUnformatted(o);
	if (line)
		fprintf(stderr, "%s\n", line);
	cJSON_free(line);
	cJSON_Delete(o);
}

void simlog(enum log_level level, const char *call, const char *fmt, ...)
{
	char msg[1024], ts[64], *p;
	va_list ap;

	va_start(ap, fmt);
	(void)re_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one event, one line, whatever a peer put in a header */
	for (p = msg; *p; p++) {
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	}
	timestamp(ts, sizeof(ts));
	if (log_as_json)
		emit_json(ts, level, call, msg);
	else
		fprintf(stderr, "%s %-5s %s%s%s\n", ts, level_name[level],
			call ? call : "", call ? " " : "", msg);
	fflush(stderr);
}
