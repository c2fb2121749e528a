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
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "tw_proto.h"

/*
 * A range of sequence numbers [first, end) a channel has not seen, until
 * it is filled (by a retransmission or a late copy) or given up.
 */
struct tw_gap {
	uint64_t first;
	uint64_t end;
	uint64_t detected_ns;   /* when the jump over it was seen */
	uint64_t next_req_ns;   /* when to (re)request it */
	uint32_t requests;      /* sent for it so far (held back: since the
				 * last retransmission that took it on) */
	uint32_t tries;         /* requests due, sent or not (the port may
				 * refuse them): it gives up on these */
	uint64_t progress_ns;   /* detected, or last taken on by a fill */
	uint32_t held_pkts;     /* hold_back: packets held back behind it */
	uint64_t asked_end;     /* the last request asked up to here */
	uint32_t reply_pkts;    /* reply packets that took it on since */
	/*
	 * A tail: the messages before an end of session seen ahead, above
	 * the expected sequence. Counted as a gap only once it proves one
	 * (filled or given up), never when an end was forged.
	 */
	uint32_t tail;
	uint64_t tail_msgs;
};

/*
 * Open gaps a channel tracks at once; a new gap beyond this gives up
 * the oldest. Reordering splits gaps, so a few more than one.
 */
#define TW_GAPS_MAX 16

/*
 * What a channel counts: kept whole across a new session (its sequence
 * and state start again, its counts go on) and reported per channel
 * from lib/stats' table. A new counter is a field here.
 */
struct tw_channel_counters {
	uint64_t gaps;          /* gap events */
	uint64_t gap_msgs;      /* messages never seen, summed over gaps */
	uint64_t dup_pkts;      /* packets wholly seen before */
	uint64_t dup_msgs;      /* messages seen before (whole or partial) */
	uint64_t heartbeats;
	uint64_t far_rejected;  /* frames too far ahead, not continued */
	uint64_t gaps_filled;   /* gaps whose every message came in */
	uint64_t gaps_unrecovered; /* given up: the channel's symbols stale */
	uint64_t msgs_recovered; /* messages applied from a fill */
	uint64_t msgs_unrecovered; /* messages of the gaps given up */
	uint64_t fill_dups;     /* retransmitted messages no longer missing */
	uint64_t requests;      /* re-requests sent */
	uint64_t requests_per_gap_max;
	uint64_t gaps_covered;  /* two lines: filled by the other line */
	uint64_t late_joins;    /* first frame far into the session */
	uint64_t msgs_before_join; /* sent before it, never seen */
	uint64_t snapshots;     /* taken in whole */
	uint64_t snapshots_failed; /* asked for too often, given up */
	uint64_t live_skipped;  /* messages not applied while one was wanted */
};

struct tw_channel_state {
	uint64_t expected;      /* next sequence number wanted */
	struct tw_channel_counters ctr;
	uint64_t last_rx_ns;    /* time of the last packet of this channel */
	uint64_t ahead_next;    /* where a lone frame far ahead continues */
	uint64_t join_seq;      /* a late join's first packet until another
				 * continues it (MDP 3.0); 0: none */
	uint64_t sessions;      /* sessions started after the first */
	uint32_t ended;         /* end-of-session seen */
	uint8_t has_session;    /* session below adopted (session = auto) */
	char session[TW_MOLD_SESSION_LEN];
	/* Recovery: what is missing and what became of it. */
	uint32_t nb_gaps;       /* open gaps in missing[] (read by the view) */
	uint64_t end_pending;   /* the end of session, once gaps before it
				 * are filled or given up (0: none) */
	/* Two lines: the last frames that applied first, for the skew. */
	struct {
		uint64_t seq;
		uint64_t ns;
		uint32_t line;
	} won[8];
	uint32_t won_next;
	/* Snapshots: a late join, or a gap the store no longer holds. */
	uint32_t snap_state;    /* 1: wanted (live data not applied) */
	uint32_t snap_requests; /* for the one wanted now */
	uint32_t snap_tries;    /* requests due, sent or not */
	uint64_t snap_seq;      /* the snapshot being taken in; 0: none yet */
	uint32_t snap_got;      /* its symbols taken in so far */
	uint32_t snap_total;
	uint64_t snap_next_ns;  /* when to (re)ask */
	uint64_t snap_since_ns; /* wanted since */
	uint32_t server_ip;     /* where the channel's frames come from */
	uint8_t server_mac[6];
	struct tw_gap missing[TW_GAPS_MAX];
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
			ch->ctr.far_rejected++;
			return TW_ADMIT_FAR;
		}
		ch->ctr.gaps++;
		ch->ctr.gap_msgs += seq - ch->expected;
		ch->expected = end;
		ch->ahead_next = 0;
		return TW_ADMIT_OK;
	}
	/* seq < expected: some or all of it seen before. */
	if (end <= ch->expected) {
		ch->ctr.dup_msgs += count;
		if (count == 0)
			return TW_ADMIT_OK;     /* an old heartbeat: nothing */
		ch->ctr.dup_pkts++;
		return TW_ADMIT_DUPLICATE;
	}
	*skip = (uint32_t)(ch->expected - seq);
	ch->ctr.dup_msgs += *skip;
	ch->expected = end;
	return TW_ADMIT_OK;
}

