/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0's incremental feed into books and a cache
 * (tw_mdp3_apply.h says the rules): templates 4, 12, 30, 37, 46, 48
 * and 54, each entry's RptSeq, instruments falling stale and their
 * entries held meanwhile; the state's layout. The loops are
 * tw_mdp3_recover.c's.
 * Owns: what each message does to the state. Never touches: framing,
 * packet sequences; never allocates, locks or prints.
 */
#include <string.h>

#include <rte_branch_prediction.h>

#include "tw_mdp3_apply_private.h"
#include "tw_rx_frame.h"

#define STATE_MAGIC 0x6d647033u        /* "mdp3" */

/* 32 entries per instrument of a channel, within the bounds. */
static uint32_t
held_max_of(uint32_t nb_symbols, uint16_t nb_channels)
{
	uint64_t per = ((uint64_t)nb_symbols + nb_channels - 1) / nb_channels;
	uint64_t n = 32 * per;

	if (n < TW_MDP3_HELD_MIN)
		n = TW_MDP3_HELD_MIN;
	if (n > TW_MDP3_HELD_MAX)
		n = TW_MDP3_HELD_MAX;
	return (uint32_t)n;
}

size_t
tw_mdp3_rx_state_memsize(uint32_t nb_symbols, uint16_t nb_channels)
{
	size_t n;

	if (nb_channels == 0)
		return 0;
	n = sizeof(struct tw_mdp3_rx_state) +
		(size_t)nb_symbols * sizeof(struct tw_mdp3_book) +
		(size_t)nb_symbols * sizeof(struct tw_mdp3_inst) +
		(size_t)nb_channels * sizeof(struct tw_mdp3_chan) +
		(size_t)nb_channels * held_max_of(nb_symbols, nb_channels) *
			sizeof(struct tw_mdp3_held);
	return (n + 63) & ~(size_t)63;
}

struct tw_mdp3_rx_state *
tw_mdp3_rx_state_init(void *mem, uint32_t nb_symbols, uint16_t nb_channels)
{
	struct tw_mdp3_rx_state *st = mem;
	uint32_t l;

	if (mem == NULL || nb_symbols == 0 || nb_channels == 0 ||
	    nb_channels > TW_RX_MAX_CHANNELS)
		return NULL;
	memset(st, 0, tw_mdp3_rx_state_memsize(nb_symbols, nb_channels));
	st->magic = STATE_MAGIC;
	st->nb_symbols = nb_symbols;
	st->nb_channels = nb_channels;
	st->held_max = held_max_of(nb_symbols, nb_channels);
	st->inst = (struct tw_mdp3_inst *)&st->books[nb_symbols];
	st->chan = (struct tw_mdp3_chan *)&st->inst[nb_symbols];
	st->held = (struct tw_mdp3_held *)&st->chan[nb_channels];
	for (l = 0; l < nb_symbols; l++)
		tw_mdp3_book_init(&st->books[l], l);
	return st;
}

enum admit {
	ADMIT_APPLY,            /* the next of its instrument */
	ADMIT_HOLD,             /* its instrument is stale: kept */
	ADMIT_SKIP,             /* old, or a jump (now stale) */
};

/*
 * An update entry's RptSeq against its instrument: ADMIT_APPLY when it
 * applies (the book's RptSeq is then rpt).
 */
static enum admit
rpt_admit(struct tw_mdp3_sink *s, struct tw_mdp3_book *b, uint32_t rpt,
		uint64_t now_ns)
{
	struct tw_mdp3_inst *in = &s->st->inst[b->l];
	struct tw_mdp3_chan *c = &s->st->chan[b->l % s->st->nb_channels];

	if (unlikely(in->stale)) {
		if (rpt > in->skipped_rpt)
			in->skipped_rpt = rpt;
		s->ctr->mdp3_stale_skipped++;
		return ADMIT_HOLD;
	}
	if (likely(rpt == b->rpt_seq + 1)) {
		b->rpt_seq = rpt;
		return ADMIT_APPLY;
	}
	if (rpt <= b->rpt_seq) {
		s->ctr->mdp3_rptseq_old++;
		return ADMIT_SKIP;
	}
	if (in->waiting || c->n_gaps != 0) {
		/* A packet the other line may still bring is missing: wait
		 * for it, holding this. */
		if (!in->waiting) {
			in->waiting = 1;
			in->stale_since_ns = now_ns;
			in->held_head = 0;
			in->held_tail = 0;
			c->waiting++;
			s->ctr->mdp3_waits++;
			if (s->cache != NULL)
				tw_cache_mark_stale(s->cache, b->l);
		}
		if (rpt > in->skipped_rpt)
			in->skipped_rpt = rpt;
		return ADMIT_HOLD;
	}
	s->ctr->mdp3_rptseq_jumps++;
	s->ctr->mdp3_recoveries++;
	fall_stale(s, b->l, now_ns);
	in->skipped_rpt = rpt;
	return ADMIT_SKIP;
}

