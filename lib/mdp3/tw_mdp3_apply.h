/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 messages into books and a cache: the one place that says
 * what each message does and how an instrument falls stale and comes
 * back from the snapshot loop, for the RX lcores (tw_mdp3_msg_rx.c),
 * the fuzz harness and whoever keeps a truth the same way.
 *
 * Per instrument l (SecurityID TW_MDP3_SECID_BASE + l, channel l %
 * channels): its book, and whether it is stale (its book may miss an
 * update: the cache entry says so too) and since when. Every update
 * entry (46, 48, 37) carries the instrument's RptSeq: one past the
 * book's applies; at or below it is old and ignored (what a snapshot
 * already holds); further is a jump: the instrument falls stale. A
 * stale instrument's entries are skipped (and held, the last
 * held_max of a channel) until a SnapshotFullRefresh (52) from
 * its channel's snapshot loop lays its book down whole at the
 * snapshot's RptSeq; the held entries past it are applied in RptSeq
 * order, and the incremental feed applies from there on. A snapshot
 * the held entries cannot bring up to what was skipped waits for the
 * next one. A packet lost on every line makes every defined
 * instrument of its channel stale (which of them it touched is not
 * known). With two lines a packet missing on one is first waited for
 * on the other ([recovery] ab_wait_us): an instrument whose RptSeq
 * jumps meanwhile holds its entries and catches up from the copy.
 * A channel joins its loop while it has stale instruments:
 * snapshot packets of other channels cost a header check.
 *
 * Owns: the per-instrument and per-channel recovery state, the cache
 * entries of the instruments (top of book, last trade, volume, the
 * directory from definitions). Never touches: packet framing and
 * sequence (tw_mdp3_rx.h), allocation (the caller lays the state out).
 */
#ifndef TW_MDP3_APPLY_H
#define TW_MDP3_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tw_cache.h"
#include "tw_hist.h"
#include "tw_mdp3.h"
#include "tw_mdp3_book.h"
#include "tw_parse.h"

struct tw_mdp3_inst {
	uint64_t stale_since_ns; /* when it fell stale */
	uint64_t held_head;     /* its first and last held entries (their */
	uint64_t held_tail;     /* numbers on the channel; 0: none) */
	uint32_t skipped_rpt;   /* the highest RptSeq skipped (held) */
	uint8_t stale;          /* waiting for its snapshot */
	uint8_t waiting;        /* past a jump, waiting for the other line's
				 * copy of a packet missing (two lines) */
	uint8_t pad[2];
};

/*
 * An update entry of a stale or waiting instrument, skipped and kept
 * for what will need it (the spec's queue of the incremental feed,
 * entry by entry): what 46, 48 and 37 entries carry. Each channel
 * keeps its last held_max in a ring, numbered from 1; an instrument's
 * entries are chained by number, a number whose slot holds another is
 * gone (overwritten).
 */
struct tw_mdp3_held {
	int64_t px;
	uint64_t num;           /* its number on the channel */
	uint64_t next;          /* its instrument's next held, or 0 */
	int32_t size;
	int32_t orders;
	uint32_t rpt;
	uint32_t l;
	uint8_t tmpl;           /* TW_MDP3_BOOK, _TRADE_SUMMARY, _VOLUME */
	uint8_t action;
	uint8_t level;
	char type;
	uint32_t pad;
};

/* Held entries per channel: 32 per instrument, within these bounds. */
#define TW_MDP3_HELD_MIN 1024
#define TW_MDP3_HELD_MAX 65536
/* Packets missing on one line a channel waits for on the other. */
#define TW_MDP3_GAPS_MAX 64

struct tw_mdp3_gap {
	uint64_t first;         /* packets [first, end) missing */
	uint64_t end;
	uint64_t detected_ns;
};

struct tw_mdp3_chan {
	uint32_t stale;         /* its instruments stale now */
	uint32_t waiting;       /* its instruments waiting for a copy */
	uint32_t n_gaps;
	uint32_t pad;
	uint64_t held_count;    /* entries held so far (the last number) */
	uint64_t line_hi[2];    /* two lines: the highest packet of each */
	uint64_t line_ns[2];    /* and when each last brought one */
	struct tw_mdp3_gap gap[TW_MDP3_GAPS_MAX];
};

struct tw_mdp3_rx_state {
	uint32_t magic;
	uint32_t nb_symbols;
	uint16_t nb_channels;
	uint32_t held_max;      /* held entries a channel keeps */
	struct tw_mdp3_inst *inst;      /* nb_symbols, after the books */
	struct tw_mdp3_chan *chan;      /* nb_channels */
	struct tw_mdp3_held *held;      /* channel c's at c * held_max */
	struct tw_mdp3_book books[];    /* nb_symbols */
};

/* Bytes for the state of nb_symbols instruments on nb_channels. */
size_t tw_mdp3_rx_state_memsize(uint32_t nb_symbols, uint16_t nb_channels);

/*
 * Lay a state out in mem (memsize bytes, 64-byte aligned): every book
 * empty and undefined. NULL for 0 symbols, 0 or too many channels.
 */
struct tw_mdp3_rx_state *tw_mdp3_rx_state_init(void *mem,
	uint32_t nb_symbols, uint16_t nb_channels);

