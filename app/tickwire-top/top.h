/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to tickwire-top: what its units share. top.c (options,
 * attach, terminal, keys, the loop) fills struct view once attached;
 * top_draw.c (the screen and its pages) reads the primary through it
 * and keeps there what it read last.
 */
#ifndef TW_TOP_H
#define TW_TOP_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_cache.h"
#include "tw_stats.h"
#include "tw_view.h"

/* The primary shown (attached by top.c) and what was read last. */
struct view {
	const struct tw_view *sh;
	struct tw_cache *cache[TW_MAX_SOCKETS];  /* read only */
	unsigned int nb_caches;
	uint32_t nb_symbols;
	uint32_t *prev_updates;
	struct tw_top_item *rates;
	struct tw_channel_report *chans;
	struct tw_hist *lat, *lat_prev, *lat_diff;
	uint64_t prev_msgs, prev_pkts, prev_tsc;
	uint64_t prev_gen[TW_MAX_GEN_LCORES], prev_lcore[TW_MAX_RX_LCORES];
	struct tw_stats *noise, *noise_prev;    /* the pollers' gaps */
	unsigned int rows;
	char page;              /* s, l, p, m */
};

/* Clear the terminal and draw the header and v->page once. */
void top_draw(struct view *v, const char *prefix);

#endif /* TW_TOP_H */