/*
 * Kept, chained to its instrument's, for its snapshot or copy; the
 * channel's oldest goes when its ring is full (counted when still
 * needed).
 */
static void
hold(struct tw_mdp3_sink *s, uint32_t channel, const struct tw_mdp3_held *h)
{
	struct tw_mdp3_rx_state *st = s->st;
	struct tw_mdp3_chan *c = &st->chan[channel];
	struct tw_mdp3_inst *in = &st->inst[h->l];
	uint64_t num = ++c->held_count;
	struct tw_mdp3_held *e = held_slot(st, channel, num);
	struct tw_mdp3_held *tail;

	if (e->num != 0) {
		/* The channel's oldest: the head of its instrument's chain
		 * when that still holds it. */
		struct tw_mdp3_inst *old = &st->inst[e->l];

		if (old->held_head == e->num) {
			old->held_head = e->next;
			if (old->held_tail == e->num)
				old->held_tail = 0;
			if (e->rpt > st->books[e->l].rpt_seq)
				s->ctr->mdp3_held_lost++;
		}
	}
	*e = *h;
	e->num = num;
	e->next = 0;
	tail = held_entry(st, channel, in->held_tail);
	if (tail != NULL)
		tail->next = num;
	else
		in->held_head = num;
	in->held_tail = num;
	s->ctr->mdp3_held++;
}

/*
 * A waiting instrument took the update it missed (the other line's
 * copy): what it held since applies; whole again once that reaches
 * what it skipped.
 */
static void
catch_up(struct tw_mdp3_sink *s, struct tw_mdp3_book *b, uint32_t channel,
		uint64_t now_ns)
{
	struct tw_mdp3_inst *in = &s->st->inst[b->l];
	struct tw_mdp3_chan *c = &s->st->chan[channel];
	enum tw_mdp3_book_verdict v;
	uint32_t applied = 0;

	v = replay(s, b, channel, &applied);
	s->ctr->mdp3_replayed += applied;
	if (v != TW_MDP3_BOOK_OK) {
		s->ctr->mdp3_refused[v]++;
		s->ctr->mdp3_recoveries++;
		fall_stale(s, b->l, now_ns);
		return;
	}
	if (b->rpt_seq < in->skipped_rpt)
		return;
	in->waiting = 0;
	c->waiting--;
	in->held_head = 0;
	in->held_tail = 0;
	s->ctr->mdp3_waits_covered++;
	if (s->cache != NULL)
		__atomic_store_n(&s->cache->info[b->l].stale, 0,
			__ATOMIC_RELEASE);
}

/*
 * One update entry of the incremental feed, of SecurityID secid: into
 * its book, held, or skipped; a refusal stales its instrument.
 */
static void
entry(struct tw_mdp3_sink *s, struct tw_mdp3_held *h, int32_t secid,
		uint64_t seq, uint32_t channel, uint64_t now_ns)
{
	struct tw_mdp3_book *b = update_book(s, secid, channel);
	enum tw_mdp3_book_verdict v;

	if (b == NULL)
		return;
	h->l = b->l;
	switch (rpt_admit(s, b, h->rpt, now_ns)) {
	case ADMIT_APPLY:
		break;
	case ADMIT_HOLD:
		hold(s, channel, h);
		return;
	default:
		return;
	}
	v = update(b, h);
	if (unlikely(v != TW_MDP3_BOOK_OK)) {
		s->ctr->mdp3_refused[v]++;
		s->ctr->mdp3_recoveries++;
		fall_stale(s, b->l, now_ns);
		return;
	}
	if (h->tmpl == TW_MDP3_BOOK)
		s->ctr->book_msgs++;
	else if (h->tmpl == TW_MDP3_TRADE_SUMMARY)
		s->ctr->trades++;
	else
		s->ctr->mdp3_volumes++;
	if (unlikely(s->st->inst[b->l].waiting))
		catch_up(s, b, channel, now_ns);
	show(s, b, seq, now_ns);
}

