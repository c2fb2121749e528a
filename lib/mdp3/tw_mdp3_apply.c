/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 messages into books and a cache (tw_mdp3_apply.h says
 * the rules): the incremental feed's templates 4, 12, 30, 37, 46, 48
 * and 54, the snapshot loop's 52 and the definition loop's 54, each
 * entry's RptSeq, instruments falling stale and recovered.
 * Owns: what each message does to the state. Never touches: framing,
 * packet sequences; never allocates, locks or prints.
 */
#include <string.h>

#include <rte_branch_prediction.h>

#include "tw_mdp3_apply.h"
#include "tw_rx_frame.h"

#define STATE_MAGIC 0x6d647033u        /* "mdp3" */

size_t
tw_mdp3_rx_state_memsize(uint32_t nb_symbols)
{
	size_t n = sizeof(struct tw_mdp3_rx_state) +
		(size_t)nb_symbols * sizeof(struct tw_mdp3_book) +
		(size_t)nb_symbols * sizeof(struct tw_mdp3_inst);

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
	memset(st, 0, tw_mdp3_rx_state_memsize(nb_symbols));
	st->magic = STATE_MAGIC;
	st->nb_symbols = nb_symbols;
	st->nb_channels = nb_channels;
	st->inst = (struct tw_mdp3_inst *)&st->books[nb_symbols];
	for (l = 0; l < nb_symbols; l++)
		tw_mdp3_book_init(&st->books[l], l);
	return st;
}

/* ---- instruments: which, stale, recovered ---- */

enum which {
	INST_OK,
	INST_FOREIGN,           /* outside the cache, or another channel's */
	INST_UNDEFINED,         /* never defined */
};

static enum which
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
static struct tw_mdp3_book *
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

static void
fall_stale(struct tw_mdp3_sink *s, uint32_t l, uint64_t now_ns)
{
	struct tw_mdp3_inst *in = &s->st->inst[l];

	if (in->stale)
		return;
	in->stale = 1;
	in->stale_since_ns = now_ns;
	/* A snapshot older than what the book applied would go back. */
	in->skipped_rpt = s->st->books[l].rpt_seq;
	s->st->chan[l % s->st->nb_channels].stale++;
	if (s->cache != NULL)
		tw_cache_mark_stale(s->cache, l);
}

/* Not stale any more: counted (and timed) when a snapshot did it. */
static void
recovered(struct tw_mdp3_sink *s, uint32_t l, bool by_snapshot,
		uint64_t now_ns)
{
	struct tw_mdp3_inst *in = &s->st->inst[l];

	in->stale = 0;
	s->st->chan[l % s->st->nb_channels].stale--;
	if (s->cache != NULL)
		__atomic_store_n(&s->cache->info[l].stale, 0,
			__ATOMIC_RELEASE);
	if (!by_snapshot)
		return;
	s->ctr->mdp3_recovered++;
	if (s->recovery_hist != NULL && now_ns >= in->stale_since_ns)
		tw_hist_record(s->recovery_hist, now_ns - in->stale_since_ns);
}

/*
 * An update entry's RptSeq against its instrument: true when it
 * applies (the book's RptSeq is then rpt).
 */
static bool
rpt_admit(struct tw_mdp3_sink *s, struct tw_mdp3_book *b, uint32_t rpt,
		uint64_t now_ns)
{
	struct tw_mdp3_inst *in = &s->st->inst[b->l];

	if (unlikely(in->stale)) {
		if (rpt > in->skipped_rpt)
			in->skipped_rpt = rpt;
		s->ctr->mdp3_stale_skipped++;
		return false;
	}
	if (likely(rpt == b->rpt_seq + 1)) {
		b->rpt_seq = rpt;
		return true;
	}
	if (rpt <= b->rpt_seq) {
		s->ctr->mdp3_rptseq_old++;
		return false;
	}
	s->ctr->mdp3_rptseq_jumps++;
	s->ctr->mdp3_recoveries++;
	fall_stale(s, b->l, now_ns);
	in->skipped_rpt = rpt;
	return false;
}

/* An entry the book refused: counted, and its instrument stale. */
static void
refused(struct tw_mdp3_sink *s, struct tw_mdp3_book *b,
		enum tw_mdp3_book_verdict v, uint64_t now_ns)
{
	s->ctr->mdp3_refused[v]++;
	s->ctr->mdp3_recoveries++;
	fall_stale(s, b->l, now_ns);
}

