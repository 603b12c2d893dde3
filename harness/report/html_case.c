/**
 * @file html_case.c  One case in the HTML report: ladder, assertions, findings, hooks, files
 *
 * Also the body of `referlab analyze --html` (a capture with no verdict).
 * Everything that came from a file or the wire goes through esc_*().
 */

#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report/case.h"
#include "report/esc.h"
#include "report/html.h"
#include "report/report_int.h"

static const char *const case_files[] = {
	"capture.pcap", "capture.pcapng", "sim-trace.pcap", "hooks.jsonl",
	"verdict.json", "sipp.log", "sipp-errors.log", "sipp-messages.log",
	"sim.log", "commands.txt", "runner.log",
};

/* s appended at buf[*n]; false, buf left as it was, when it does not fit */
static bool put(char *buf, size_t sz, size_t *n, const char *s)
{
	size_t l = strlen(s);

	if (l >= sz - *n)
		return false;
	memcpy(buf + *n, s, l + 1);
	*n += l;
	return true;
}

bool html_rel_link(const char *page, const char *target, char *buf, size_t sz)
{
	char from[PATH_MAX + 1], to[PATH_MAX], pdir[PATH_MAX];
	const char *slash = strrchr(page, '/');
	size_t dlen = slash ? (size_t)(slash - page) : 0, common = 0, n = 0, i;

	if (!sz)
		return false;
	buf[0] = '\0';
	if (dlen >= sizeof(pdir))
		return false;
	/* "x.html": the current folder; "/x.html": the root */
	if (!dlen)
		snprintf(pdir, sizeof(pdir), "%s", slash ? "/" : ".");
	else
		snprintf(pdir, sizeof(pdir), "%.*s", (int)dlen, page);
	if (!realpath(pdir, from) || !realpath(target, to))
		return put(buf, sz, &n, target);
	/* the page's folder with its '/', so that the shared part ends at
	 * a '/' of both: "/a/b/" and "/a/bc/x" share "/a/" */
	if (strcmp(from, "/"))
		strcat(from, "/");
	for (i = 0; from[i] && from[i] == to[i]; i++) {
		if (from[i] == '/')
			common = i + 1;
	}
	for (i = common; from[i]; i++) {
		if (from[i] == '/' && !put(buf, sz, &n, "../"))
			break;
	}
	if (from[i] || !put(buf, sz, &n, to + common)) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

/* One line in place of links that would point elsewhere: a path cut at
 * the buffer's end names another file. */
static void not_linked(FILE *f, const char *name, const char *first,
		       unsigned n)
{
	esc_wrap(f, "<p class=\"note\">", name, ": ");
	esc_xml(f, first);
	if (n > 1)
		fprintf(f, " and %u more files", n - 1);
	fprintf(f, " not linked: path or link longer than %d bytes</p>\n",
		PATH_MAX - 1);
}

static void files(FILE *f, const char *page, const char *dir,
		  const char *name)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *unlinked = NULL;
	unsigned nunlinked = 0;
	size_t i;
	bool any = false;

	for (i = 0; i < sizeof(case_files) / sizeof(case_files[0]); i++) {
		bool fits = (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					     case_files[i]) < sizeof(path);

		if (fits && access(path, R_OK))
			continue;
		if (!fits || !html_rel_link(page, path, link, sizeof(link))) {
			unlinked = unlinked ? unlinked : case_files[i];
			nunlinked++;
			continue;
		}
		if (!any)
			fputs("<p class=\"files\">Files: ", f);
		any = true;
		fputs("<a href=\"", f);
		esc_url(f, link);
		fputs("\">", f);
		esc_xml(f, case_files[i]);
		fputs("</a> ", f);
	}
	if (any)
		fputs("</p>\n", f);
	else if (!unlinked) {
		fputs("<p class=\"files\">No files in the case folder ", f);
		esc_xml(f, dir);
		fputs("</p>\n", f);
	}
	if (unlinked)
		not_linked(f, name, unlinked, nunlinked);
}

