/**
 * @file runner_cases.c  Finding the cases of a suite, filtering and sharding them
 *
 * A case is an expectation file NAME.json (scenarios/README.md); its SIPp
 * scenario is NAME.xml beside it unless the expectation names another.
 * Every .json below a suite folder is a case: one that does not load is
 * that case's ERROR, never silently left out. Its name is its path below
 * the folder given on the command line, without ".json":
 * "carriers/notify-after-bye".
 * That name is what --filter matches and what --shard hashes, so the same
 * command line selects the same cases on every machine.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "runner.h"

enum { WALK_DEPTH_MAX = 8 };

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

int cases_reserve(struct case_list *cl)
{
	size_t cap;
	void *v;

	if (cl->n < cl->cap)
		return 0;
	cap = cl->cap ? cl->cap * 2 : 64;
	v = realloc(cl->v, cap * sizeof(*cl->v));
	if (!v)
		return ENOMEM;
	cl->v = v;
	cl->cap = cap;
	return 0;
}

static int add_case(struct case_list *cl, const char *name,
		    const char *json_path)
{
	struct runner_case *c;
	size_t n = strlen(json_path);
	char *xml;
	size_t i;

	for (i = 0; i < cl->n; i++) {
		if (!strcmp(cl->v[i].expect_path, json_path))
			return 0;    /* named twice on the command line */
	}
	if (cases_reserve(cl))
		return ENOMEM;
	xml = malloc(n + 1);
	if (!xml)
		return ENOMEM;
	memcpy(xml, json_path, n - 5);
	strcpy(xml + n - 5, ".xml");

	c = &cl->v[cl->n];
	memset(c, 0, sizeof(*c));
	c->name = strndup(name, strlen(name) - 5);
	c->expect_path = strdup(json_path);
	c->scenario_path = xml;
	if (!c->name || !c->expect_path) {
		free(c->name);
		free(c->expect_path);
		free(xml);
		return ENOMEM;
	}
	cl->n++;
	return 0;
}

static bool is_case_file(const char *path)
{
	return has_suffix(path, ".json");
}

static int walk(struct case_list *cl, const char *dir, const char *rel,
		unsigned depth)
{
	struct dirent *de;
	char path[4096], name[4096];
	int err = 0;
	DIR *d;

	if (depth > WALK_DEPTH_MAX)
		return 0;
	d = opendir(dir);
	if (!d)
		return errno;
	while (!err && (de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		snprintf(name, sizeof(name), "%s%s%s", rel, *rel ? "/" : "",
			 de->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			err = walk(cl, path, name, depth + 1);
		else if (S_ISREG(st.st_mode) && is_case_file(path))
			err = add_case(cl, name, path);
	}
	closedir(d);
	return err;
}

/* A file named on the command line: its name is "<folder>/<file>", the
 * same as when its folder's parent is walked. */
static int add_file(struct case_list *cl, const char *path, char *err,
		    size_t errsz)
{
	char *copy, *slash, name[4096];
	const char *base, *folder;
	int e;

	if (!is_case_file(path)) {
		snprintf(err, errsz, "%s: not a case (want an expectation "
			 "file, NAME.json)", path);
		return EINVAL;
	}
	copy = strdup(path);
	if (!copy)
		return ENOMEM;
	slash = strrchr(copy, '/');
	base = slash ? slash + 1 : copy;
	if (slash) {
		*slash = '\0';
		slash = strrchr(copy, '/');
		folder = slash ? slash + 1 : copy;
	}
	else {
		folder = "";
	}
	snprintf(name, sizeof(name), "%s%s%s", folder, *folder ? "/" : "",
		 base);
	e = add_case(cl, name, path);
	free(copy);
	return e;
}

static int by_name(const void *a, const void *b)
{
	const struct runner_case *x = a, *y = b;

	return strcmp(x->name, y->name);
}

int cases_discover(struct case_list *cl, char *const paths[], size_t npaths,
		   char *err, size_t errsz)
{
	size_t i;
	int e = 0;

	for (i = 0; i < npaths && !e; i++) {
		struct stat st;
		char dir[4096];
		size_t n;

		if (stat(paths[i], &st)) {
			e = errno;
			snprintf(err, errsz, "%s: %s", paths[i], strerror(e));
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			e = add_file(cl, paths[i], err, errsz);
			continue;
		}
		snprintf(dir, sizeof(dir), "%s", paths[i]);
		n = strlen(dir);
		while (n > 1 && dir[n - 1] == '/')
			dir[--n] = '\0';
		e = walk(cl, dir, "", 0);
		if (e)
			snprintf(err, errsz, "%s: %s", dir, strerror(e));
	}
	if (!e)
		qsort(cl->v, cl->n, sizeof(*cl->v), by_name);
	return e;
}

static void case_free(struct runner_case *c)
{
	free(c->name);
	free(c->expect_path);
	free(c->scenario_path);
	free(c->left_out);
}

/* Keeps the cases that match the filter and belong to the shard, in
 * order. The filter's '*' also matches '/' ("carriers*" is a group). */
void cases_select(struct case_list *cl, const char *filter,
		  const struct shard *shard)
{
	size_t i, kept = 0;

	for (i = 0; i < cl->n; i++) {
		struct runner_case *c = &cl->v[i];

		if ((filter && fnmatch(filter, c->name, 0)) ||
		    !shard_has(shard, c->name)) {
			case_free(c);
			continue;
		}
		cl->v[kept++] = *c;
	}
	cl->n = kept;
}

void cases_free(struct case_list *cl)
{
	size_t i;

	for (i = 0; i < cl->n; i++)
		case_free(&cl->v[i]);
	free(cl->v);
	memset(cl, 0, sizeof(*cl));
}