/*
 * Note [first, end) as missing, seen at now_ns. When TW_GAPS_MAX gaps
 * are open already, the oldest is given up first and returned in *lost
 * (lost->end == 0 when none was).
 */
static inline void
tw_gaps_add(struct tw_channel_state *ch, uint64_t first, uint64_t end,
		uint64_t now_ns, struct tw_gap *lost)
{
	lost->end = 0;
	if (ch->nb_gaps == TW_GAPS_MAX) {
		*lost = ch->missing[0];
		memmove(&ch->missing[0], &ch->missing[1],
			(TW_GAPS_MAX - 1) * sizeof(ch->missing[0]));
		ch->nb_gaps--;
	}
	ch->missing[ch->nb_gaps] = (struct tw_gap){
		.first = first, .end = end, .detected_ns = now_ns,
		.next_req_ns = now_ns, .progress_ns = now_ns,
	};
	__atomic_store_n(&ch->nb_gaps, ch->nb_gaps + 1, __ATOMIC_RELEASE);
}

/* Index of the open gap holding seq, or -1. */
static inline int
tw_gaps_find(const struct tw_channel_state *ch, uint64_t seq)
{
	uint32_t i;

	for (i = 0; i < ch->nb_gaps; i++)
		if (seq >= ch->missing[i].first && seq < ch->missing[i].end)
			return (int)i;
	return -1;
}

/* Drop gap i from the list (filled or given up). */
static inline void
tw_gaps_remove(struct tw_channel_state *ch, uint32_t i)
{
	memmove(&ch->missing[i], &ch->missing[i + 1],
		(ch->nb_gaps - i - 1) * sizeof(ch->missing[0]));
	__atomic_store_n(&ch->nb_gaps, ch->nb_gaps - 1, __ATOMIC_RELEASE);
}

/*
 * Take the messages [lo, hi) (inside gap i) out of it: the gap shrinks,
 * or splits in two. 1 when the gap is now empty, 0 when not, -ENOSPC
 * when a split needs a slot there is not (nothing is taken then).
 */
static inline int
tw_gaps_take(struct tw_channel_state *ch, uint32_t i, uint64_t lo,
		uint64_t hi)
{
	struct tw_gap *g = &ch->missing[i];

	if (lo == g->first && hi == g->end)
		return 1;
	if (lo == g->first) {
		g->first = hi;
	} else if (hi == g->end) {
		g->end = lo;
	} else {
		if (ch->nb_gaps == TW_GAPS_MAX)
			return -ENOSPC;
		ch->missing[ch->nb_gaps] = *g;
		ch->missing[ch->nb_gaps].first = hi;
		g->end = lo;
		__atomic_store_n(&ch->nb_gaps, ch->nb_gaps + 1,
			__ATOMIC_RELEASE);
	}
	return 0;
}

#endif /* TW_FEED_H */
