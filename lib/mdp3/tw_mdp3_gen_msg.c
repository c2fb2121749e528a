/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MDP 3.0's generated messages, byte by byte through the framer, and
 * what each does to the truth (tw_mdp3_gen.h): the books entry by
 * entry, RptSeq, the truth cache shown after every entry. Owns the
 * messages' layouts as sent (schema 1 version 9, tw_mdp3.h's offsets);
 * never decides what an event is (tw_mdp3_gen.c).
 */
#include <string.h>

#include "tw_mdp3.h"
#include "tw_mdp3_apply.h"
#include "tw_mdp3_gen.h"

#define SBE_HDR 8       /* blockLength, templateId, schemaId, version */
#define DIM 3           /* groupSize */
#define DIM8 8          /* groupSize8Byte */

/* The SBE header; the message zeroed behind it (len: from sbe on). */
static inline uint8_t *
sbe_begin(uint8_t *sbe, uint16_t len, uint16_t template_id,
		uint16_t block_len)
{
	memset(sbe, 0, len);
	tw_mdp3_put16(sbe, block_len);
	tw_mdp3_put16(sbe + 2, template_id);
	tw_mdp3_put16(sbe + 4, TW_MDP3_SCHEMA_ID);
	tw_mdp3_put16(sbe + 6, TW_MDP3_SCHEMA_VERSION);
	return sbe + SBE_HDR;
}

static inline uint8_t *
dim(uint8_t *p, uint16_t block_len, uint8_t count)
{
	tw_mdp3_put16(p, block_len);
	p[2] = count;
	return p + DIM;
}

static inline uint8_t *
dim8(uint8_t *p, uint16_t block_len, uint8_t count)
{
	tw_mdp3_put16(p, block_len);
	p[TW_MDP3_GROUP8_OFF_COUNT] = count;
	return p + DIM8;
}

/* Instrument l's top, last trade and volume into the truth cache, as
 * the receiver writes its cache (only when they changed). */
static inline void
show(struct tw_mdp3_gen_out *o, const struct tw_mdp3_book *b, uint64_t seq)
{
	if (o->e->truth != NULL)
		tw_mdp3_show(o->e->truth, b, seq, o->send_ns);
}

static inline uint8_t *
reserve(struct tw_mdp3_gen_out *o, uint16_t len, uint64_t *seq)
{
	return tw_framer_reserve(o->e->fr, o->ch, len, o->now, seq);
}

/*
 * An event message (46, 48, 37, 4) reserved: its SBE header, its root
 * (TransactTime, MatchEventIndicator mei) of root_len bytes, its group
 * of n entries of entry_len bytes, then, when order_len is not 0, the
 * order group (empty) behind them. The first entry's address for the
 * caller to fill (NULL: no room), the packet's sequence in *seq.
 */
static inline uint8_t *
event_msg(struct tw_mdp3_gen_out *o, uint16_t template_id,
		uint16_t root_len, uint16_t entry_len, unsigned int n,
		uint16_t order_len, uint8_t mei, uint64_t *seq)
{
	uint16_t len = (uint16_t)(SBE_HDR + root_len + DIM + n * entry_len +
		(order_len != 0 ? DIM8 : 0));
	struct tw_mdp3_event ev = { .transact_time = o->send_ns, .mei = mei };
	uint8_t *p = reserve(o, len, seq), *root;

	if (unlikely(p == NULL))
		return NULL;
	root = sbe_begin(p, len, template_id, root_len);
	tw_mdp3_put_event(root, &ev);
	p = dim(root + root_len, entry_len, (uint8_t)n);
	if (order_len != 0)
		dim8(p + n * entry_len, order_len, 0);
	return p;
}

/* An entry of instrument b applied to the truth: its RptSeq, the cache. */
static inline void
entry_done(struct tw_mdp3_gen_out *o, struct tw_mdp3_book *b, uint64_t seq)
{
	b->rpt_seq++;
	show(o, b, seq);
}