void
tw_mdp3_channel_lost(struct tw_mdp3_sink *s, uint32_t channel,
		uint64_t now_ns)
{
	struct tw_mdp3_rx_state *st = s->st;
	bool any = false;
	uint32_t l;

	for (l = channel; l < st->nb_symbols; l += st->nb_channels) {
		if (!st->books[l].defined || st->inst[l].stale)
			continue;
		fall_stale(s, l, now_ns);
		any = true;
	}
	if (any)
		s->ctr->mdp3_recoveries++;
}

/* Every instrument of the channel still waiting is stale now. */
static void
waits_lost(struct tw_mdp3_sink *s, uint32_t channel, uint64_t now_ns)
{
	struct tw_mdp3_rx_state *st = s->st;
	uint32_t l;

	for (l = channel; st->chan[channel].waiting != 0 &&
	     l < st->nb_symbols; l += st->nb_channels) {
		if (!st->inst[l].waiting)
			continue;
		s->ctr->mdp3_rptseq_jumps++;
		s->ctr->mdp3_recoveries++;
		fall_stale(s, l, now_ns);
	}
}

static void
gap_remove(struct tw_mdp3_chan *c, uint32_t i)
{
	memmove(&c->gap[i], &c->gap[i + 1],
		(c->n_gaps - i - 1) * sizeof(c->gap[0]));
	c->n_gaps--;
}

void
tw_mdp3_gap_open(struct tw_mdp3_sink *s, uint32_t channel, uint64_t first,
		uint64_t end, bool wait, uint64_t now_ns)
{
	struct tw_mdp3_chan *c = &s->st->chan[channel];

	if (!wait) {
		tw_mdp3_channel_lost(s, channel, now_ns);
		return;
	}
	if (c->n_gaps == TW_MDP3_GAPS_MAX) {
		/* The oldest given up: lost. */
		gap_remove(c, 0);
		tw_mdp3_channel_lost(s, channel, now_ns);
	}
	c->gap[c->n_gaps++] = (struct tw_mdp3_gap){ first, end, now_ns };
}

bool
tw_mdp3_gap_filled(struct tw_mdp3_sink *s, uint32_t channel, uint64_t seq,
		uint64_t now_ns)
{
	struct tw_mdp3_chan *c = &s->st->chan[channel];
	bool closed = false;
	uint32_t i;

	for (i = 0; i < c->n_gaps; i++) {
		struct tw_mdp3_gap *g = &c->gap[i];

		if (seq < g->first || seq >= g->end)
			continue;
		if (seq == g->first) {
			g->first++;
		} else if (seq == g->end - 1) {
			g->end--;
		} else if (c->n_gaps < TW_MDP3_GAPS_MAX) {
			/* Split around it. */
			memmove(&c->gap[i + 2], &c->gap[i + 1],
				(c->n_gaps - i - 1) * sizeof(c->gap[0]));
			c->gap[i + 1] = (struct tw_mdp3_gap){ seq + 1, g->end,
				g->detected_ns };
			g->end = seq;
			c->n_gaps++;
		}       /* else it stays counted missing: applied again, old */
		if (g->first >= g->end) {
			gap_remove(c, i);
			closed = true;
		}
		break;
	}
	if (c->n_gaps == 0 && c->waiting != 0)
		/* Every copy came: who still waits jumped for good. */
		waits_lost(s, channel, now_ns);
	return closed;
}

uint64_t
tw_mdp3_gaps_expire(struct tw_mdp3_sink *s, uint32_t channel,
		uint64_t wait_ns, uint64_t now_ns, uint32_t *gaps)
{
	struct tw_mdp3_chan *c = &s->st->chan[channel];
	uint64_t missed = 0;
	uint32_t i = 0;

	*gaps = 0;
	while (i < c->n_gaps) {
		const struct tw_mdp3_gap *g = &c->gap[i];
		unsigned int line, gone = 0;

		/* A line still behind it, and not silent, may bring it. */
		for (line = 0; line < 2; line++)
			gone += c->line_hi[line] >= g->end ||
				now_ns - c->line_ns[line] >= wait_ns;
		if (gone < 2) {
			i++;
			continue;
		}
		missed += c->gap[i].end - c->gap[i].first;
		(*gaps)++;
		gap_remove(c, i);
	}
	if (*gaps != 0)
		/* Lost on both lines: which instruments is not known. */
		tw_mdp3_channel_lost(s, channel, now_ns);
	return missed;
}

