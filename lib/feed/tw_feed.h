/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Channel sequence state for MoldUDP64 streams.
 *
 * Owns: the expected next sequence number of each channel, and the
 * verdict on an arriving packet's range of sequence numbers: new,
 * duplicate, partly duplicate, or after a gap (recorded with its extent).
 * Never touches: packets, the cache, or anything shared between lcores:
 * a channel's state belongs to the one RX lcore that receives it.
 */
#ifndef TW_FEED_H
#define TW_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "tw_proto.h"

struct tw_channel_state {
	uint64_t expected;      /* next sequence number wanted */
	uint64_t gaps;          /* gap events */
	uint64_t gap_msgs;      /* messages never seen, summed over gaps */
	uint64_t dup_pkts;      /* packets wholly seen before */
	uint64_t dup_msgs;      /* messages seen before (whole or partial) */
	uint64_t heartbeats;
	uint64_t last_rx_ns;    /* time of the last packet of this channel */
	uint64_t ahead_next;    /* where a lone frame far ahead continues */
	uint64_t far_rejected;  /* frames too far ahead, not continued */
	uint64_t sessions;      /* sessions started after the first */
	uint32_t ended;         /* end-of-session seen */
	uint8_t has_session;    /* session below adopted (session = auto) */
	char session[TW_MOLD_SESSION_LEN];
} __rte_cache_aligned;

static inline void
tw_channel_init(struct tw_channel_state *ch)
{
	*ch = (struct tw_channel_state){ .expected = TW_MOLD_FIRST_SEQ };
}

/*
 * Sequence numbers above this are refused: no feed reaches 2^62
 * messages (146 years at 10^9 a second), and below it seq + count can
 * never wrap.
 */
#define TW_SEQ_MAX (UINT64_C(1) << 62)

enum tw_admit {
	TW_ADMIT_OK,            /* apply, after *skip messages seen before */
	TW_ADMIT_DUPLICATE,     /* every message seen before */
	TW_ADMIT_FAR,           /* too far ahead and not continued: drop */
	TW_ADMIT_BAD_SEQ,       /* 0, or above TW_SEQ_MAX */
};

/*
 * Admit the messages [seq, seq + count) of one packet (count 0: a
 * heartbeat). In order: taken. Behind: duplicate, or the new tail of a
 * partial overlap (*skip says how many leading messages to skip).
 * Ahead by at most max_gap messages: a gap, counted with its extent,
 * and the stream resumes at seq. Ahead by more: taken only when the
 * packet continues the one that was last refused as too far ahead
 * (seq == ahead_next), so one frame with a far-future sequence number
 * cannot move the channel; a packet in order forgets that candidate.
 */
static inline enum tw_admit
tw_channel_admit(struct tw_channel_state *ch, uint64_t seq, uint32_t count,
		uint64_t max_gap, uint32_t *skip)
{
	uint64_t end = seq + count;

	*skip = 0;
	if (likely(seq == ch->expected)) {
		ch->expected = end;
		ch->ahead_next = 0;
		return TW_ADMIT_OK;
	}
	if (unlikely(seq == 0 || seq > TW_SEQ_MAX))
		return TW_ADMIT_BAD_SEQ;
	if (seq > ch->expected) {
		if (seq - ch->expected > max_gap && seq != ch->ahead_next) {
			ch->ahead_next = end;
			ch->far_rejected++;
			return TW_ADMIT_FAR;
		}
		ch->gaps++;
		ch->gap_msgs += seq - ch->expected;
		ch->expected = end;
		ch->ahead_next = 0;
		return TW_ADMIT_OK;
	}
	/* seq < expected: some or all of it seen before. */
	if (end <= ch->expected) {
		ch->dup_msgs += count;
		if (count == 0)
			return TW_ADMIT_OK;     /* an old heartbeat: nothing */
		ch->dup_pkts++;
		return TW_ADMIT_DUPLICATE;
	}
	*skip = (uint32_t)(ch->expected - seq);
	ch->dup_msgs += *skip;
	ch->expected = end;
	return TW_ADMIT_OK;
}

#endif /* TW_FEED_H */