void
tw_mdp3_gen_book_msg(struct tw_mdp3_gen_out *o, uint32_t l,
		const struct tw_mdp3_gen_level *lv, unsigned int n, uint8_t mei)
{
	struct tw_mdp3_book *b = &o->g->books[l];
	unsigned int i;
	uint64_t seq;
	uint8_t *p = event_msg(o, TW_MDP3_BOOK, TW_MDP3_EVENT_ROOT,
		TW_MDP3_BOOK_ENTRY, n, TW_MDP3_BOOK_ORDER, mei, &seq);

	if (unlikely(p == NULL))
		return;
	for (i = 0; i < n; i++, p += TW_MDP3_BOOK_ENTRY) {
		bool del = lv[i].action == TW_MDP3_DELETE ||
			lv[i].action == TW_MDP3_DELETE_THRU ||
			lv[i].action == TW_MDP3_DELETE_FROM;
		struct tw_mdp3_book_entry be = {
			.px = lv[i].px,
			.size = lv[i].qty,
			.security_id = b->security_id,
			.rpt_seq = b->rpt_seq + 1,
			.orders = lv[i].orders,
			.level = lv[i].level,
			.action = lv[i].action,
			.type = lv[i].side == TW_MDP3_SIDE_BID ? TW_MDP3_BID :
				TW_MDP3_OFFER,
		};

		if (del) {
			/* What a delete leaves out is null on the wire. */
			be.px = TW_MDP3_PRICE_NULL;
			be.size = TW_MDP3_INT32_NULL;
			be.orders = TW_MDP3_INT32_NULL;
		}
		tw_mdp3_put_book_entry(p, &be);
		if (tw_mdp3_book_update(b, lv[i].side, lv[i].action,
				lv[i].level, lv[i].px, lv[i].qty,
				lv[i].orders) != TW_MDP3_BOOK_OK)
			o->e->ctr->truth_refused++;
		entry_done(o, b, seq);
	}
	o->g->ctr.book_msgs++;
	o->e->ctr->quotes++;
}

void
tw_mdp3_gen_trade_msg(struct tw_mdp3_gen_out *o, uint32_t l,
		const struct tw_mdp3_level *taken, unsigned int n,
		uint8_t aggressor, uint8_t mei)
{
	struct tw_mdp3_book *b = &o->g->books[l];
	unsigned int i;
	uint64_t seq;
	uint8_t *p = event_msg(o, TW_MDP3_TRADE_SUMMARY, TW_MDP3_EVENT_ROOT,
		TW_MDP3_TRADE_ENTRY, n, TW_MDP3_TRADE_ORDER, mei, &seq);

	if (unlikely(p == NULL))
		return;
	for (i = 0; i < n; i++, p += TW_MDP3_TRADE_ENTRY) {
		struct tw_mdp3_trade_entry te = {
			.px = taken[i].px,
			.size = taken[i].qty,
			.security_id = b->security_id,
			.rpt_seq = b->rpt_seq + 1,
			.orders = taken[i].orders,
			.aggressor = aggressor,
			.action = TW_MDP3_NEW,
			.trade_entry_id = ++o->g->trade_id,
		};

		tw_mdp3_put_trade_entry(p, &te);
		tw_mdp3_book_trade(b, te.px, te.size);
		entry_done(o, b, seq);
	}
	o->g->ctr.trade_msgs++;
	o->g->ctr.trade_entries += n;
	o->e->ctr->trades++;
}

void
tw_mdp3_gen_volume_msg(struct tw_mdp3_gen_out *o, uint32_t l, uint8_t mei)
{
	struct tw_mdp3_book *b = &o->g->books[l];
	struct tw_mdp3_volume_entry ve = {
		.size = (int32_t)RTE_MIN(b->volume, (uint64_t)INT32_MAX),
		.security_id = b->security_id,
		.rpt_seq = b->rpt_seq + 1,
		.action = TW_MDP3_NEW,
	};
	uint64_t seq;
	uint8_t *p = event_msg(o, TW_MDP3_VOLUME, TW_MDP3_EVENT_ROOT,
		TW_MDP3_VOLUME_ENTRY, 1, 0, mei, &seq);

	if (unlikely(p == NULL))
		return;
	tw_mdp3_put_volume_entry(p, &ve);
	tw_mdp3_book_volume(b, (uint64_t)ve.size);
	entry_done(o, b, seq);
	o->g->ctr.volume_msgs++;
	o->e->ctr->events++;
}

void
tw_mdp3_gen_status_msg(struct tw_mdp3_gen_out *o, uint32_t l)
{
	uint16_t len = SBE_HDR + TW_MDP3_STATUS_ROOT;
	struct tw_mdp3_status st = {
		.transact_time = o->send_ns,
		.security_id = o->g->books[l].security_id,
		.trade_date = TW_MDP3_DATE_NULL,
		.mei = TW_MDP3_MEI_END_OF_EVENT,
		.trading_status = 17,   /* ReadyToTrade: open */
	};
	uint8_t *p;
	uint64_t seq;

	memcpy(st.security_group, "TW", 2);
	p = reserve(o, len, &seq);
	if (unlikely(p == NULL))
		return;
	tw_mdp3_put_status(sbe_begin(p, len, TW_MDP3_SECURITY_STATUS,
		TW_MDP3_STATUS_ROOT), &st);
	o->g->ctr.status_msgs++;
	o->e->ctr->events++;
}

