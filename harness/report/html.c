/**
 * @file html.c  The single-file HTML report: summary, interop matrix, cases
 *
 * Self-contained (inline CSS and SVG, no script, nothing fetched), so it
 * opens from disk and from a CI artifact and reads without JavaScript.
 * Failed and errored cases are open, passed ones folded (<details>).
 */
#include <string.h>
#include <re.h>
#include "report/esc.h"
#include "report/html.h"
#include "report/report_int.h"

static const char css[] =
"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;"
"margin:0 auto;max-width:1400px;padding:16px 24px;color:#1f2328}"
"h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;"
"border-bottom:1px solid #d0d7de}h4{margin:14px 0 6px}h5{margin:10px 0 2px;"
"font-size:13px}"
"table{border-collapse:collapse;margin:4px 0 10px}td,th{border:1px solid "
"#d0d7de;padding:3px 8px;text-align:left;vertical-align:top}"
"th{background:#f6f8fa}code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,"
"monospace;white-space:pre-wrap;overflow-wrap:anywhere}"
"pre{background:#f6f8fa;padding:6px;margin:0;max-height:320px;overflow:auto}"
".counts span{display:inline-block;margin-right:12px;padding:4px 10px;"
"border-radius:4px;font-weight:600;font-size:16px}"
".PASS{background:#dafbe1;color:#116329}.FAIL{background:#ffebe9;"
"color:#a40e26}.ERROR{background:#fff8c5;color:#7d4e00}"
".matrix td.c{text-align:center;font-weight:600}.matrix a{color:inherit;"
"text-decoration:none;display:block}.matrix tr.g th{background:#eaeef2}"
"section.case{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;"
"padding:0 12px}section.case>details>summary{cursor:pointer;padding:8px 0;"
"font-weight:600}.badge{padding:1px 8px;border-radius:4px;margin-right:8px}"
".reason{font-weight:400;color:#57606a;margin-left:8px}"
"tr.error td:first-child{color:#a40e26;font-weight:600}"
"tr.warning td:first-child{color:#7d4e00;font-weight:600}"
"tr.want td{background:#f6f8fa}tr.wire td{color:#57606a}"
".note{color:#57606a;font-style:italic}.scroll{overflow-x:auto}"
"svg.ladder{font:12px system-ui,sans-serif;background:#fff}"
"svg .lane rect{fill:#eaeef2;stroke:#8c959f}svg .lane text{"
"text-anchor:middle;font-weight:600}svg .lane line{stroke:#8c959f;"
"stroke-dasharray:3 3}svg line{stroke-width:1.6}"
"svg .l,svg .n{text-anchor:middle}svg .n{font-size:11px;fill:#57606a}"
"svg .t{font-size:11px;fill:#57606a}"
"svg .rq line,svg .rq path{stroke:#0550ae}svg .rq polygon{fill:#0550ae}"
"svg .r1 line{stroke:#8c959f}svg .r1 polygon{fill:#8c959f}"
"svg .r2 line{stroke:#116329}svg .r2 polygon{fill:#116329}"
"svg .rx line{stroke:#a40e26}svg .rx polygon{fill:#a40e26}"
"svg .rx .l{fill:#a40e26;font-weight:600}"
"svg .hk line{stroke:#8250df;stroke-dasharray:6 3}svg .hk polygon{"
"fill:#8250df}svg .rt line{stroke:#8c959f;stroke-dasharray:2 2}"
"svg .rt polygon{fill:#8c959f}svg a:hover .l{text-decoration:underline}"
".files a{margin-right:10px}details.msgs{margin:8px 0}"
"td code{display:block;max-height:9em;overflow:auto}"
"#bad-only:checked~section.good{display:none}";

void html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\""
	      "default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
	      "<title>", f);
	esc_xml(f, title);
	fprintf(f, "</title><style>%s</style></head><body>\n", css);
}

void html_end(FILE *f)
{
	fputs("</body></html>\n", f);
}

