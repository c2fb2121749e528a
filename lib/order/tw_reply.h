/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator's side of tick to trade: which quotes asked for an
 * order, and the matching of orders to them.
 *
 * Owns: reply ids (1..255, reused in turn), the outstanding requests,
 * and the verdict on each order: matched (timed once), duplicate (an
 * answer already matched: never timed twice), stale (no such request
 * now: its slot was reused, or an id never given), and requests lost
 * (never answered before their slot was reused, or by the end).
 * Never touches: packets, clocks (callers pass TSC values), allocation.
 * One writer: the generator lcore.
 */
#ifndef TW_REPLY_H
#define TW_REPLY_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define TW_REPLY_IDS 255        /* ids 1..255; 0 means no reply */

enum tw_reply_state {
	TW_REPLY_FREE,
	TW_REPLY_WAITING,
	TW_REPLY_ANSWERED,
};

struct tw_reply_slot {
	uint64_t seq;
	uint64_t sent_tsc;
	uint16_t channel;
	uint8_t state;
};

struct tw_reply_table {
	struct tw_reply_slot slot[TW_REPLY_IDS + 1];
	uint8_t last_id;
	uint64_t requested;
	uint64_t matched;
	uint64_t duplicate;
	uint64_t stale;
	uint64_t lost;
};

static inline void
tw_reply_init(struct tw_reply_table *t)
{
	memset(t, 0, sizeof(*t));
}

/*
 * A quote on channel, sequence seq, sent at sent_tsc asks for an order:
 * its reply id. A request still waiting in that id's slot is lost.
 */
static inline uint8_t
tw_reply_request(struct tw_reply_table *t, uint16_t channel, uint64_t seq,
		uint64_t sent_tsc)
{
	uint8_t id = (uint8_t)(t->last_id % TW_REPLY_IDS + 1);
	struct tw_reply_slot *s = &t->slot[id];

	if (s->state == TW_REPLY_WAITING)
		t->lost++;
	*s = (struct tw_reply_slot){ .seq = seq, .sent_tsc = sent_tsc,
		.channel = channel, .state = TW_REPLY_WAITING };
	t->last_id = id;
	t->requested++;
	return id;
}

/*
 * An order arrived at now_tsc. True, with the round trip in *rtt, when
 * it answers a waiting request; each request is timed at most once.
 */
static inline bool
tw_reply_match(struct tw_reply_table *t, uint8_t id, uint16_t channel,
		uint64_t seq, uint64_t now_tsc, uint64_t *rtt)
{
	struct tw_reply_slot *s = &t->slot[id];

	if (id == 0 || s->state == TW_REPLY_FREE || s->seq != seq ||
	    s->channel != channel) {
		t->stale++;
		return false;
	}
	if (s->state == TW_REPLY_ANSWERED) {
		t->duplicate++;
		return false;
	}
	s->state = TW_REPLY_ANSWERED;
	t->matched++;
	*rtt = now_tsc - s->sent_tsc;
	return true;
}

/* The session is over: requests still waiting are lost. */
static inline void
tw_reply_finish(struct tw_reply_table *t)
{
	unsigned int id;

	for (id = 1; id <= TW_REPLY_IDS; id++)
		if (t->slot[id].state == TW_REPLY_WAITING) {
			t->slot[id].state = TW_REPLY_FREE;
			t->lost++;
		}
}

#endif /* TW_REPLY_H */