/* ---- the incremental feed ---- */

/*
 * Where an update entry's fields lie, per template (tw_mdp3.h's
 * offsets; -1: the template has none). One loop reads the three; each
 * call names its layout, so the reads are fixed at compile time.
 */
struct entry_layout {
	uint8_t tmpl;
	int8_t px, size, security_id, rpt, orders, level, action, type;
};

enum { LAYOUT_BOOK, LAYOUT_TRADE, LAYOUT_VOLUME };

static const struct entry_layout layouts[] = {
	[LAYOUT_BOOK] = { TW_MDP3_BOOK, TW_MDP3_BOOK_OFF_PX,
		TW_MDP3_BOOK_OFF_SIZE, TW_MDP3_BOOK_OFF_SECID,
		TW_MDP3_BOOK_OFF_RPTSEQ, TW_MDP3_BOOK_OFF_ORDERS,
		TW_MDP3_BOOK_OFF_LEVEL, TW_MDP3_BOOK_OFF_ACTION,
		TW_MDP3_BOOK_OFF_TYPE },
	[LAYOUT_TRADE] = { TW_MDP3_TRADE_SUMMARY, TW_MDP3_TRADE_OFF_PX,
		TW_MDP3_TRADE_OFF_SIZE, TW_MDP3_TRADE_OFF_SECID,
		TW_MDP3_TRADE_OFF_RPTSEQ, TW_MDP3_TRADE_OFF_ORDERS, -1,
		TW_MDP3_TRADE_OFF_ACTION, -1 },
	[LAYOUT_VOLUME] = { TW_MDP3_VOLUME, -1, TW_MDP3_VOL_OFF_SIZE,
		TW_MDP3_VOL_OFF_SECID, TW_MDP3_VOL_OFF_RPTSEQ, -1, -1,
		TW_MDP3_VOL_OFF_ACTION, -1 },
};

/*
 * Each entry of the message's first group (46, 48, 37) to its
 * instrument. Implied book levels are skipped, counted; the order
 * group (MBO detail, 8-byte dimension) is not read: the walk checked
 * it lies inside the message.
 */
static __rte_always_inline void
apply_entries(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		const struct entry_layout *lo, uint64_t seq, uint32_t channel,
		uint64_t now_ns)
{
	const struct tw_mdp3_group *g = &m->group[0];
	unsigned int i;

	for (i = 0; i < g->count; i++) {
		const uint8_t *e = tw_mdp3_entry(g, i);
		struct tw_mdp3_held h = {
			.size = (int32_t)tw_mdp3_u32(e + lo->size),
			.rpt = tw_mdp3_u32(e + lo->rpt),
			.tmpl = lo->tmpl,
			.action = e[lo->action],
		};

		if (lo->type >= 0) {
			h.type = (char)e[lo->type];
			if (h.type == TW_MDP3_IMPLIED_BID ||
			    h.type == TW_MDP3_IMPLIED_OFFER) {
				s->ctr->mdp3_implied_skipped++;
				continue;
			}
		}
		if (lo->px >= 0)
			h.px = (int64_t)tw_mdp3_u64(e + lo->px);
		if (lo->orders >= 0)
			h.orders = (int32_t)tw_mdp3_u32(e + lo->orders);
		if (lo->level >= 0)
			h.level = e[lo->level];
		entry(s, &h, (int32_t)tw_mdp3_u32(e + lo->security_id), seq,
			channel, now_ns);
	}
}

/* Every book of the channel emptied; RptSeq starts again at 1. */
static void
apply_reset(struct tw_mdp3_sink *s, uint64_t seq, uint32_t channel,
		uint64_t now_ns)
{
	struct tw_mdp3_rx_state *st = s->st;
	uint32_t l;

	if (st->chan[channel].stale != 0 || st->chan[channel].waiting != 0)
		s->ctr->mdp3_reset_in_recovery++;
	/* What went before the reset matters no more. */
	st->chan[channel].n_gaps = 0;
	for (l = channel; l < st->nb_symbols; l += st->nb_channels) {
		struct tw_mdp3_book *b = &st->books[l];

		if (!b->defined)
			continue;
		/* Emptied is a known state: a stale book is whole again. */
		if (st->inst[l].stale)
			recovered(s, l, false, now_ns);
		if (st->inst[l].waiting) {
			st->inst[l].waiting = 0;
			st->inst[l].held_head = 0;
			st->inst[l].held_tail = 0;
			st->chan[channel].waiting--;
			if (s->cache != NULL)
				__atomic_store_n(&s->cache->info[l].stale, 0,
					__ATOMIC_RELEASE);
		}
		tw_mdp3_book_reset(b);
		show(s, b, seq, now_ns);
	}
	s->ctr->mdp3_resets++;
}

