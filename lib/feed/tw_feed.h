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
	uint32_t ended;         /* end-of-session seen */
} __rte_cache_aligned;

static inline void
tw_channel_init(struct tw_channel_state *ch)
{
	*ch = (struct tw_channel_state){ .expected = TW_MOLD_FIRST_SEQ };
}

/*
 * Admit the messages [seq, seq + count) of one packet. Returns how many
 * leading messages are already seen and must be skipped; a return equal
 * to count means the whole packet is a duplicate. A jump forward is a
 * gap: counted with its extent, then the stream resumes at seq.
 * A heartbeat (count 0) only moves expected forward, so it reveals
 * gaps at the tail of a burst.
 */
static inline uint32_t
tw_channel_admit(struct tw_channel_state *ch, uint64_t seq, uint32_t count)
{
	uint64_t end = seq + count;
	uint32_t skip = 0;

	if (likely(seq == ch->expected)) {
		ch->expected = end;
		return 0;
	}
	if (seq > ch->expected) {
		ch->gaps++;
		ch->gap_msgs += seq - ch->expected;
		ch->expected = end;
		return 0;
	}
	/* seq < expected: some or all of it seen before. */
	if (end <= ch->expected) {
		if (count != 0)
			ch->dup_pkts++;
		ch->dup_msgs += count;
		return count;
	}
	skip = (uint32_t)(ch->expected - seq);
	ch->dup_msgs += skip;
	ch->expected = end;
	return skip;
}

#endif /* TW_FEED_H */