static void assertions(FILE *f, const cJSON *v)
{
	const cJSON *x;

	/* what the verdict could not judge stands beside it */
	if (*jstr(v, "unchecked"))
		esc_wrap(f, "<p class=\"note\">Not checked: ", jstr(v, "unchecked"),
			 "</p>\n");
	if (*jstr(v, "unchecked_hooks"))
		esc_wrap(f, "<p class=\"note\">Hooks not checked (",
			 jstr(v, "unchecked_hooks"), "): the implementation "
			 "calls none; the hooks below marked \"from the wire\" "
			 "are what the verb would have called.</p>\n");
	if (!strcmp(jstr(v, "hooks_source"), "derived"))
		fputs("<p class=\"note\">Hooks derived from the wire: the "
		      "implementation fires none; its hook expectations were "
		      "checked against what sip:refer would have called.</p>\n",
		      f);

	if (cJSON_GetArraySize(jget(v, "errors"))) {
		fputs("<h4>Why it could not be judged</h4><ul class=\"err\">", f);
		cJSON_ArrayForEach(x, jget(v, "errors")) {
			fputs("<li>", f);
			esc_xml(f, cJSON_IsString(x) ? x->valuestring : "");
			fputs("</li>", f);
		}
		fputs("</ul>\n", f);
	}
	if (!cJSON_GetArraySize(jget(v, "failures")))
		return;
	fputs("<h4>Failed assertions</h4><table><tr><th>check</th>"
	      "<th>what</th><th>expected</th><th>got</th><th>frame</th></tr>\n",
	      f);
	cJSON_ArrayForEach(x, jget(v, "failures")) {
		esc_wrap(f, "<tr><td>", jstr(x, "check"), "</td>");
		esc_wrap(f, "<td>", jstr(x, "message"), "</td>");
		esc_wrap(f, "<td><code>", jstr(x, "expected"), "</code></td>");
		esc_wrap(f, "<td><code>", jstr(x, "got"), "</code></td><td>");
		if (jnum(x, "frame"))
			fprintf(f, "%.0f", jnum(x, "frame"));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void finding_row(FILE *f, const cJSON *x, const char *where)
{
	const char *sev = jstr(x, "severity");

	esc_wrap(f, "<tr class=\"", sev, "\">");
	esc_wrap(f, "<td>", sev, "</td>");
	esc_wrap(f, "<td><code>", jstr(x, "rule"), "</code></td>");
	esc_wrap(f, "<td>", jstr(x, "rfc"), " §");
	esc_wrap(f, "", jstr(x, "section"), "</td><td>");
	if (jnum(x, "frame"))
		fprintf(f, "%.0f", jnum(x, "frame"));
	esc_wrap(f, "</td><td>", where, "</td>");
	esc_wrap(f, "<td>", jstr(x, "message"), "</td></tr>\n");
}

static void findings(FILE *f, const struct rcase *rc)
{
	const cJSON *t, *x;
	char where[32];
	int n = cJSON_GetArraySize(rc->findings);

	cJSON_ArrayForEach(t, rc->transfers)
		n += cJSON_GetArraySize(jget(t, "findings"));
	if (!n && !rc->capture[0])
		return;
	if (!n) {
		fputs("<p>No findings: every RFC rule held.</p>\n", f);
		return;
	}
	fprintf(f, "<h4>Findings (%d)</h4><table><tr><th>severity</th>"
		"<th>rule</th><th>RFC</th><th>frame</th><th>where</th>"
		"<th>what</th></tr>\n", n);
	cJSON_ArrayForEach(t, rc->transfers) {
		snprintf(where, sizeof(where), "transfer %.0f", jnum(t, "index"));
		cJSON_ArrayForEach(x, jget(t, "findings"))
			finding_row(f, x, where);
	}
	cJSON_ArrayForEach(x, rc->findings)
		finding_row(f, x, "capture");
	fputs("</table>\n", f);
}

static void transfers(FILE *f, const struct rcase *rc)
{
	const cJSON *t;

	if (!cJSON_GetArraySize(rc->transfers))
		return;
	fputs("<h4>Transfers on the wire</h4><table><tr><th>#</th>"
	      "<th>Refer-To</th><th>answer</th><th>NOTIFYs</th>"
	      "<th>outcome</th></tr>\n", f);
	cJSON_ArrayForEach(t, rc->transfers) {
		const cJSON *resp = jget(t, "response");

		fprintf(f, "<tr><td>%.0f</td><td><code>", jnum(t, "index"));
		esc_xml(f, jstr(jget(t, "refer"), "refer_to"));
		fputs("</code></td><td>", f);
		if (cJSON_IsObject(resp)) {
			fprintf(f, "%.0f ", jnum(resp, "status"));
			esc_xml(f, jstr(resp, "reason"));
		}
		else
			fputs("none", f);
		fprintf(f, "</td><td>%d</td><td>",
			cJSON_GetArraySize(jget(t, "notifies")));
		esc_xml(f, jstr(t, "outcome"));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void json_cell(FILE *f, const cJSON *j)
{
	char *s = j ? cJSON_PrintUnformatted(j) : NULL;

	fputs("<td><code>", f);
	esc_xml(f, s ? s : "");
	fputs("</code></td>", f);
	cJSON_free(s);
}

/* Received (hooks.jsonl), expected (the expectation) and what the verb
 * would have called by the wire (the analyser), side by side. */
static void hooks(FILE *f, const struct rcase *rc)
{
	const cJSON *x, *t;
	bool derived = false;

	cJSON_ArrayForEach(t, rc->transfers)
		derived |= cJSON_GetArraySize(jget(t, "hooks")) > 0;
	if (!cJSON_GetArraySize(rc->hooks_got) && !rc->hooks_want && !derived)
		return;
	fputs("<h4>Hooks</h4><table><tr><th>source</th><th>hook</th>"
	      "<th>answer</th><th>payload</th></tr>\n", f);
	cJSON_ArrayForEach(x, rc->hooks_got) {
		fputs("<tr><td>received ", f);
		esc_xml(f, jstr(x, "time"));
		fputs("</td><td>", f);
		esc_xml(f, jstr(x, "method"));
		fputc(' ', f);
		esc_xml(f, jstr(x, "path"));
		fprintf(f, "</td><td>%.0f</td>", jnum(x, "status"));
		json_cell(f, jget(x, "error") ? jget(x, "error") :
			  jget(x, "body"));
		fputs("</tr>\n", f);
	}
	cJSON_ArrayForEach(x, rc->hooks_want) {
		fputs("<tr class=\"want\"><td>expected</td><td>", f);
		esc_xml(f, *jstr(x, "method") ? jstr(x, "method") : "any");
		fputc(' ', f);
		esc_xml(f, jstr(x, "path"));
		fputs("</td><td></td>", f);
		json_cell(f, jget(x, "expect"));
		fputs("</tr>\n", f);
	}
	cJSON_ArrayForEach(t, rc->transfers) {
		cJSON_ArrayForEach(x, jget(t, "hooks")) {
			fputs("<tr class=\"wire\"><td>from the wire</td><td>", f);
			esc_xml(f, jstr(x, "hook"));
			fputs("</td><td></td>", f);
			json_cell(f, jget(x, "payload"));
			fputs("</tr>\n", f);
		}
	}
	fputs("</table>\n", f);
}

static void messages(FILE *f, const struct rcase *rc, const char *id)
{
	size_t k;

	if (!rc->nev)
		return;
	fprintf(f, "<details class=\"msgs\"><summary>Messages (%zu)</summary>\n",
		rc->nev);
	for (k = 0; k < rc->nev; k++) {
		const struct rev *e = &rc->ev[k];

		fputs("<div id=\"", f);
		esc_id(f, id);
		fprintf(f, "-m%zu\"><h5>", k + 1);
		if (e->frame)
			fprintf(f, "#%" PRIu64 " ", e->frame);
		esc_xmlf(f, "+%.3f s %s → %s: %s",
			 e->ts_ns >= rc->t0 ? (double)(e->ts_ns - rc->t0) / 1e9 : 0,
			 rc->lanes[e->from].name, rc->lanes[e->to].name, e->label);
		fputs("</h5><pre>", f);
		esc_xml(f, e->raw);
		fputs("</pre></div>\n", f);
	}
	fputs("</details>\n", f);
}

void html_case_body(FILE *f, const struct rcase *rc, const cJSON *verdict,
		    const char *id, const char *page, const char *dir)
{
	if (verdict)
		assertions(f, verdict);
	if (rc->problem[0]) {
		fputs("<p class=\"note\">", f);
		esc_xml(f, rc->problem);
		fputs("</p>\n", f);
	}
	if (rc->nev) {
		fputs("<h4>Ladder</h4><div class=\"scroll\">", f);
		ladder_svg(f, rc, id);
		fputs("</div>\n", f);
		if (rc->dropped)
			fprintf(f, "<p class=\"note\">%u more messages are not "
				"drawn.</p>\n", rc->dropped);
	}
	else {
		fputs("<p class=\"note\">No SIP message was captured for this "
		      "case.</p>\n", f);
	}
	transfers(f, rc);
	findings(f, rc);
	hooks(f, rc);
	messages(f, rc, id);
	if (dir)
		files(f, page, dir, jstr(verdict, "case"));
}
