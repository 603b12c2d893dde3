/**
 * @file replay.c  Runs a fuzz target's inputs once each, without libFuzzer
 *
 * Linked with each fuzz_*.c in the normal (gcc) build, so ctest replays
 * the committed seeds and every input that once crashed (regress/) on
 * every run, and under ASan+UBSan in the sanitised build.
 *   replay_NAME DIR|FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int err = 0;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		err = 1;
		goto out;
	}
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		err = 1;
		goto out;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)n);
 out:
	if (err)
		fprintf(stderr, "replay: %s: cannot read\n", path);
	free(buf);
	if (f)
		fclose(f);
	return err;
}

static int one_dir(const char *dir, unsigned *count)
{
	struct dirent **names;
	char path[4096];
	int i, n, err = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: cannot read the folder\n", dir);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			err |= one_file(path);
			++*count;
		}
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	struct stat st;
	int i, err = 0;

	for (i = 1; i < argc; i++) {
		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode)) {
			err |= one_dir(argv[i], &count);
		}
		else {
			err |= one_file(argv[i]);
			++count;
		}
	}
	printf("replay: %u inputs, none crashed\n", count);
	return err;
}