/* ---- definitions (54) ---- */

uint16_t
tw_mdp3_gen_definition_len(void)
{
	/* root; events 0; feed types 1 ("GBX", the depth); attributes 0;
	 * lot rules 0 */
	return SBE_HDR + TW_MDP3_INST_ROOT + DIM + DIM + TW_MDP3_INST_FEED +
		DIM + DIM;
}

void
tw_mdp3_gen_definition_put(const struct tw_mdp3_gen *g, uint32_t l,
		uint8_t *sbe, uint64_t send_ns)
{
	const struct tw_mdp3_book *b = &g->books[l];
	struct tw_mdp3_instrument in = {
		.mei = TW_MDP3_MEI_END_OF_EVENT,
		.tot_num_reports = (g->p.nb_symbols - l % g->p.nb_channels +
			g->p.nb_channels - 1) / g->p.nb_channels,
		.update_action = 'A',
		.last_update_time = send_ns,
		.trading_status = 17,
		.appl_id = TW_MDP3_APPL_ID,
		.market_segment = (uint8_t)(l % g->p.nb_channels),
		.security_id = b->security_id,
		.maturity_year = 2026,
		.maturity_month = 12,
		.match_algorithm = 'F',
		.min_trade_vol = 1,
		.max_trade_vol = 10000,
		.min_price_increment = g->inst[l].tick,
		.display_factor = tw_mdp3_gen_display(l),
		.trading_ref_price = TW_MDP3_PRICE_NULL,
		.high_limit = TW_MDP3_PRICE_NULL,
		.low_limit = TW_MDP3_PRICE_NULL,
		.max_variation = TW_MDP3_PRICE_NULL,
	};
	struct tw_mdp3_feed_type ft = { .feed = { 'G', 'B', 'X' },
		.depth = (int8_t)g->p.depth };
	char sym[TW_MDP3_SYMBOL_LEN + 1];
	uint8_t *root, *p;

	tw_mdp3_gen_symbol(l, sym, sizeof(sym));
	memcpy(in.symbol, sym, strlen(sym));
	memcpy(in.security_group, in.symbol, 2);
	memcpy(in.asset, in.symbol, 2);
	memcpy(in.security_type, "FUT", 3);
	memcpy(in.currency, "USD", 3);
	root = sbe_begin(sbe, tw_mdp3_gen_definition_len(),
		TW_MDP3_INSTRUMENT_FUT, TW_MDP3_INST_ROOT);
	tw_mdp3_put_instrument(root, &in);
	p = dim(root + TW_MDP3_INST_ROOT, TW_MDP3_INST_EVENT, 0);
	p = dim(p, TW_MDP3_INST_FEED, 1);
	tw_mdp3_put_feed_type(p, &ft);
	p = dim(p + TW_MDP3_INST_FEED, TW_MDP3_INST_ATTRIB, 0);
	dim(p, TW_MDP3_INST_LOT, 0);
}

void
tw_mdp3_gen_definition_msg(struct tw_mdp3_gen_out *o, uint32_t l)
{
	struct tw_mdp3_book *b = &o->g->books[l];
	char sym[TW_MDP3_SYMBOL_LEN + 1], name[TW_TICKER_LEN + 1];
	uint64_t seq;
	uint8_t *p;

	p = reserve(o, tw_mdp3_gen_definition_len(), &seq);
	if (unlikely(p == NULL))
		return;
	tw_mdp3_gen_definition_put(o->g, l, p, o->send_ns);
	tw_mdp3_gen_symbol(l, sym, sizeof(sym));
	tw_mdp3_book_define(b, b->security_id, sym, o->g->inst[l].tick,
		tw_mdp3_gen_display(l));
	if (o->e->truth != NULL) {
		struct tw_directory d = {
			.locate = l,
			.price_decimals = TW_MDP3_CACHE_DECIMALS,
			.send_ns = o->send_ns,
		};

		snprintf(name, sizeof(name), "%.*s", TW_TICKER_LEN, sym);
		tw_ticker_from_str(d.ticker, name);
		if (tw_cache_set_directory(o->e->truth, &d) != 0)
			o->e->ctr->truth_refused++;
	}
	o->g->ctr.definitions++;
	o->e->ctr->directories++;
}

/* ---- ChannelReset (4) ---- */

