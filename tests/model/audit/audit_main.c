/*
 * audit_replay: reads an audit kernel's console output, checks the record,
 * replays it through the cache model and reports per guest
 * (docs/coherence.md, "The audit of real boots"). `./cleave audit` runs it.
 *
 *   audit_replay [--dump] [--line BYTES] [--name VMID=NAME]... FILE|-
 *
 * Exit status: 0 every guest clean, 1 a guest may read stale data, 2 the
 * record cannot be judged (damaged, incomplete, dropped records) or bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_log.h"
#include "audit_replay.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: audit_replay [--dump] [--line BYTES] [--name VMID=NAME]... FILE|-\n");
	return 2;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (n == cap) {
			char *p = realloc(buf, cap = cap ? 2 * cap : 1 << 16);

			if (p == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

static int parse_args(int argc, char **argv, struct audit_opts *o, int *dump, const char **path)
{
	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--dump") == 0) {
			*dump = 1;
		} else if (strcmp(argv[i], "--line") == 0 && i + 1 < argc) {
			o->line_bytes = (unsigned)strtoul(argv[++i], &end, 0);
			if (*end != '\0')
				return -1;
		} else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			char *eq = strchr(argv[++i], '=');

			if (eq == NULL || o->nnames == AUDIT_MAX_NAMES)
				return -1;
			o->names[o->nnames].vmid = (unsigned)strtoul(argv[i], &end, 0);
			if (end != eq)
				return -1;
			o->names[o->nnames++].name = eq + 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			return -1;
		} else if (*path == NULL) {
			*path = argv[i];
		} else {
			return -1;
		}
	}
	return *path == NULL ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct audit_opts opts;
	struct audit_log log;
	struct audit_result res;
	const char *path = NULL;
	int dump = 0, status;
	size_t len;
	char *text;

	audit_opts_default(&opts);
	if (parse_args(argc, argv, &opts, &dump, &path) != 0)
		return usage();
	if ((text = slurp(path, &len)) == NULL) {
		fprintf(stderr, "audit_replay: cannot read %s\n", path);
		return 2;
	}
	audit_log_init(&log);
	if (audit_log_parse(&log, text, len) != 0) {
		fprintf(stderr, "audit_replay: %s: %s\n", path, log.error);
		free(text);
		audit_log_free(&log);
		return 2;
	}
	free(text);
	if (dump) {
		char line[256];

		for (size_t i = 0; i < log.n; i++) {
			audit_rec_format(&log.recs[i], i, line, sizeof(line));
			printf("%s\n", line);
		}
	}
	if (audit_replay(log.recs, log.n, log.dropped, &opts, &res) != 0) {
		fprintf(stderr, "audit_replay: %s\n", res.error);
		audit_log_free(&log);
		return 2;
	}
	printf("audit: %zu records in %u dumps\n", log.n, log.dumps);
	audit_report(&res, &opts, stdout);
	status = res.stale != 0;
	audit_result_free(&res);
	audit_log_free(&log);
	return status;
}
