/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RX side of ITCH 5.0: a context whose burst applies ITCH messages
 * to the books in ctx->proto_state (struct tw_books, one per RX lcore:
 * each symbol has one writer) and shows each symbol's top of book in
 * the cache.
 */
#ifndef TW_ITCH_RX_H
#define TW_ITCH_RX_H

#include "tw_parse.h"

/* As tw_rx_ctx_init, at the scalar level; set ctx->proto_state after. */
int tw_itch_rx_init(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, enum tw_simd simd);

/* One frame, as the burst takes it (tests, the offline decoder). */
void tw_itch_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame,
		uint32_t len, uint64_t ol_flags, uint64_t now_ns);

#endif /* TW_ITCH_RX_H */
