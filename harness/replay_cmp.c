/**
 * @file replay_cmp.c  The original and its replay side by side
 *
 * Both sides go through the same stages (replay_load: analysis + the
 * dialog's messages), so the comparison is of like with like: the same
 * sequence tokens, the same derived outcome. The replay's received hooks
 * come from the hook server's records (hooks.jsonl).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "jsonpl.h"
#include "replay_cmp.h"
#include "results.h"

enum { MAX_TOKS = REPLAY_MAX_MSGS };

struct toks {
	char buf[8192];
	char *v[MAX_TOKS];
	size_t n;
};

static void tokenize(struct toks *t, const struct replay_dialog *d)
{
	char *s, *save = NULL;

	t->n = 0;
	if (replay_sequence(d, true, t->buf, sizeof(t->buf)))
		t->buf[0] = '\0';
	for (s = strtok_r(t->buf, " ", &save); s && t->n < MAX_TOKS;
	     s = strtok_r(NULL, " ", &save))
		t->v[t->n++] = s;
}

/* A longest common subsequence alignment: short dialogs, O(n*m). */
static void print_diff(FILE *f, const struct toks *a, const struct toks *b)
{
	size_t i, j, w = b->n + 1;
	unsigned *l = calloc((a->n + 1) * w, sizeof(*l));

	if (!l)
		return;
	for (i = a->n; i-- > 0;)
		for (j = b->n; j-- > 0;)
			l[i * w + j] = !strcmp(a->v[i], b->v[j]) ?
				l[(i + 1) * w + j + 1] + 1 :
				(l[(i + 1) * w + j] > l[i * w + j + 1] ?
				 l[(i + 1) * w + j] : l[i * w + j + 1]);
	fprintf(f, "   %-24s   %s\n", "original", "replay");
	for (i = 0, j = 0; i < a->n || j < b->n;) {
		if (i < a->n && j < b->n && !strcmp(a->v[i], b->v[j])) {
			fprintf(f, "   %-24s = %s\n", a->v[i++], b->v[j++]);
		}
		else if (j < b->n && (i == a->n ||
				      l[i * w + j + 1] >= l[(i + 1) * w + j])) {
			fprintf(f, "   %-24s > %s\n", "", b->v[j++]);
		}
		else {
			fprintf(f, "   %-24s <\n", a->v[i++]);
		}
	}
	free(l);
}

static void print_status(FILE *f, const char *side, const struct transfer *t)
{
	struct derived dv;
	struct le *le;

	derive_outcome(t, &dv);
	fprintf(f, "   %-9s REFER -> %u", side, t->scode);
	if (list_count(&t->notifies))
		fputs(", NOTIFY", f);
	for (le = list_head(&t->notifies); le; le = le->next)
		fprintf(f, " %u", ((struct notify_rec *)le->data)->status);
	fprintf(f, "; outcome %s; actionHook referStatus %u", outcome_name(
			dv.outcome), dv.refer_status);
	if (dv.final_status)
		fprintf(f, ", final %u", dv.final_status);
	fputc('\n', f);
}

/* hooks.jsonl: one record a line, all of the line; a line that is not
 * one is said where it goes wrong. */
static void print_received_hooks(FILE *f, const char *dir)
{
	char path[PATH_MAX + 32], *line = NULL;
	size_t cap = 0, total = 0, off;
	unsigned lineno = 0;
	ssize_t n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/hooks.jsonl", dir);
	fp = fopen(path, "r");
	if (!fp) {
		fprintf(f, "   received: none recorded (%s)\n", path);
		return;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		cJSON *r = jsonpl_parse_all(line, (size_t)n, &off), *p, *b;
		char *txt;

		lineno++;
		if (!r)
			fprintf(f, "   received: %s: offset %zu (line %u): not "
				"valid JSON\n", path, total + off, lineno);
		total += (size_t)n;
		p = cJSON_GetObjectItemCaseSensitive(r, "path");
		b = cJSON_GetObjectItemCaseSensitive(r, "body");
		txt = b ? cJSON_PrintUnformatted(b) : NULL;
		if (cJSON_IsString(p) && strcmp(p->valuestring, "/call"))
			fprintf(f, "   received  %-8s %s\n", p->valuestring,
				txt ? txt : "");
		cJSON_free(txt);
		cJSON_Delete(r);
	}
	free(line);
	fclose(fp);
}

static void print_derived_hooks(FILE *f, const struct replay_dialog *d)
{
	cJSON *e = replay_expectation(d), *h;

	cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(e, "hooks")) {
		char *txt = cJSON_PrintUnformatted(
			cJSON_GetObjectItemCaseSensitive(h, "expect"));

		fprintf(f, "   derived   %-8s %s\n", cJSON_GetObjectItemCaseSensitive(
				h, "path")->valuestring, txt ? txt : "");
		cJSON_free(txt);
	}
	cJSON_Delete(e);
}

static void print_verdict(FILE *f, const char *dir)
{
	char path[PATH_MAX + 32], why[sizeof(path) + 64];
	cJSON *v, *x, *it;

	snprintf(path, sizeof(path), "%s/verdict.json", dir);
	v = verdict_read(path, why, sizeof(why));
	x = cJSON_GetObjectItemCaseSensitive(v, "verdict");
	if (!v && errno != ENOENT)
		fprintf(f, "   verdict: unreadable: %s\n", why);
	else
		fprintf(f, "   verdict: %s\n", cJSON_IsString(x) ?
			x->valuestring : "none (no verdict.json)");
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(v, "failures")) {
		x = cJSON_GetObjectItemCaseSensitive(it, "message");
		if (cJSON_IsString(x))
			fprintf(f, "     - %s\n", x->valuestring);
	}
	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(v, "errors"))
		if (cJSON_IsString(it))
			fprintf(f, "     - %s\n", it->valuestring);
	cJSON_Delete(v);
}

void replay_compare(FILE *f, const struct replay_dialog *d, const char *work)
{
	char name[128], dir[PATH_MAX], pcap[PATH_MAX + 32], err[512];
	struct replay_src *rs = NULL;
	const struct replay_dialog *r = NULL;
	struct toks *a = calloc(2, sizeof(*a));
	size_t k;

	replay_case_name(d, name, sizeof(name));
	snprintf(dir, sizeof(dir), "%s/run/%s", work, name);
	fprintf(f, "\n== %s: transfer %u of %s, replayed (%s)\n", name,
		d->tv[0]->num, d->file, dir);
	print_verdict(f, dir);
	snprintf(pcap, sizeof(pcap), "%s/capture.pcap", dir);
	if (access(pcap, R_OK))
		snprintf(pcap, sizeof(pcap), "%s/sim-trace.pcap", dir);
	if (replay_load(&rs, pcap, err, sizeof(err)))
		fprintf(f, "   replay capture: %s\n", err);
	else
		r = list_ledata(list_head(&rs->dialogs));
	if (a && r) {
		tokenize(&a[0], d);
		tokenize(&a[1], r);
		print_diff(f, &a[0], &a[1]);
	}
	for (k = 0; k < d->tc; k++) {
		print_status(f, "original", d->tv[k]);
		if (r && k < r->tc)
			print_status(f, "replay", r->tv[k]);
	}
	print_derived_hooks(f, d);
	print_received_hooks(f, dir);
	free(a);
	mem_deref(rs);
}
