/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Wire protocols as ops tables, one chosen at start (as l3fwd chooses
 * its lookup mode). A protocol is its framer side (the messages that
 * open a session and those of each tick, written through lib/gen's
 * MoldUDP64 framer) and its burst parser (the RX kernels per SIMD
 * level and the datagram path of the kernel receiver). Ports, lcores,
 * channels, cache, stats and tools do not change with it.
 *
 * Owns: the list of protocols and their names.
 * Never touches: anything a protocol's functions do not.
 */
#ifndef TW_PROTOCOL_H
#define TW_PROTOCOL_H

#include <stdint.h>

#include "tw_framer.h"
#include "tw_parse.h"

struct tw_protocol {
	const char *name;
	/* Generator: what opens a session (the symbol directory). */
	void (*gen_open)(struct tw_emitter *e, uint64_t now,
			uint64_t send_ns);
	/* Generator: n ticks, stamped as tw_emit_ticks says. */
	void (*gen_ticks)(struct tw_emitter *e, unsigned int n, uint64_t now,
			uint64_t now_ns, uint64_t first_ns, uint64_t step_ns);
	/* Generator: what closes a session before its end; or NULL. */
	void (*gen_close)(struct tw_emitter *e, uint64_t now,
			uint64_t send_ns);
	/* Generator: one message sent as it is (a replay's), by kind. */
	void (*gen_count)(struct tw_gen_counters *ctr, const uint8_t *m,
			uint16_t len);
	/*
	 * Order books (lib/itch): the generator's model keeps its truth
	 * in them (e->proto_state, a struct tw_itch_gen) and each RX
	 * context applies to its own (ctx->proto_state, a struct
	 * tw_books), both made by the caller.
	 */
	bool books;
	/* RX: a context whose burst kernel is the SIMD level's. */
	int (*rx_init)(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
			struct tw_cache *cache,
			struct tw_channel_state *channels,
			struct tw_rx_counters *ctr, enum tw_simd simd);
	/* RX: one UDP payload from a kernel socket (scalar). */
	void (*rx_datagram)(struct tw_rx_ctx *ctx, uint16_t channel,
			const uint8_t *payload, uint32_t len, uint64_t now_ns);
};

/* tickwire's own top-of-book feed (docs/protocol.md). */
extern const struct tw_protocol tw_protocol_tickwire;
/* NASDAQ TotalView-ITCH 5.0 (lib/itch). */
extern const struct tw_protocol tw_protocol_itch50;

/* The protocol of that name, or NULL. */
const struct tw_protocol *tw_protocol_find(const char *name);

#endif /* TW_PROTOCOL_H */