void html_case_id(char *buf, size_t sz, const cJSON *c)
{
	static const char key[] = "referlab case anchor";
	const char *name = jstr(c, "case");
	size_t len = strlen(name), i;
	uint8_t md[20];                     /* SHA-1 */
	char hex[2 * sizeof(md) + 1];

	if (len <= HTML_ID_NAME_MAX) {
		snprintf(buf, sz, "c-%s@%.0f", name, jnum(c, "run"));
		return;
	}
	/* a cryptographic hash, which cannot fail: names from other
	 * machines are not easily made to collide */
	hmac_sha1((const uint8_t *)key, sizeof(key) - 1,
		  (const uint8_t *)name, len, md, sizeof(md));
	for (i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(buf, sz, "c-%.*s~%s@%.0f", HTML_ID_NAME_MAX, name, hex,
		 jnum(c, "run"));
}

static void summary(FILE *f, const cJSON *doc)
{
	const cJSON *n = jget(doc, "counts"), *r, *s;

	fprintf(f, "<h1>referlab interop report</h1>\n<p class=\"counts\">"
		"<span class=\"PASS\">%.0f PASS</span><span class=\"FAIL\">%.0f "
		"FAIL</span><span class=\"ERROR\">%.0f ERROR</span> %.0f case%s, "
		"%.1f s, finished ", jnum(n, "pass"), jnum(n, "fail"),
		jnum(n, "error"), jnum(n, "total"), jnum(n, "total") == 1 ? "" :
		"s", jnum(doc, "duration_s"));
	esc_xml(f, *jstr(doc, "finished") ? jstr(doc, "finished") : "?");
	fputs("</p>\n<table><tr><th>run</th><th>implementation</th>"
	      "<th>version</th><th>dialect</th><th>transport</th><th>family</th>"
	      "<th>shards</th><th>cases</th><th>duration</th><th>finished</th>"
	      "</tr>\n", f);
	cJSON_ArrayForEach(r, jget(doc, "runs")) {
		const cJSON *iut = jget(r, "iut");

		esc_wrap(f, "<tr><td>", jstr(r, "label"), "</td>");
		esc_wrap(f, "<td>", *jstr(iut, "name") ? jstr(iut, "name") :
			 jstr(iut, "kind"), "</td>");
		esc_wrap(f, "<td>", jstr(iut, "version"), "</td>");
		esc_wrap(f, "<td>", jstr(iut, "dialect"), "</td>");
		esc_wrap(f, "<td>", jstr(r, "transport"), "</td>");
		esc_wrap(f, "<td>", jstr(r, "family"), "</td><td>");
		cJSON_ArrayForEach(s, jget(r, "shards")) {
			esc_xml(f, cJSON_IsString(s) ? s->valuestring : "");
			fputc(' ', f);
		}
		fprintf(f, "</td><td>%.0f/%.0f passed",
			jnum(jget(r, "counts"), "pass"),
			jnum(jget(r, "counts"), "total"));
		if (cJSON_GetArraySize(jget(r, "left_out")))
			fprintf(f, ", %d left out",
				cJSON_GetArraySize(jget(r, "left_out")));
		fprintf(f, "</td><td>%.1f s</td><td>", jnum(r, "duration_s"));
		esc_xml(f, jstr(r, "finished"));
		if (cJSON_IsTrue(jget(r, "interrupted")))
			fputs(" (interrupted)", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void m_group(const char *group, int nruns, void *arg)
{
	fprintf(arg, "<tr class=\"g\"><th colspan=\"%d\">", nruns + 1);
	esc_wrap(arg, "", group, "</th></tr>\n");
}

static void m_row(const char *leaf, void *arg)
{
	esc_wrap(arg, "<tr><td>", leaf, "</td>");
}

static void m_cell(const cJSON *c, const char *left_out, void *arg)
{
	FILE *f = arg;
	char id[512];

	if (!c && left_out) {
		esc_wrap(f, "<td class=\"c\" title=\"", left_out,
			 "\">left out</td>");
		return;
	}
	if (!c) {
		fputs("<td class=\"c\">—</td>", f);
		return;
	}
	html_case_id(id, sizeof(id), c);
	fprintf(f, "<td class=\"c %s\"><a href=\"#", kind_names[case_kind(c)]);
	esc_id(f, id);
	fprintf(f, "\">%s</a></td>", kind_names[case_kind(c)]);
}

static void m_row_end(void *arg)
{
	fputs("</tr>\n", arg);
}

static void matrix(FILE *f, const cJSON *doc)
{
	static const struct matrix_h h = {m_group, m_row, m_cell, m_row_end};
	const cJSON *r;

	fputs("<h2>Interop matrix</h2>\n<table class=\"matrix\"><tr>"
	      "<th>peer profile</th>", f);
	cJSON_ArrayForEach(r, jget(doc, "runs"))
		esc_wrap(f, "<th>", jstr(r, "label"), "</th>");
	fputs("</tr>\n", f);
	matrix_walk(doc, &h, f);
	fputs("</table>\n", f);
}

static void one_case(FILE *f, const cJSON *doc, const cJSON *c,
		     const char *page)
{
	const cJSON *run = cJSON_GetArrayItem(jget(doc, "runs"),
					      (int)jnum(c, "run"));
	int k = case_kind(c);
	struct rcase rc;
	char id[512];

	html_case_id(id, sizeof(id), c);
	rcase_init(&rc);
	rcase_load_dir(&rc, jstr(c, "dir"), c);
	fprintf(f, "<section class=\"case %s\" id=\"", k ? "bad" : "good");
	esc_id(f, id);
	fprintf(f, "\"><details%s><summary><span class=\"badge %s\">%s</span>",
		k ? " open" : "", kind_names[k], kind_names[k]);
	esc_xml(f, jstr(c, "case"));
	fputs(" <small>(", f);
	esc_xml(f, jstr(run, "label"));
	fprintf(f, ", %.2f s)</small>", jnum(c, "duration_s"));
	if (k) {
		fputs("<span class=\"reason\">", f);
		esc_xml(f, case_reason(c));
		fputs("</span>", f);
	}
	fputs("</summary>\n", f);
	html_case_body(f, &rc, c, id, page, jstr(c, "dir"));
	fputs("</details></section>\n", f);
	rcase_free(&rc);
}

int write_html(const cJSON *doc, FILE *f, const char *page)
{
	const cJSON *n = jget(doc, "counts"), *c;
	char title[160];

	snprintf(title, sizeof(title), "referlab: %.0f PASS, %.0f FAIL, %.0f "
		 "ERROR", jnum(n, "pass"), jnum(n, "fail"), jnum(n, "error"));
	html_begin(f, title);
	summary(f, doc);
	matrix(f, doc);
	/* a filter without script: the checkbox hides the passed cases */
	fputs("<h2>Cases</h2>\n<input type=\"checkbox\" id=\"bad-only\">"
	      "<label for=\"bad-only\"> only failed and errored cases</label>\n",
	      f);
	cJSON_ArrayForEach(c, jget(doc, "cases"))
		one_case(f, doc, c, page);
	html_end(f);
	return 0;
}