/* What an apply writes besides the state. */
struct tw_mdp3_sink {
	struct tw_mdp3_rx_state *st;
	struct tw_cache *cache;         /* or NULL */
	struct tw_rx_counters *ctr;
	struct tw_hist *recovery_hist;  /* stale -> recovered, or NULL */
};

/* The channel has stale instruments: its snapshot loop is read. */
static inline bool
tw_mdp3_recovering(const struct tw_mdp3_rx_state *st, uint32_t channel)
{
	return st->chan[channel].stale != 0;
}

/*
 * One message of the incremental feed of channel, read by
 * tw_mdp3_msg_read with verdict v (OK or UNKNOWN: a template not known
 * is counted and skipped), in packet seq. Returns the messages applied
 * (0 or 1).
 */
unsigned int tw_mdp3_apply(struct tw_mdp3_sink *s,
	const struct tw_mdp3_msg *m, enum tw_mdp3_verdict v, uint64_t seq,
	uint32_t channel, uint64_t now_ns);

/*
 * One message of channel's snapshot or definition loop (TW_RX_LOOP_*);
 * expected: the incremental feed's next packet sequence (a snapshot
 * that processed it or later is from the future) or 0 when the
 * incremental feed was never heard (no snapshot can be placed).
 */
void tw_mdp3_apply_loop(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
	enum tw_mdp3_verdict v, uint8_t loop, uint32_t channel,
	uint64_t expected, uint64_t now_ns);

/*
 * Packets of channel's incremental feed lost on every line (or never
 * seen: a late join): every defined instrument of it falls stale.
 * Counted as a recovery when one did.
 */
void tw_mdp3_channel_lost(struct tw_mdp3_sink *s, uint32_t channel,
	uint64_t now_ns);

/*
 * Packets [first, end) of channel missing. With two lines (wait) the
 * other line's copies are waited for: an instrument whose RptSeq jumps
 * meanwhile holds its entries (waiting, not yet stale) and catches up
 * when the copy brings what it missed. Without, or when
 * TW_MDP3_GAPS_MAX are waited for already (the oldest then), lost.
 */
void tw_mdp3_gap_open(struct tw_mdp3_sink *s, uint32_t channel,
	uint64_t first, uint64_t end, bool wait, uint64_t now_ns);

/* Packet seq of channel is one waited for. */
static inline bool
tw_mdp3_gap_missing(const struct tw_mdp3_rx_state *st, uint32_t channel,
		uint64_t seq)
{
	const struct tw_mdp3_chan *c = &st->chan[channel];
	uint32_t i;

	for (i = 0; i < c->n_gaps; i++)
		if (seq >= c->gap[i].first && seq < c->gap[i].end)
			return true;
	return false;
}

/*
 * Packet seq came on the other line (its messages applied by the
 * caller first): no longer missing. True when that closed its gap.
 * Once no gap is left, an instrument still waiting is stale.
 */
bool tw_mdp3_gap_filled(struct tw_mdp3_sink *s, uint32_t channel,
	uint64_t seq, uint64_t now_ns);

/* Line line (0, 1) of channel brought packet seq at now_ns. */
static inline void
tw_mdp3_line_seen(struct tw_mdp3_rx_state *st, uint32_t channel,
		uint8_t line, uint64_t seq, uint64_t now_ns)
{
	struct tw_mdp3_chan *c = &st->chan[channel];

	if (seq > c->line_hi[line])
		c->line_hi[line] = seq;
	c->line_ns[line] = now_ns;
}

/*
 * The channel's gaps lost on both lines: each line brought a packet
 * past the gap (its copy would have come before it), or fell silent
 * for wait_ns; then the channel's instruments are stale. Returns the
 * packets they missed, and their count in *gaps.
 */
uint64_t tw_mdp3_gaps_expire(struct tw_mdp3_sink *s, uint32_t channel,
	uint64_t wait_ns, uint64_t now_ns, uint32_t *gaps);

/*
 * Instrument l's top of book, last trade and volume into its cache
 * entry, written (seqcount) only when it changed, at seq.
 */
static inline void
tw_mdp3_show(struct tw_cache *c, const struct tw_mdp3_book *b, uint64_t seq,
		uint64_t now_ns)
{
	struct tw_cache_entry *e = &c->entries[b->l];
	int64_t bid = tw_mdp3_cache_px(b->bid[0].px);
	int64_t ask = tw_mdp3_cache_px(b->ask[0].px);
	int64_t last = tw_mdp3_cache_px(b->last_px);

	if (e->bid_px == bid && e->bid_sz == (uint32_t)b->bid[0].qty &&
	    e->ask_px == ask && e->ask_sz == (uint32_t)b->ask[0].qty &&
	    e->last_px == last && e->last_sz == (uint32_t)b->last_qty &&
	    e->volume == b->volume)
		return;
	rte_seqcount_write_begin(&e->sc);
	e->bid_px = bid;
	e->bid_sz = (uint32_t)b->bid[0].qty;
	e->ask_px = ask;
	e->ask_sz = (uint32_t)b->ask[0].qty;
	e->last_px = last;
	e->last_sz = (uint32_t)b->last_qty;
	e->volume = b->volume;
	e->last_seq = seq;
	e->last_update_ns = now_ns;
	rte_seqcount_write_end(&e->sc);
}

#endif /* TW_MDP3_APPLY_H */
