/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/stats: what the stats units share. tw_stats.c (the
 * counter names and totals), tw_stats_text.c (the stats line and the
 * summary), tw_stats_json.c (the stats JSON and its phases) and
 * tw_stats_period.c (the period lines and the CSVs) reach each other
 * only through tw_stats.h and what is declared here.
 */
#ifndef TW_STATS_PRIVATE_H
#define TW_STATS_PRIVATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tw_stats.h"

/* The u64 at off in base (a counter struct or a struct tw_stats). */
static inline uint64_t
tw_stats_field(const void *base, size_t off)
{
	return *(const uint64_t *)((const uint8_t *)base + off);
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
void tw_stats_json_str(FILE *f, const char *v);

/*
 * "name": now - prev for each of the n counters of a names table,
 * separated by ", " (a counter that went back counts from 0).
 */
void tw_stats_json_deltas(FILE *f, const void *now, const void *prev,
		const struct tw_counter_name *names, size_t n);

#endif /* TW_STATS_PRIVATE_H */
