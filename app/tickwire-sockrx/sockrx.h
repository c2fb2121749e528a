/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-sockrx's private interface between its receiver (sockrx.c)
 * and its reports (sockrx_report.c).
 */
#ifndef TW_SOCKRX_H
#define TW_SOCKRX_H

#include <stdbool.h>

#include "tw_cache.h"
#include "tw_config.h"
#include "tw_hist.h"
#include "tw_outfile.h"
#include "tw_stats.h"
#include "tw_verdict.h"

/* The files asked for, opened before the run (lib/stats). */
enum { OUT_STATS, OUT_CACHE, OUT_LAT, OUT_MAX = OUT_LAT + TW_SPAN_MAX };

int sockrx_open_outputs(struct tw_outfile *outs, const char *stats_json,
		const char *csv, const char *dump);
/* Set-up failed after the reports were opened: nothing is written. */
void sockrx_discard(struct tw_outfile *outs);
/* A --stats-interval line from prev to now; false once it failed. */
bool sockrx_period_line(struct tw_outstream *out, const struct tw_stats *now,
		const struct tw_stats *prev, const struct tw_hist *lat_now,
		const struct tw_hist *lat_prev, bool final);
/* Each file on its own; 0 or the first error (each printed). */
int sockrx_write_outputs(const struct tw_config *cfg, struct tw_outfile *outs,
		const struct tw_stats *s, const struct tw_hist *lat,
		struct tw_cache *cache, const struct tw_verdict *verdict);

#endif /* TW_SOCKRX_H */