void
tw_mdp3_gen_reset_msg(struct tw_mdp3_gen_out *o)
{
	struct tw_mdp3_gen *g = o->g;
	uint64_t seq;
	uint32_t l;
	uint8_t *p = event_msg(o, TW_MDP3_CHANNEL_RESET, TW_MDP3_RESET_ROOT,
		TW_MDP3_RESET_ENTRY, 1, 0, TW_MDP3_MEI_END_OF_EVENT, &seq);

	if (unlikely(p == NULL))
		return;
	tw_mdp3_put_reset_entry(p, TW_MDP3_APPL_ID);
	for (l = o->ch; l < g->p.nb_symbols; l += g->p.nb_channels) {
		struct tw_mdp3_book *b = &g->books[l];

		if (!b->defined)
			continue;
		tw_mdp3_book_reset(b);
		show(o, b, seq);
	}
	g->ctr.resets++;
	o->e->ctr->events++;
}

/* ---- snapshots (52) ---- */

/* Entries: the levels of both sides, the last trade and the volume
 * when there are. */
static unsigned int
snap_entries(const struct tw_mdp3_book *b)
{
	return b->n_bid + b->n_ask + (b->last_px != 0) + (b->volume != 0);
}

uint16_t
tw_mdp3_gen_snapshot_len(const struct tw_mdp3_book *b)
{
	return (uint16_t)(SBE_HDR + TW_MDP3_SNAP_ROOT + DIM +
		snap_entries(b) * TW_MDP3_SNAP_ENTRY);
}

void
tw_mdp3_gen_snapshot_put(const struct tw_mdp3_gen *g, uint32_t l,
		uint8_t *sbe, uint32_t last_seq, uint32_t tot, uint64_t send_ns)
{
	const struct tw_mdp3_book *b = &g->books[l];
	struct tw_mdp3_snapshot sn = {
		.last_msg_seq = last_seq,
		.tot_num_reports = tot,
		.security_id = b->security_id,
		.rpt_seq = b->rpt_seq,
		.transact_time = send_ns,
		.last_update_time = send_ns,
		.trade_date = TW_MDP3_DATE_NULL,
		.trading_status = 17,
		.high_limit = TW_MDP3_PRICE_NULL,
		.low_limit = TW_MDP3_PRICE_NULL,
		.max_variation = TW_MDP3_PRICE_NULL,
	};
	uint8_t *root, *p;
	unsigned int s, i;

	root = sbe_begin(sbe, tw_mdp3_gen_snapshot_len(b), TW_MDP3_SNAPSHOT,
		TW_MDP3_SNAP_ROOT);
	tw_mdp3_put_snapshot(root, &sn);
	p = dim(root + TW_MDP3_SNAP_ROOT, TW_MDP3_SNAP_ENTRY,
		(uint8_t)snap_entries(b));
	for (s = 0; s < 2; s++) {
		const struct tw_mdp3_level *lv = tw_mdp3_book_clevels(b, s);

		for (i = 0; i < tw_mdp3_book_count(b, s); i++) {
			struct tw_mdp3_snap_entry e = {
				.px = lv[i].px, .size = lv[i].qty,
				.orders = lv[i].orders,
				.level = (int8_t)(i + 1),
				.ref_date = TW_MDP3_DATE_NULL,
				.open_close = TW_MDP3_UINT8_NULL,
				.type = s == TW_MDP3_SIDE_BID ? TW_MDP3_BID :
					TW_MDP3_OFFER,
			};

			tw_mdp3_put_snap_entry(p, &e);
			p += TW_MDP3_SNAP_ENTRY;
		}
	}
	if (b->last_px != 0) {
		struct tw_mdp3_snap_entry e = {
			.px = b->last_px, .size = b->last_qty,
			.orders = TW_MDP3_INT32_NULL, .level = TW_MDP3_INT8_NULL,
			.ref_date = TW_MDP3_DATE_NULL,
			.open_close = TW_MDP3_UINT8_NULL, .type = TW_MDP3_TRADE,
		};

		tw_mdp3_put_snap_entry(p, &e);
		p += TW_MDP3_SNAP_ENTRY;
	}
	if (b->volume != 0) {
		struct tw_mdp3_snap_entry e = {
			.px = TW_MDP3_PRICE_NULL,
			.size = (int32_t)RTE_MIN(b->volume, (uint64_t)INT32_MAX),
			.orders = TW_MDP3_INT32_NULL, .level = TW_MDP3_INT8_NULL,
			.ref_date = TW_MDP3_DATE_NULL,
			.open_close = TW_MDP3_UINT8_NULL, .type = 'e',
		};

		tw_mdp3_put_snap_entry(p, &e);
	}
}
