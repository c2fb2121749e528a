/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What tw_mdp3_apply.c (the incremental feed) and tw_mdp3_recover.c
 * (the loops) share: which instrument a SecurityID names, an instrument
 * falling stale and recovered, one update into a book, the cache write.
 * Private to lib/mdp3.
 */
#ifndef TW_MDP3_APPLY_PRIVATE_H
#define TW_MDP3_APPLY_PRIVATE_H

#include <rte_branch_prediction.h>

#include "tw_mdp3_apply.h"

/* ---- instruments: which, stale, recovered ---- */

enum which {
	INST_OK,
	INST_FOREIGN,           /* outside the cache, or another channel's */
	INST_UNDEFINED,         /* never defined */
};

static inline enum which
instrument(const struct tw_mdp3_rx_state *st, int32_t secid,
		uint32_t channel, uint32_t *l)
{
	int64_t i = (int64_t)secid - TW_MDP3_SECID_BASE;

	if (unlikely(i < 0 || i >= st->nb_symbols ||
		     (uint32_t)i % st->nb_channels != channel))
		return INST_FOREIGN;
	*l = (uint32_t)i;
	return st->books[i].defined ? INST_OK : INST_UNDEFINED;
}

/* The book an update names, or NULL (counted). */
static inline struct tw_mdp3_book *
update_book(struct tw_mdp3_sink *s, int32_t secid, uint32_t channel)
{
	uint32_t l = 0;

	switch (instrument(s->st, secid, channel, &l)) {
	case INST_OK:
		return &s->st->books[l];
	case INST_FOREIGN:
		s->ctr->mdp3_foreign_instrument++;
		return NULL;
	default:
		s->ctr->mdp3_unknown_instrument++;
		return NULL;
	}
}

/* Where held entry num of channel lies (it, or what overwrote it). */
static inline struct tw_mdp3_held *
held_slot(const struct tw_mdp3_rx_state *st, uint32_t channel, uint64_t num)
{
	return &st->held[(size_t)channel * st->held_max +
		(num - 1) % st->held_max];
}

/* Held entry num of channel, or NULL when none or overwritten. */
static inline struct tw_mdp3_held *
held_entry(const struct tw_mdp3_rx_state *st, uint32_t channel, uint64_t num)
{
	struct tw_mdp3_held *e;

	if (num == 0)
		return NULL;
	e = held_slot(st, channel, num);
	return e->num == num ? e : NULL;
}

static inline void
fall_stale(struct tw_mdp3_sink *s, uint32_t l, uint64_t now_ns)
{
	struct tw_mdp3_inst *in = &s->st->inst[l];
	struct tw_mdp3_chan *c = &s->st->chan[l % s->st->nb_channels];

	if (in->stale)
		return;
	in->stale = 1;
	c->stale++;
	if (in->waiting) {
		/* What it held stays held, for after its snapshot. */
		in->waiting = 0;
		c->waiting--;
	} else {
		in->stale_since_ns = now_ns;
		in->held_head = 0;
		in->held_tail = 0;
		/* A snapshot older than what the book applied would go
		 * back. */
		in->skipped_rpt = s->st->books[l].rpt_seq;
	}
	if (s->cache != NULL)
		tw_cache_mark_stale(s->cache, l);
}

/* Not stale any more: counted (and timed) when a snapshot did it. */
static inline void
recovered(struct tw_mdp3_sink *s, uint32_t l, bool by_snapshot,
		uint64_t now_ns)
{
	struct tw_mdp3_inst *in = &s->st->inst[l];
	struct tw_mdp3_chan *c = &s->st->chan[l % s->st->nb_channels];

	in->stale = 0;
	c->stale--;
	in->held_head = 0;
	in->held_tail = 0;
	if (s->cache != NULL)
		__atomic_store_n(&s->cache->info[l].stale, 0,
			__ATOMIC_RELEASE);
	if (!by_snapshot)
		return;
	s->ctr->mdp3_recovered++;
	if (s->recovery_hist != NULL && now_ns >= in->stale_since_ns)
		tw_hist_record(s->recovery_hist, now_ns - in->stale_since_ns);
}

/* One update (its RptSeq admitted) into book b: the book's verdict. */
static inline enum tw_mdp3_book_verdict
update(struct tw_mdp3_book *b, const struct tw_mdp3_held *h)
{
	switch (h->tmpl) {
	case TW_MDP3_BOOK:
		if (h->type == TW_MDP3_BID || h->type == TW_MDP3_OFFER)
			return tw_mdp3_book_update(b, h->type == TW_MDP3_BID ?
				TW_MDP3_SIDE_BID : TW_MDP3_SIDE_ASK, h->action,
				h->level, h->px, h->size, h->orders);
		if (h->type != TW_MDP3_BOOK_RESET)
			return TW_MDP3_BOOK_BAD_ACTION;
		tw_mdp3_book_clear(b);
		return TW_MDP3_BOOK_OK;
	case TW_MDP3_TRADE_SUMMARY:
		/* A trade corrected or busted is not modelled. */
		if (h->action != TW_MDP3_NEW)
			return TW_MDP3_BOOK_BAD_ACTION;
		if (h->px == TW_MDP3_PRICE_NULL || h->size <= 0)
			return TW_MDP3_BOOK_BAD_FIELD;
		tw_mdp3_book_trade(b, h->px, h->size);
		return TW_MDP3_BOOK_OK;
	default:        /* volume */
		if (h->size < 0)
			return TW_MDP3_BOOK_BAD_FIELD;
		tw_mdp3_book_volume(b, (uint64_t)h->size);
		return TW_MDP3_BOOK_OK;
	}
}

/*
 * The entries of b's instrument held on channel, in RptSeq order from
 * b's on, into b: OK when each applied or was older, up to the first
 * not held; else the verdict of the one refused. *applied counts.
 */
static inline enum tw_mdp3_book_verdict
replay(struct tw_mdp3_sink *s, struct tw_mdp3_book *b, uint32_t channel,
		uint32_t *applied)
{
	const struct tw_mdp3_rx_state *st = s->st;
	const struct tw_mdp3_inst *in = &st->inst[b->l];
	bool progress = true;

	/* Its chain in feed order; again when a copy came out of order;
	 * up to an entry overwritten. */
	while (progress) {
		const struct tw_mdp3_held *h;

		progress = false;
		for (h = held_entry(st, channel, in->held_head); h != NULL;
		     h = held_entry(st, channel, h->next)) {
			enum tw_mdp3_book_verdict v;

			if (h->rpt != b->rpt_seq + 1)
				continue;
			v = update(b, h);
			if (v != TW_MDP3_BOOK_OK)
				return v;
			b->rpt_seq = h->rpt;
			(*applied)++;
			progress = true;
		}
	}
	return TW_MDP3_BOOK_OK;
}

static inline void
show(struct tw_mdp3_sink *s, const struct tw_mdp3_book *b, uint64_t seq,
		uint64_t now_ns)
{
	if (s->cache != NULL)
		tw_mdp3_show(s->cache, b, seq, now_ns);
}

/* A definition (54) from the incremental feed or the definition loop. */
void tw_mdp3_apply_definition(struct tw_mdp3_sink *s,
	const struct tw_mdp3_msg *m, uint32_t channel, bool from_loop,
	uint64_t now_ns);

#endif /* TW_MDP3_APPLY_PRIVATE_H */
