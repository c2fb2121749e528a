/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The retransmission store of the generator: the last messages of each
 * channel, by sequence number, for the MoldUDP64 request server.
 *
 * Owns: a ring of fixed slots per channel (a power of two, in memory
 * the caller hands over: hugepages in the app), the window of what it
 * can still serve, and copying a range of messages into a frame.
 * Never touches: mbufs, ports, requests (tw_request.h checks those).
 *
 * One writer (the generator lcore, from each frame it sends) and, on
 * the same lcore, the server reading it: no sharing, no locks.
 */
#ifndef TW_STORE_H
#define TW_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "tw_gen.h"
#include "tw_mold_frame.h"

/* A message of up to this many bytes fits a slot (one cache line). */
#define TW_STORE_MSG_MAX 62

struct tw_store_slot {
	uint16_t len;
	uint8_t msg[TW_STORE_MSG_MAX];
};

struct tw_store {
	uint32_t nb_channels;
	uint32_t mask;          /* slots per channel - 1 */
	uint64_t *end;          /* per channel: after the last message kept */
	struct tw_store_slot *slots; /* channel c's at c * (mask + 1) */
	uint64_t oversized;     /* messages too long for a slot: not kept */
};

/* Slots per channel for at least msgs messages: a power of two. */
uint32_t tw_store_slots(uint32_t msgs);

/* Bytes for a store of nb_channels x tw_store_slots(msgs). */
size_t tw_store_memsize(uint32_t nb_channels, uint32_t msgs);

/* Lay a store out in mem (cache-line aligned, zeroed); NULL on misuse. */
struct tw_store *tw_store_init(void *mem, uint32_t nb_channels,
		uint32_t msgs);

/*
 * Keep the messages of a finished frame of channel ch: msgs blocks
 * starting at blocks, the first at sequence first_seq.
 */
static inline void
tw_store_put(struct tw_store *s, uint16_t ch, uint64_t first_seq,
		const uint8_t *blocks, uint16_t msgs)
{
	struct tw_store_slot *base = s->slots +
		(size_t)ch * (s->mask + 1);
	uint16_t i;

	for (i = 0; i < msgs; i++) {
		uint16_t len = (uint16_t)(blocks[0] << 8 | blocks[1]);
		struct tw_store_slot *slot =
			&base[(first_seq + i) & s->mask];

		blocks += 2;
		if (likely(len <= TW_STORE_MSG_MAX)) {
			slot->len = len;
			memcpy(slot->msg, blocks, len);
		} else {
			slot->len = 0;
			s->oversized++;
		}
		blocks += len;
	}
	s->end[ch] = first_seq + msgs;
}

/* The first sequence number channel ch can still serve (>= 1). */
static inline uint64_t
tw_store_first(const struct tw_store *s, uint16_t ch)
{
	uint64_t n = (uint64_t)s->mask + 1;

	return s->end[ch] > n ? s->end[ch] - n : 1;
}

/*
 * Copy messages from seq on (at most count, all inside the window)
 * into the open frame b on template t, as many as fit. Returns how many.
 */
uint16_t tw_store_fill(const struct tw_store *s, uint16_t ch, uint64_t seq,
		uint32_t count, struct tw_pkt_builder *b,
		const struct tw_pkt_tmpl *t);

#endif /* TW_STORE_H */