/*
 * A definition (54): instrument SecurityID - base of channel gets its
 * symbol, tick and display factor, and a directory entry in the cache.
 * From the incremental feed a new instrument's empty book is its state;
 * from the definition loop it is not known (its updates may have gone
 * by): stale until its snapshot.
 */
void
tw_mdp3_apply_definition(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		uint32_t channel, bool from_loop, uint64_t now_ns)
{
	struct tw_mdp3_rx_state *st = s->st;
	struct tw_mdp3_instrument in;
	struct tw_mdp3_book *b;
	char name[TW_TICKER_LEN + 1];
	struct tw_directory d;
	uint32_t l = 0;
	unsigned int k;

	tw_mdp3_get_instrument(m->root, &in);
	switch (instrument(st, in.security_id, channel, &l)) {
	case INST_FOREIGN:
		if ((int64_t)in.security_id - TW_MDP3_SECID_BASE < 0 ||
		    (int64_t)in.security_id - TW_MDP3_SECID_BASE >=
		    st->nb_symbols)
			s->ctr->mdp3_def_outside++;
		else
			s->ctr->mdp3_foreign_instrument++;
		return;
	case INST_OK:
		b = &st->books[l];
		if (memcmp(b->symbol, in.symbol, TW_MDP3_SYMBOL_LEN) == 0 &&
		    b->tick == in.min_price_increment &&
		    b->display_factor == in.display_factor)
			s->ctr->mdp3_def_repeated++;
		else
			s->ctr->mdp3_def_refused++;     /* no redefinition */
		return;
	default:
		break;
	}
	b = &st->books[l];
	for (k = 0; k < TW_TICKER_LEN && in.symbol[k] != '\0'; k++)
		name[k] = in.symbol[k];
	name[k] = '\0';
	d = (struct tw_directory){
		.locate = l,
		.price_decimals = TW_MDP3_CACHE_DECIMALS,
	};
	tw_ticker_from_str(d.ticker, name);
	if (s->cache != NULL && tw_cache_set_directory(s->cache, &d) != 0) {
		s->ctr->mdp3_def_refused++;
		return;
	}
	tw_mdp3_book_define(b, in.security_id, in.symbol,
		in.min_price_increment, in.display_factor);
	s->ctr->directories++;
	s->ctr->mdp3_definitions++;
	if (from_loop)
		fall_stale(s, l, now_ns);
}

unsigned int
tw_mdp3_apply(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		enum tw_mdp3_verdict v, uint64_t seq, uint32_t channel,
		uint64_t now_ns)
{
	if (unlikely(v != TW_MDP3_OK)) {
		s->ctr->unknown_msgs++;
		return 0;
	}
	switch (m->template_id) {
	case TW_MDP3_BOOK:
		apply_entries(s, m, &layouts[LAYOUT_BOOK], seq, channel,
			now_ns);
		break;
	case TW_MDP3_TRADE_SUMMARY:
		apply_entries(s, m, &layouts[LAYOUT_TRADE], seq, channel,
			now_ns);
		break;
	case TW_MDP3_VOLUME:
		apply_entries(s, m, &layouts[LAYOUT_VOLUME], seq, channel,
			now_ns);
		break;
	case TW_MDP3_HEARTBEAT:
		s->ctr->heartbeats++;
		break;
	case TW_MDP3_SECURITY_STATUS:
		s->ctr->mdp3_status++;
		break;
	case TW_MDP3_CHANNEL_RESET:
		apply_reset(s, seq, channel, now_ns);
		break;
	case TW_MDP3_INSTRUMENT_FUT:
		tw_mdp3_apply_definition(s, m, channel, false, now_ns);
		break;
	default:        /* a snapshot on the incremental feed: not its */
		s->ctr->other_msgs++;
		break;
	}
	return 1;
}

