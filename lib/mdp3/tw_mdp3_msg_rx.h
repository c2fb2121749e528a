/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0's receiver as a protocol's RX ops: the burst (its message
 * layer composed with tw_mdp3_rx.h and the L2-L4 layer), the per-lcore
 * state (books, recovery) in ctx->proto_state, the books' CSV rows.
 * Owns: the exported entry points. Never touches: the registry (lib/
 * mdp3/tw_mdp3_protocol.c wires these in), the app.
 */
#ifndef TW_MDP3_MSG_RX_H
#define TW_MDP3_MSG_RX_H

#include <stdio.h>

#include "tw_mdp3_apply.h"
#include "tw_parse.h"

struct tw_config;

/*
 * As tw_rx_ctx_init, at the scalar level; set ctx->proto_state to a
 * state of tw_mdp3_rx_state_create (or _init) after.
 */
int tw_mdp3_rx_init(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
	struct tw_cache *cache, struct tw_channel_state *channels,
	struct tw_rx_counters *ctr, enum tw_simd simd);

/*
 * A state for cfg's symbols and channels on socket (rte_zmalloc), or
 * NULL with err set. Freed with rte_free. In tw_mdp3_rx_state.c, built
 * with the registry (it reads the config).
 */
void *tw_mdp3_rx_state_create(const struct tw_config *cfg, int socket,
	char *err, size_t errlen);

/* Instrument l's book as a CSV row (tw_mdp3_book_csv_row), or none. */
void tw_mdp3_rx_books_csv_row(const void *rx_state, uint32_t l, FILE *f);

/* One frame through the burst's path (tests, fuzzing). */
void tw_mdp3_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame,
	uint32_t len, uint64_t ol_flags, uint64_t now_ns);

#endif /* TW_MDP3_MSG_RX_H */
