/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-sockrx's reports: the files asked for, opened before the run
 * by the report-file rules (lib/stats), the --stats-interval stream of
 * period lines, and the stats JSON, cache dump and latency CSVs at the
 * end. Never touches the sockets or the receive loop (sockrx.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrx.h"

/* The files asked for, opened before the run (lib/stats). */
int
sockrx_open_outputs(struct tw_outfile *outs, const char *stats_json,
		const char *csv, const char *dump)
{
	char err[PATH_MAX + 128];
	int rc;
	unsigned int i;

	rc = tw_outfile_open(&outs[OUT_STATS], stats_json, err, sizeof(err));
	if (rc == 0)
		rc = tw_outfile_open(&outs[OUT_CACHE], dump, err, sizeof(err));
	if (rc == 0)
		rc = tw_outfile_open_latency(&outs[OUT_LAT], csv, err,
			sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "tickwire-sockrx: %s\n", err);
		for (i = 0; i < OUT_MAX; i++)
			tw_outfile_discard(&outs[i]);
	}
	return rc;
}

/* Set-up failed after the reports were opened: nothing is written. */
void
sockrx_discard(struct tw_outfile *outs)
{
	unsigned int i;

	for (i = 0; i < OUT_MAX; i++)
		tw_outfile_discard(&outs[i]);
}

/*
 * The --stats-interval stream: a period line from prev to now (their
 * send->cache histograms for the period's percentiles), never blocking.
 * false once the stream failed (said once).
 */
bool
sockrx_period_line(struct tw_outstream *out, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_hist *lat_now,
		const struct tw_hist *lat_prev, bool final)
{
	static struct tw_hist diff;
	struct tw_hist_summary sum;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	diff = *lat_now;
	tw_hist_minus(&diff, lat_prev);
	tw_hist_summarize(&diff, &sum);
	f = open_memstream(&buf, &len);
	rc = f == NULL ? -errno : tw_stats_write_period(f, now, prev, NULL,
		NULL, 0, &sum, final, NULL);
	if (f != NULL && fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0)
		rc = tw_outstream_write(out, buf, len);
	free(buf);
	if (rc == 0)
		return true;
	fprintf(stderr, "tickwire-sockrx: --stats-interval %s: %s; no more "
		"lines\n", out->path, strerror(-rc));
	return false;
}

/* Each file on its own; 0 or the first error (each printed). */
int
sockrx_write_outputs(const struct tw_config *cfg, struct tw_outfile *outs,
		const struct tw_stats *s, const struct tw_hist *lat,
		struct tw_cache *cache, const struct tw_verdict *verdict)
{
	struct tw_stats_meta meta = {
		.version = TW_VERSION,
		.profile = cfg->path,
		.simd = "scalar (kernel path)",
		.verdict = verdict,
	};
	char err[PATH_MAX + 128];
	int rc, first = 0;
	unsigned int i;

	for (i = 0; i < OUT_MAX; i++) {
		if (outs[i].f == NULL)
			continue;
		if (i == OUT_STATS)
			rc = tw_stats_write_json(outs[i].f, s, &meta);
		else if (i == OUT_CACHE)
			rc = tw_cache_dump_csv(&cache, 1, outs[i].f);
		else
			rc = tw_hist_write_csv(&lat[i - OUT_LAT], outs[i].f);
		rc = tw_outfile_close(&outs[i], rc, err, sizeof(err));
		if (rc != 0) {
			fprintf(stderr, "tickwire-sockrx: %s\n", err);
			if (first == 0)
				first = rc;
		}
	}
	return first;
}