static inline void
show(struct tw_mdp3_sink *s, const struct tw_mdp3_book *b, uint64_t seq,
		uint64_t now_ns)
{
	if (s->cache != NULL)
		tw_mdp3_show(s->cache, b, seq, now_ns);
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

/* ---- the incremental feed ---- */

static void
apply_book(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		uint64_t seq, uint32_t channel, uint64_t now_ns)
{
	const struct tw_mdp3_group *g = &m->group[0];
	unsigned int i;

	/* The order group (MBO detail, 8-byte dimension) is not read:
	 * the walk checked it lies inside the message. */
	for (i = 0; i < g->count; i++) {
		struct tw_mdp3_book_entry e;
		struct tw_mdp3_book *b;
		enum tw_mdp3_book_verdict v;

		tw_mdp3_get_book_entry(tw_mdp3_entry(g, i), &e);
		if (e.type == TW_MDP3_IMPLIED_BID ||
		    e.type == TW_MDP3_IMPLIED_OFFER) {
			s->ctr->mdp3_implied_skipped++;
			continue;
		}
		b = update_book(s, e.security_id, channel);
		if (b == NULL || !rpt_admit(s, b, e.rpt_seq, now_ns))
			continue;
		if (e.type == TW_MDP3_BID || e.type == TW_MDP3_OFFER) {
			v = tw_mdp3_book_update(b, e.type == TW_MDP3_BID ?
				TW_MDP3_SIDE_BID : TW_MDP3_SIDE_ASK, e.action,
				e.level, e.px, e.size, e.orders);
		} else if (e.type == TW_MDP3_BOOK_RESET) {
			tw_mdp3_book_clear(b);
			v = TW_MDP3_BOOK_OK;
		} else {
			v = TW_MDP3_BOOK_BAD_ACTION;
		}
		if (unlikely(v != TW_MDP3_BOOK_OK)) {
			refused(s, b, v, now_ns);
			continue;
		}
		s->ctr->book_msgs++;
		show(s, b, seq, now_ns);
	}
}

static void
apply_trades(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		uint64_t seq, uint32_t channel, uint64_t now_ns)
{
	const struct tw_mdp3_group *g = &m->group[0];
	unsigned int i;

	for (i = 0; i < g->count; i++) {
		struct tw_mdp3_trade_entry e;
		struct tw_mdp3_book *b;

		tw_mdp3_get_trade_entry(tw_mdp3_entry(g, i), &e);
		b = update_book(s, e.security_id, channel);
		if (b == NULL || !rpt_admit(s, b, e.rpt_seq, now_ns))
			continue;
		if (unlikely(e.action != TW_MDP3_NEW)) {
			/* A trade corrected or busted: not modelled. */
			refused(s, b, TW_MDP3_BOOK_BAD_ACTION, now_ns);
			continue;
		}
		if (unlikely(e.px == TW_MDP3_PRICE_NULL || e.size <= 0)) {
			refused(s, b, TW_MDP3_BOOK_BAD_FIELD, now_ns);
			continue;
		}
		tw_mdp3_book_trade(b, e.px, e.size);
		s->ctr->trades++;
		show(s, b, seq, now_ns);
	}
}

static void
apply_volume(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		uint64_t seq, uint32_t channel, uint64_t now_ns)
{
	const struct tw_mdp3_group *g = &m->group[0];
	unsigned int i;

	for (i = 0; i < g->count; i++) {
		struct tw_mdp3_volume_entry e;
		struct tw_mdp3_book *b;

		tw_mdp3_get_volume_entry(tw_mdp3_entry(g, i), &e);
		b = update_book(s, e.security_id, channel);
		if (b == NULL || !rpt_admit(s, b, e.rpt_seq, now_ns))
			continue;
		if (unlikely(e.size < 0)) {
			refused(s, b, TW_MDP3_BOOK_BAD_FIELD, now_ns);
			continue;
		}
		tw_mdp3_book_volume(b, (uint64_t)e.size);
		s->ctr->mdp3_volumes++;
		show(s, b, seq, now_ns);
	}
}

/* Every book of the channel emptied; RptSeq starts again at 1. */
static void
apply_reset(struct tw_mdp3_sink *s, uint64_t seq, uint32_t channel,
		uint64_t now_ns)
{
	struct tw_mdp3_rx_state *st = s->st;
	uint32_t l;

	if (st->chan[channel].stale != 0)
		s->ctr->mdp3_reset_in_recovery++;
	for (l = channel; l < st->nb_symbols; l += st->nb_channels) {
		struct tw_mdp3_book *b = &st->books[l];

		if (!b->defined)
			continue;
		/* Emptied is a known state: a stale book is whole again. */
		if (st->inst[l].stale)
			recovered(s, l, false, now_ns);
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
static void
apply_definition(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
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
		apply_book(s, m, seq, channel, now_ns);
		break;
	case TW_MDP3_TRADE_SUMMARY:
		apply_trades(s, m, seq, channel, now_ns);
		break;
	case TW_MDP3_VOLUME:
		apply_volume(s, m, seq, channel, now_ns);
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
		apply_definition(s, m, channel, false, now_ns);
		break;
	default:        /* a snapshot on the incremental feed: not its */
		s->ctr->other_msgs++;
		break;
	}
	return 1;
}

/* ---- the loops ---- */

/*
 * A snapshot (52) of a stale instrument: its book laid down whole at
 * the snapshot's RptSeq (built aside, so a refused level changes
 * nothing), then the incremental feed applies from RptSeq + 1.
 */
static void
apply_snapshot(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		uint32_t channel, uint64_t expected, uint64_t now_ns)
{
	struct tw_mdp3_rx_state *st = s->st;
	const struct tw_mdp3_group *g = &m->group[0];
	struct tw_mdp3_snapshot sn;
	struct tw_mdp3_book nb;
	struct tw_mdp3_inst *in;
	uint32_t l = 0;
	unsigned int i;

	tw_mdp3_get_snapshot(m->root, &sn);
	switch (instrument(st, sn.security_id, channel, &l)) {
	case INST_FOREIGN:
		s->ctr->mdp3_foreign_instrument++;
		return;
	case INST_UNDEFINED:
		s->ctr->mdp3_snap_unknown++;
		return;
	default:
		break;
	}
	in = &st->inst[l];
	if (!in->stale) {
		s->ctr->mdp3_snap_unneeded++;
		return;
	}
	if (expected == 0 || sn.last_msg_seq >= expected) {
		s->ctr->mdp3_snap_future++;
		return;
	}
	if (sn.rpt_seq < in->skipped_rpt) {
		/* Older than an update skipped meanwhile: the next one. */
		s->ctr->mdp3_snap_old++;
		return;
	}
	nb = st->books[l];
	tw_mdp3_book_reset(&nb);
	for (i = 0; i < g->count; i++) {
		struct tw_mdp3_snap_entry e;
		enum tw_mdp3_book_verdict v = TW_MDP3_BOOK_OK;
		unsigned int level;

		tw_mdp3_get_snap_entry(tw_mdp3_entry(g, i), &e);
		level = e.level < 1 ? 0 : (unsigned int)e.level;
		switch (e.type) {
		case TW_MDP3_BID:
		case TW_MDP3_OFFER:
			v = tw_mdp3_book_update(&nb, e.type == TW_MDP3_BID ?
				TW_MDP3_SIDE_BID : TW_MDP3_SIDE_ASK,
				TW_MDP3_NEW, level, e.px, e.size, e.orders);
			break;
		case TW_MDP3_TRADE:
			if (e.px == TW_MDP3_PRICE_NULL || e.size < 0)
				v = TW_MDP3_BOOK_BAD_FIELD;
			nb.last_px = e.px;
			nb.last_qty = e.size;
			break;
		case 'e':       /* the session's volume */
			if (e.size < 0)
				v = TW_MDP3_BOOK_BAD_FIELD;
			tw_mdp3_book_volume(&nb, (uint64_t)e.size);
			break;
		case TW_MDP3_IMPLIED_BID:
		case TW_MDP3_IMPLIED_OFFER:
			s->ctr->mdp3_implied_skipped++;
			break;
		default:        /* statistics (open, high, settle, ...) */
			break;
		}
		if (v != TW_MDP3_BOOK_OK) {
			s->ctr->mdp3_snap_refused++;
			return;
		}
	}
	nb.rpt_seq = sn.rpt_seq;
	st->books[l] = nb;
	recovered(s, l, true, now_ns);
	show(s, &st->books[l], sn.last_msg_seq, now_ns);
}

void
tw_mdp3_apply_loop(struct tw_mdp3_sink *s, const struct tw_mdp3_msg *m,
		enum tw_mdp3_verdict v, uint8_t loop, uint32_t channel,
		uint64_t expected, uint64_t now_ns)
{
	if (v != TW_MDP3_OK) {
		s->ctr->unknown_msgs++;
		return;
	}
	if (loop == TW_RX_LOOP_SNAPSHOT &&
	    m->template_id == TW_MDP3_SNAPSHOT)
		apply_snapshot(s, m, channel, expected, now_ns);
	else if (loop == TW_RX_LOOP_DEFINITION &&
		 m->template_id == TW_MDP3_INSTRUMENT_FUT)
		apply_definition(s, m, channel, true, now_ns);
	else if (m->template_id == TW_MDP3_HEARTBEAT)
		s->ctr->heartbeats++;
	else
		s->ctr->other_msgs++;
}
