/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0's receiver whole: the real L2-L4 layer, MDP 3.0's
 * transport layer and its message layer as the burst composes them
 * (tw_mdp3_rx_frame), over a state of books, fed frames whose payloads
 * lib/mdp3's packet writer wrote. Each update action through the wire
 * into the books and the cache; implied entries and the order group
 * stepped over; trades, volume, status, heartbeats, unknown templates;
 * each bad input under its own reason with the books unchanged (or
 * only the instrument named falling stale); a packet lost on both
 * lines recovered from the snapshot loop, with the updates held
 * meanwhile applied after it; a late join recovered from
 * the definition and snapshot loops; a ChannelReset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_test_rx.h"
#include "tw_mdp3_msg_rx.h"

#define LINE_B_GROUP (TT_GROUP + 0x100)
#define SNAP_GROUP (TT_GROUP + 0x200)
#define DEF_GROUP (TT_GROUP + 0x300)
#define PX(t) ((int64_t)(t) * 250000000LL)     /* ticks of 0.25 */
#define SECID(l) (TW_MDP3_SECID_BASE + (l))
#define NOW 1000000000000ULL

enum feed { INC_A, INC_B, SNAP, DEF };

struct t {
	struct tt_rx rx;
	struct tw_mdp3_rx_state *st;
	void *st_mem;
	struct tw_mdp3_writer w;
	uint8_t pkt[1400];
	uint8_t frame[TT_FRAME_MAX];
	uint32_t rpt[TT_SYMBOLS];       /* the feed's RptSeq per instrument */
	uint64_t now;
};

static int
setup(void **state)
{
	struct t *t = aligned_alloc(64, sizeof(*t));
	size_t size = tw_mdp3_rx_state_memsize(TT_SYMBOLS, TT_CHANNELS);

	assert_non_null(t);
	memset(t, 0, sizeof(*t));
	assert_int_equal(tt_rx_init(&t->rx, 0, TT_SYMBOLS, TW_SIMD_SCALAR), 0);
	t->rx.feed.lines = 2;
	t->rx.feed.group_b = LINE_B_GROUP;
	t->rx.feed.snap_group = SNAP_GROUP;
	t->rx.feed.def_group = DEF_GROUP;
	t->rx.feed.ab_wait_ns = 1000000;        /* 1 ms for line B's copy */
	assert_int_equal(tw_rx_feed_prepare(&t->rx.feed), 0);
	assert_int_equal(tw_mdp3_rx_init(&t->rx.ctx, &t->rx.feed, t->rx.cache,
		t->rx.ch, &t->rx.ctr, TW_SIMD_SCALAR), 0);
	t->st_mem = aligned_alloc(64, size);
	t->st = tw_mdp3_rx_state_init(t->st_mem, TT_SYMBOLS, TT_CHANNELS);
	assert_non_null(t->st);
	t->rx.ctx.proto_state = t->st;
	t->now = NOW;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct t *t = *state;

	tt_rx_fini(&t->rx);
	free(t->st_mem);
	free(t);
	return 0;
}

/* ---- packets by lib/mdp3's writer, frames around them ---- */

static void
begin(struct t *t, uint32_t seq)
{
	tw_mdp3_writer_init(&t->w, t->pkt, sizeof(t->pkt), seq, t->now - 500);
}

/* The packet on channel ch's feed f; the burst's path takes it. */
static void
put(struct t *t, uint16_t ch, enum feed f)
{
	static const uint32_t base[] = { TT_GROUP, LINE_B_GROUP, SNAP_GROUP,
		DEF_GROUP };

	assert_false(t->w.full);
	tw_mdp3_rx_frame(&t->rx.ctx, t->frame, tt_group_frame(t->frame,
		t->pkt, (uint16_t)t->w.len, ch, base[f] + ch), 0, t->now);
	t->now += 1000;
}

static void
add_definition(struct t *t, uint32_t l, const char *sym)
{
	struct tw_mdp3_instrument in = {
		.security_id = SECID(l),
		.min_price_increment = PX(1),
		.display_factor = 1000000000LL,
		.update_action = 'A',
	};
	uint8_t *root = tw_mdp3_msg_begin(&t->w, TW_MDP3_INSTRUMENT_FUT,
		TW_MDP3_INST_ROOT);
	unsigned int g;

	assert_non_null(root);
	memcpy(in.symbol, sym, strlen(sym) < sizeof(in.symbol) ? strlen(sym) :
		sizeof(in.symbol));
	tw_mdp3_put_instrument(root, &in);
	for (g = 0; g < 4; g++) {
		static const uint16_t len[] = { TW_MDP3_INST_EVENT,
			TW_MDP3_INST_FEED, TW_MDP3_INST_ATTRIB,
			TW_MDP3_INST_LOT };

		assert_true(tw_mdp3_group_begin(&t->w, false, len[g]));
	}
	tw_mdp3_msg_end(&t->w);
}

struct lv {
	uint32_t l;
	char type;
	uint8_t action, level;
	int64_t ticks;
	int32_t qty, orders;
	int32_t rpt;            /* 0: the feed's next; else as given */
};

/* A 46 of entries e[0..n) and nord entries in its order group. */
static void
add_book(struct t *t, const struct lv *e, unsigned int n, unsigned int nord)
{
	struct tw_mdp3_event ev = { .transact_time = t->now, .mei = 0x84 };
	uint8_t *root = tw_mdp3_msg_begin(&t->w, TW_MDP3_BOOK,
		TW_MDP3_EVENT_ROOT);
	unsigned int i;

	assert_non_null(root);
	tw_mdp3_put_event(root, &ev);
	assert_true(tw_mdp3_group_begin(&t->w, false, TW_MDP3_BOOK_ENTRY));
	for (i = 0; i < n; i++) {
		struct tw_mdp3_book_entry b = {
			.px = PX(e[i].ticks), .size = e[i].qty,
			.security_id = SECID(e[i].l),
			.rpt_seq = e[i].rpt != 0 ? (uint32_t)e[i].rpt :
				++t->rpt[e[i].l],
			.orders = e[i].orders, .level = e[i].level,
			.action = e[i].action, .type = e[i].type,
		};

		tw_mdp3_put_book_entry(tw_mdp3_entry_add(&t->w), &b);
	}
	assert_true(tw_mdp3_group_begin(&t->w, true, TW_MDP3_BOOK_ORDER));
	for (i = 0; i < nord; i++) {
		struct tw_mdp3_order_entry o = { .order_id = 77 + i,
			.display_qty = 3, .ref_id = 1 };

		tw_mdp3_put_order_entry(tw_mdp3_entry_add(&t->w), &o);
	}
	tw_mdp3_msg_end(&t->w);
}

static void
add_trade(struct t *t, uint32_t l, int64_t ticks, int32_t qty)
{
	struct tw_mdp3_event ev = { .transact_time = t->now };
	struct tw_mdp3_trade_entry e = {
		.px = PX(ticks), .size = qty, .security_id = SECID(l),
		.rpt_seq = ++t->rpt[l], .orders = 2, .aggressor = 1,
		.action = TW_MDP3_NEW,
	};
	uint8_t *root = tw_mdp3_msg_begin(&t->w, TW_MDP3_TRADE_SUMMARY,
		TW_MDP3_EVENT_ROOT);

	tw_mdp3_put_event(root, &ev);
	assert_true(tw_mdp3_group_begin(&t->w, false, TW_MDP3_TRADE_ENTRY));
	tw_mdp3_put_trade_entry(tw_mdp3_entry_add(&t->w), &e);
	assert_true(tw_mdp3_group_begin(&t->w, true, TW_MDP3_TRADE_ORDER));
	tw_mdp3_entry_add(&t->w);
	tw_mdp3_entry_add(&t->w);
	tw_mdp3_msg_end(&t->w);
}

static void
add_volume(struct t *t, uint32_t l, int32_t volume)
{
	struct tw_mdp3_volume_entry e = { .size = volume,
		.security_id = SECID(l), .rpt_seq = ++t->rpt[l] };
	uint8_t *root = tw_mdp3_msg_begin(&t->w, TW_MDP3_VOLUME,
		TW_MDP3_EVENT_ROOT);

	assert_non_null(root);
	assert_true(tw_mdp3_group_begin(&t->w, false, TW_MDP3_VOLUME_ENTRY));
	tw_mdp3_put_volume_entry(tw_mdp3_entry_add(&t->w), &e);
	tw_mdp3_msg_end(&t->w);
}

static void
add_plain(struct t *t, uint16_t tmpl, uint16_t root_len)
{
	assert_non_null(tw_mdp3_msg_begin(&t->w, tmpl, root_len));
	tw_mdp3_msg_end(&t->w);
}

static void
add_reset(struct t *t)
{
	assert_non_null(tw_mdp3_msg_begin(&t->w, TW_MDP3_CHANNEL_RESET,
		TW_MDP3_RESET_ROOT));
	assert_true(tw_mdp3_group_begin(&t->w, false, TW_MDP3_RESET_ENTRY));
	tw_mdp3_put_reset_entry(tw_mdp3_entry_add(&t->w), 310);
	tw_mdp3_msg_end(&t->w);
}

/* A 52 of instrument l: its book b's levels, last trade and volume. */
static void
add_snapshot(struct t *t, uint32_t l, uint32_t last_seq, uint32_t rpt,
		const struct tw_mdp3_book *b)
{
	struct tw_mdp3_snapshot sn = { .last_msg_seq = last_seq,
		.tot_num_reports = 1, .security_id = SECID(l), .rpt_seq = rpt,
		.high_limit = TW_MDP3_PRICE_NULL,
		.low_limit = TW_MDP3_PRICE_NULL,
		.max_variation = TW_MDP3_PRICE_NULL };
	uint8_t *root = tw_mdp3_msg_begin(&t->w, TW_MDP3_SNAPSHOT,
		TW_MDP3_SNAP_ROOT);
	unsigned int s, i;

	tw_mdp3_put_snapshot(root, &sn);
	assert_true(tw_mdp3_group_begin(&t->w, false, TW_MDP3_SNAP_ENTRY));
	for (s = 0; s < 2; s++) {
		const struct tw_mdp3_level *lv = tw_mdp3_book_clevels(b, s);

		for (i = 0; i < tw_mdp3_book_count(b, s); i++) {
			struct tw_mdp3_snap_entry e = { .px = lv[i].px,
				.size = lv[i].qty, .orders = lv[i].orders,
				.level = (int8_t)(i + 1),
				.type = s == 0 ? TW_MDP3_BID : TW_MDP3_OFFER };

			tw_mdp3_put_snap_entry(tw_mdp3_entry_add(&t->w), &e);
		}
	}
	if (b->last_qty != 0) {
		struct tw_mdp3_snap_entry e = { .px = b->last_px,
			.size = b->last_qty, .type = TW_MDP3_TRADE };

		tw_mdp3_put_snap_entry(tw_mdp3_entry_add(&t->w), &e);
	}
	if (b->volume != 0) {
		struct tw_mdp3_snap_entry e = { .px = TW_MDP3_PRICE_NULL,
			.size = (int32_t)b->volume, .type = 'e' };

		tw_mdp3_put_snap_entry(tw_mdp3_entry_add(&t->w), &e);
	}
	tw_mdp3_msg_end(&t->w);
}

static const struct tw_mdp3_book *
book(struct t *t, uint32_t l)
{
	return &t->st->books[l];
}

static const struct tw_cache_entry *
entry(struct t *t, uint32_t l)
{
	return &t->rx.cache->entries[l];
}

static bool
stale(struct t *t, uint32_t l)
{
	return t->rx.cache->info[l].stale != 0;
}

/* Defines instruments ls[0..n) of channel ch on its packet seq 1. */
static void
define(struct t *t, uint16_t ch, const uint32_t *ls, unsigned int n)
{
	char sym[8];
	unsigned int i;

	begin(t, 1);
	for (i = 0; i < n; i++) {
		snprintf(sym, sizeof(sym), "ES%u", ls[i]);
		add_definition(t, ls[i], sym);
	}
	put(t, ch, INC_A);
}

#define BID TW_MDP3_BID
#define ASK TW_MDP3_OFFER

/* ---- the tests ---- */

static void
each_action_through_the_wire(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 1 };
	const struct tw_mdp3_book *b = book(t, 1);

	define(t, 1, ls, 1);
	assert_true(b->defined);
	assert_int_equal(t->rx.ctr.mdp3_definitions, 1);
	assert_memory_equal(t->rx.cache->info[1].ticker, "ES1     ", 8);
	assert_int_equal(t->rx.cache->info[1].price_decimals, 9);
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 1, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 1, BID, TW_MDP3_NEW, 2, 99, 6, 3, 0 },
		{ 1, BID, TW_MDP3_NEW, 3, 98, 7, 1, 0 },
		{ 1, ASK, TW_MDP3_NEW, 1, 101, 8, 4, 0 },
		{ 1, ASK, TW_MDP3_NEW, 2, 102, 9, 1, 0 },
	}, 5, 0);
	put(t, 1, INC_A);
	assert_int_equal(b->n_bid, 3);
	assert_int_equal(b->n_ask, 2);
	assert_int_equal(entry(t, 1)->bid_px, PX(100));
	assert_int_equal(entry(t, 1)->bid_sz, 5);
	assert_int_equal(entry(t, 1)->ask_px, PX(101));
	assert_int_equal(entry(t, 1)->ask_sz, 8);
	assert_int_equal(entry(t, 1)->last_seq, 2);
	/* Change, Overlay, Delete, DeleteFrom, DeleteThru in turn. */
	begin(t, 3);
	add_book(t, (const struct lv[]){
		{ 1, BID, TW_MDP3_CHANGE, 1, 100, 50, 9, 0 },
		{ 1, ASK, TW_MDP3_OVERLAY, 2, 103, 2, 1, 0 },
	}, 2, 0);
	put(t, 1, INC_A);
	assert_int_equal(entry(t, 1)->bid_sz, 50);
	assert_int_equal(b->ask[1].px, PX(103));
	begin(t, 4);
	add_book(t, (const struct lv[]){
		{ 1, BID, TW_MDP3_DELETE, 1, 0, 0, 0, 0 },
	}, 1, 0);
	put(t, 1, INC_A);
	assert_int_equal(b->n_bid, 2);
	assert_int_equal(entry(t, 1)->bid_px, PX(99));
	begin(t, 5);
	add_book(t, (const struct lv[]){
		{ 1, BID, TW_MDP3_DELETE_FROM, 1, 0, 0, 0, 0 },
		{ 1, ASK, TW_MDP3_DELETE_THRU, 0, 0, 0, 0, 0 },
	}, 2, 0);
	put(t, 1, INC_A);
	assert_int_equal(b->n_bid, 1);
	assert_int_equal(b->bid[0].px, PX(98));
	assert_int_equal(b->n_ask, 0);
	assert_int_equal(entry(t, 1)->ask_px, 0);
	assert_int_equal(entry(t, 1)->ask_sz, 0);
	assert_int_equal(b->rpt_seq, 10);
	assert_int_equal(t->rx.ctr.book_msgs, 10);
	assert_int_equal(t->rx.ctr.msgs, 5);
	assert_int_equal(t->rx.ctr.lat_samples, 5);
	assert_false(stale(t, 1));
}

static void
implied_orders_trades_volume_and_the_rest(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 2, 6 };

	define(t, 2, ls, 2);
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 2, 'E', TW_MDP3_NEW, 1, 90, 1, 1, 1 },
		{ 2, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 6, 'F', TW_MDP3_NEW, 1, 190, 1, 1, 1 },
		{ 6, ASK, TW_MDP3_NEW, 1, 201, 5, 2, 0 },
	}, 4, 3);
	add_plain(t, 999, 17);          /* unknown: skipped, counted */
	add_trade(t, 2, 100, 4);
	add_trade(t, 2, 101, 6);
	add_volume(t, 6, 1234);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	add_plain(t, TW_MDP3_SECURITY_STATUS, TW_MDP3_STATUS_ROOT);
	put(t, 2, INC_A);
	assert_int_equal(t->rx.ctr.mdp3_implied_skipped, 2);
	assert_int_equal(t->rx.ctr.unknown_msgs, 1);
	assert_int_equal(t->rx.ctr.heartbeats, 1);
	assert_int_equal(t->rx.ctr.mdp3_status, 1);
	assert_int_equal(t->rx.ctr.trades, 2);
	assert_int_equal(t->rx.ctr.mdp3_volumes, 1);
	assert_int_equal(t->rx.ctr.msgs, 2 + 6);        /* the definitions */
	assert_int_equal(book(t, 2)->bid[0].px, PX(100));
	assert_int_equal(book(t, 6)->ask[0].px, PX(201));
	assert_int_equal(entry(t, 2)->last_px, PX(101));
	assert_int_equal(entry(t, 2)->last_sz, 6);
	assert_int_equal(entry(t, 2)->volume, 10);
	assert_int_equal(entry(t, 6)->volume, 1234);
	assert_int_equal(t->rx.ctr.mdp3_rptseq_jumps, 0);
	assert_int_equal(t->rx.ctr.drops[TW_DROP_BAD_MSG_LEN], 0);
}

/* A packet whose message m (of its one) has its bytes at off patched. */
static void
patched(struct t *t, uint16_t ch, uint32_t seq, size_t off, uint16_t v,
		int reason)
{
	uint64_t before = t->rx.ctr.drops[reason];
	struct tw_mdp3_book *copy = malloc(TT_SYMBOLS * sizeof(*copy));

	assert_non_null(copy);
	memcpy(copy, t->st->books, TT_SYMBOLS * sizeof(*copy));
	begin(t, seq);
	add_book(t, (const struct lv[]){
		{ ch, BID, TW_MDP3_NEW, 1, 10, 1, 1, 1 },
	}, 1, 1);
	tw_mdp3_put16(t->pkt + off, v);
	put(t, ch, INC_A);
	assert_int_equal(t->rx.ctr.drops[reason], before + 1);
	assert_memory_equal(t->st->books, copy,
		TT_SYMBOLS * sizeof(struct tw_mdp3_book));
	assert_int_equal(t->rx.ch[ch].expected, seq);
	free(copy);
}

static void
bad_packets_change_nothing(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 3 };
	const size_t msg = TW_MDP3_PKT_HDR_LEN, grp = msg + 10 + 11;

	define(t, 3, ls, 1);
	/* blockLength under the template's 11 */
	patched(t, 3, 2, msg + TW_MDP3_MSG_OFF_BLOCK, 10,
		TW_DROP_MDP3_BLOCK_SHORT);
	/* entries of 20 bytes, under 32 */
	patched(t, 3, 2, grp, 20, TW_DROP_MDP3_BLOCK_SHORT);
	/* numInGroup 2 with one entry there (the count's byte) */
	patched(t, 3, 2, grp + 2, 0x0002, TW_DROP_MDP3_GROUP_OVER);
	/* MsgSize past the packet */
	patched(t, 3, 2, msg, 500, TW_DROP_BAD_MSG_LEN);
	/* another schema, an older version */
	patched(t, 3, 2, msg + TW_MDP3_MSG_OFF_SCHEMA, 2,
		TW_DROP_MDP3_BAD_SCHEMA);
	patched(t, 3, 2, msg + TW_MDP3_MSG_OFF_VERSION, 8,
		TW_DROP_MDP3_BAD_VERSION);
	/* a later version is read by its block lengths */
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 3, BID, TW_MDP3_NEW, 1, 10, 1, 1, 0 },
	}, 1, 0);
	tw_mdp3_put16(t->pkt + msg + TW_MDP3_MSG_OFF_VERSION, 12);
	put(t, 3, INC_A);
	assert_int_equal(book(t, 3)->n_bid, 1);
	assert_int_equal(t->rx.ctr.pkts_accepted, 2);
}

static void
bad_entries_stale_their_instrument_only(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 1, 5, 9, 13 };
	uint64_t d5, d13;

	define(t, 1, ls, 4);
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 1, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 5, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 9, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 13, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
	}, 4, 0);
	put(t, 1, INC_A);
	d5 = tw_mdp3_book_digest(book(t, 5));
	d13 = tw_mdp3_book_digest(book(t, 13));
	begin(t, 3);
	add_book(t, (const struct lv[]){
		{ 5, BID, TW_MDP3_NEW, 11, 99, 5, 2, 0 },  /* level 11 */
		{ 9, ASK, TW_MDP3_DELETE, 1, 0, 0, 0, 0 }, /* empty */
		{ 13, BID, TW_MDP3_CHANGE, 1, 100, 7, 1, 9 }, /* jump */
		{ 1, BID, TW_MDP3_CHANGE, 1, 100, 6, 2, 0 },  /* fine */
		{ 33, BID, TW_MDP3_NEW, 1, 100, 5, 2, 1 },  /* undefined */
		{ 2, BID, TW_MDP3_NEW, 1, 100, 5, 2, 1 },  /* channel 2's */
	}, 6, 0);
	put(t, 1, INC_A);
	assert_int_equal(t->rx.ctr.mdp3_refused[TW_MDP3_BOOK_BAD_LEVEL], 1);
	assert_int_equal(t->rx.ctr.mdp3_refused[TW_MDP3_BOOK_EMPTY_LEVEL], 1);
	assert_int_equal(t->rx.ctr.mdp3_rptseq_jumps, 1);
	assert_int_equal(t->rx.ctr.mdp3_unknown_instrument, 1);
	assert_int_equal(t->rx.ctr.mdp3_foreign_instrument, 1);
	assert_int_equal(t->rx.ctr.mdp3_recoveries, 3);
	assert_int_equal(tw_mdp3_book_digest(book(t, 5)), d5);
	assert_int_equal(tw_mdp3_book_digest(book(t, 13)), d13);
	assert_true(stale(t, 5) && stale(t, 9) && stale(t, 13));
	assert_false(stale(t, 1));
	assert_int_equal(entry(t, 1)->bid_sz, 6);
	assert_int_equal(t->st->chan[1].stale, 3);
	/* Stale: skipped until a snapshot, the others go on. */
	begin(t, 4);
	add_book(t, (const struct lv[]){
		{ 5, BID, TW_MDP3_CHANGE, 1, 100, 8, 2, 0 },
		{ 1, BID, TW_MDP3_CHANGE, 1, 100, 8, 2, 0 },
	}, 2, 0);
	put(t, 1, INC_A);
	assert_int_equal(t->rx.ctr.mdp3_stale_skipped, 1);
	assert_int_equal(entry(t, 1)->bid_sz, 8);
	assert_int_equal(tw_mdp3_book_digest(book(t, 5)), d5);
}

static void
a_gap_on_both_lines_recovers_from_the_snapshot_loop(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 2, 6 };
	struct tw_mdp3_book truth2, truth6, at2, mid2;
	static struct tw_hist recovery;
	uint32_t r2, r6;

	define(t, 2, ls, 2);
	tw_hist_init(&recovery);
	t->rx.ctx.fill_hist = &recovery;
	/* Snapshots while nothing is stale cost a header. */
	begin(t, 1);
	add_snapshot(t, 2, 1, 0, book(t, 2));
	put(t, 2, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_loop_idle, 1);
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 2, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 6, ASK, TW_MDP3_NEW, 1, 300, 5, 2, 0 },
	}, 2, 0);
	put(t, 2, INC_B);      /* line B alone: no gap */
	assert_int_equal(t->rx.ctr.line_pkts[1], 1);
	/* Packet 3 lost on both lines: the truth moves on without us. */
	at2 = *book(t, 2);
	truth2 = *book(t, 2);
	truth6 = *book(t, 6);
	tw_mdp3_book_update(&truth2, TW_MDP3_SIDE_BID, TW_MDP3_NEW, 1,
		PX(101), 1, 1);
	tw_mdp3_book_trade(&truth6, PX(299), 3);
	r2 = t->rpt[2] += 1;
	r6 = t->rpt[6] += 1;
	mid2 = truth2;          /* instrument 2 at packet 3, RptSeq r2 */
	begin(t, 4);
	add_book(t, (const struct lv[]){
		{ 2, BID, TW_MDP3_CHANGE, 2, 100, 9, 2, 0 },
	}, 1, 0);
	put(t, 2, INC_A);
	assert_int_equal(t->rx.ch[2].ctr.gaps, 1);
	/* Line B may still bring it: 2 jumped, it waits, holding. */
	assert_int_equal(t->rx.ctr.mdp3_waits, 1);
	assert_int_equal(t->rx.ctr.mdp3_recoveries, 0);
	assert_true(stale(t, 2));
	assert_false(stale(t, 6));
	assert_int_equal(t->rx.ctr.mdp3_held, 1);
	tw_mdp3_book_update(&truth2, TW_MDP3_SIDE_BID, TW_MDP3_CHANGE, 2,
		PX(100), 9, 2);
	/* Past [recovery] ab_wait: lost on both, the next frame says. A
	 * snapshot from the future (packet 4 is the last we saw). */
	t->now += 2000000;
	begin(t, 1);
	add_snapshot(t, 2, 5, t->rpt[2], &truth2);
	put(t, 2, SNAP);
	assert_int_equal(t->rx.ch[2].ctr.gaps_unrecovered, 1);
	assert_int_equal(t->rx.ctr.mdp3_recoveries, 1);
	assert_true(stale(t, 2) && stale(t, 6));
	assert_int_equal(t->rx.ctr.mdp3_snap_future, 1);
	/* One from before the lost packet: what was held cannot bring it
	 * up to the update skipped (packet 3's is missing). */
	begin(t, 1);
	add_snapshot(t, 2, 2, r2 - 1, &at2);
	put(t, 2, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_snap_old, 1);
	assert_true(stale(t, 2));
	/* The cycle: both instruments, and one of another channel; 2's
	 * snapshot is of packet 3, the held update of packet 4 follows. */
	begin(t, 2);
	add_snapshot(t, 2, 3, r2, &mid2);
	add_snapshot(t, 6, 4, r6, &truth6);
	add_snapshot(t, 1, 4, 1, &truth6);
	put(t, 2, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_replayed, 1);
	r2 = t->rpt[2];
	assert_int_equal(t->rx.ctr.mdp3_foreign_instrument, 1);
	assert_int_equal(t->rx.ctr.mdp3_recovered, 2);
	/* 2 stale since packet 4 (2 ms and three frames), 6 since the
	 * loss was known (two frames). */
	assert_int_equal(recovery.count, 2);
	assert_int_equal(recovery.min, 2000);
	assert_int_equal(recovery.max, 2003000);
	assert_false(stale(t, 2) || stale(t, 6));
	assert_int_equal(t->st->chan[2].stale, 0);
	assert_int_equal(tw_mdp3_book_digest(book(t, 2)),
		tw_mdp3_book_digest(&truth2));
	assert_int_equal(tw_mdp3_book_digest(book(t, 6)),
		tw_mdp3_book_digest(&truth6));
	assert_int_equal(entry(t, 6)->last_px, PX(299));
	assert_int_equal(entry(t, 6)->volume, 3);
	assert_int_equal(entry(t, 2)->bid_px, PX(101));
	/* What follows applies; an update the snapshot held is old. */
	begin(t, 5);
	add_book(t, (const struct lv[]){
		{ 2, BID, TW_MDP3_DELETE, 1, 0, 0, 0, (int32_t)r2 },
		{ 6, ASK, TW_MDP3_CHANGE, 1, 300, 1, 1, 0 },
	}, 2, 0);
	put(t, 2, INC_A);
	assert_int_equal(t->rx.ctr.mdp3_rptseq_old, 1);
	assert_int_equal(entry(t, 6)->ask_sz, 1);
	assert_int_equal(book(t, 2)->n_bid, 2);
	/* Out of recovery, the loop is idle again. */
	begin(t, 3);
	add_snapshot(t, 2, 4, r2, &truth2);
	put(t, 2, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_loop_idle, 2);
}

/* The held entries are bounded: past it the oldest go, and a snapshot
 * older than what is still held waits for a newer one. */
static void
held_entries_are_bounded(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 1 };
	const unsigned int per = 40, max = t->st->held_max;
	const unsigned int pkts = (max + 200) / per, total = pkts * per;
	struct tw_mdp3_book truth;
	unsigned int p, i, lost;
	uint32_t first_kept;

	define(t, 1, ls, 1);
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 1, BID, TW_MDP3_NEW, 1, 100, 1, 1, 0 },
	}, 1, 0);
	put(t, 1, INC_A);
	truth = *book(t, 1);
	/* Packet 3 lost (instrument 1's RptSeq 2), then packets of 40
	 * changes each, held: more than the channel keeps. */
	tw_mdp3_book_update(&truth, TW_MDP3_SIDE_BID, TW_MDP3_CHANGE, 1,
		PX(100), 2, 1);
	t->rpt[1]++;
	for (p = 0; p < pkts; p++) {
		struct lv e[40];

		for (i = 0; i < per; i++)
			e[i] = (struct lv){ 1, BID, TW_MDP3_CHANGE, 1, 100,
				(int32_t)(3 + p * per + i), 1, 0 };
		begin(t, 4 + p);
		add_book(t, e, per, 0);
		put(t, 1, INC_A);
	}
	lost = total - max;
	assert_int_equal(t->rx.ctr.mdp3_held, total);
	assert_int_equal(t->rx.ctr.mdp3_held_lost, lost);
	assert_int_equal(t->rx.ctr.mdp3_waits, 1);
	/* Line B never brings packet 3: lost once ab_wait is past. The
	 * snapshot of packet 3 would need entries no longer held. */
	t->now += 2000000;
	begin(t, 1);
	add_snapshot(t, 1, 3, 2, &truth);
	put(t, 1, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_snap_old, 1);
	assert_true(stale(t, 1));
	/* One just before the oldest still held: those after it apply. */
	first_kept = 3 + lost;          /* RptSeq of the oldest kept */
	truth.bid[0].qty = (int32_t)first_kept;
	begin(t, 2);
	add_snapshot(t, 1, 4, first_kept - 1, &truth);
	put(t, 1, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_replayed, max);
	assert_false(stale(t, 1));
	assert_int_equal(book(t, 1)->rpt_seq, t->rpt[1]);
	assert_int_equal(book(t, 1)->bid[0].qty, 3 + total - 1);
	assert_int_equal(entry(t, 1)->bid_sz, 3 + total - 1);
	assert_int_equal(t->st->inst[1].held_head, 0);
}

/* A packet missing on line A comes on line B after A's next: whoever
 * jumped meanwhile waits for it and catches up, no snapshot needed; a
 * ChannelReset that comes late that way leaves the channel stale; one
 * line B goes past too is lost at once. */
static void
line_b_covers_what_line_a_missed(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 3, 7 };
	struct tw_mdp3_book truth3;
	uint8_t p3[sizeof(t->pkt)];
	size_t len3;

	define(t, 3, ls, 2);
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 3, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 7, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
	}, 2, 0);
	put(t, 3, INC_A);
	/* Packet 3 (3's RptSeq 2) goes on line B only, late. */
	begin(t, 3);
	add_book(t, (const struct lv[]){
		{ 3, BID, TW_MDP3_CHANGE, 1, 100, 6, 2, 0 },
	}, 1, 0);
	memcpy(p3, t->pkt, t->w.len);
	len3 = t->w.len;
	begin(t, 4);
	add_book(t, (const struct lv[]){
		{ 3, BID, TW_MDP3_NEW, 1, 101, 1, 1, 0 },
		{ 7, BID, TW_MDP3_CHANGE, 1, 100, 9, 2, 0 },
	}, 2, 0);
	put(t, 3, INC_A);
	assert_int_equal(t->rx.ctr.mdp3_waits, 1);
	assert_true(stale(t, 3));
	assert_false(stale(t, 7));
	assert_int_equal(entry(t, 7)->bid_sz, 9);
	assert_int_equal(entry(t, 3)->bid_px, PX(100));
	memcpy(t->pkt, p3, len3);
	t->w.len = len3;
	put(t, 3, INC_B);
	tw_mdp3_book_init(&truth3, 3);
	tw_mdp3_book_update(&truth3, TW_MDP3_SIDE_BID, TW_MDP3_NEW, 1,
		PX(100), 6, 2);
	tw_mdp3_book_update(&truth3, TW_MDP3_SIDE_BID, TW_MDP3_NEW, 1,
		PX(101), 1, 1);
	assert_int_equal(t->rx.ctr.mdp3_waits_covered, 1);
	assert_int_equal(t->rx.ctr.mdp3_replayed, 1);
	assert_int_equal(t->rx.ch[3].ctr.gaps_covered, 1);
	assert_int_equal(t->rx.ctr.mdp3_recoveries, 0);
	assert_false(stale(t, 3));
	assert_int_equal(tw_mdp3_book_digest(book(t, 3)),
		tw_mdp3_book_digest(&truth3));
	assert_int_equal(entry(t, 3)->bid_px, PX(101));
	assert_int_equal(t->st->chan[3].n_gaps, 0);
	assert_int_equal(t->st->inst[3].held_head, 0);
	/* Packet 4 again on B: a duplicate. */
	begin(t, 4);
	add_book(t, (const struct lv[]){
		{ 7, BID, TW_MDP3_CHANGE, 1, 100, 9, 2, 2 },
	}, 1, 0);
	put(t, 3, INC_B);
	assert_int_equal(t->rx.ctr.line_dups[1], 1);
	/* Packet 5, a ChannelReset, only on B after A's 6. */
	begin(t, 5);
	add_reset(t);
	memcpy(p3, t->pkt, t->w.len);
	len3 = t->w.len;
	begin(t, 6);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 3, INC_A);
	memcpy(t->pkt, p3, len3);
	t->w.len = len3;
	put(t, 3, INC_B);
	assert_int_equal(t->rx.ctr.mdp3_fill_resets, 1);
	assert_true(stale(t, 3) && stale(t, 7));
	assert_int_equal(t->rx.ctr.mdp3_resets, 0);
	/* Packet 7 lost on both: once line B too brings 8, no time to
	 * wait, it is lost. */
	begin(t, 8);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 3, INC_A);
	assert_int_equal(t->st->chan[3].n_gaps, 1);
	assert_int_equal(t->rx.ch[3].ctr.gaps_unrecovered, 0);
	put(t, 3, INC_B);
	assert_int_equal(t->st->chan[3].n_gaps, 0);
	assert_int_equal(t->rx.ch[3].ctr.gaps_unrecovered, 1);
}

static void
a_late_join_from_both_loops(void **state)
{
	struct t *t = *state;
	struct tw_mdp3_book truth;

	/* The feed has run: instrument 3's book is somewhere. */
	tw_mdp3_book_init(&truth, 3);
	tw_mdp3_book_update(&truth, TW_MDP3_SIDE_BID, TW_MDP3_NEW, 1,
		PX(50), 4, 1);
	tw_mdp3_book_update(&truth, TW_MDP3_SIDE_ASK, TW_MDP3_NEW, 1,
		PX(52), 4, 1);
	t->rpt[3] = 40;
	/* A snapshot before anything of the incremental feed is heard
	 * cannot be placed; nor one of an instrument not defined. */
	begin(t, 1);
	add_definition(t, 3, "ESZ6");
	put(t, 3, DEF);
	assert_true(stale(t, 3));
	begin(t, 1);
	add_snapshot(t, 3, 700, 40, &truth);
	add_snapshot(t, 7, 700, 40, &truth);
	put(t, 3, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_snap_future, 1);
	assert_int_equal(t->rx.ctr.mdp3_snap_unknown, 1);
	/* The first incremental packet, far into the session. */
	begin(t, 701);
	add_book(t, (const struct lv[]){
		{ 3, BID, TW_MDP3_CHANGE, 1, 50, 6, 2, 0 },
	}, 1, 0);
	put(t, 3, INC_A);
	assert_int_equal(t->rx.ch[3].ctr.late_joins, 1);
	assert_int_equal(t->rx.ch[3].ctr.gaps, 0);
	assert_int_equal(t->rx.ctr.mdp3_stale_skipped, 1);
	tw_mdp3_book_update(&truth, TW_MDP3_SIDE_BID, TW_MDP3_CHANGE, 1,
		PX(50), 6, 2);
	begin(t, 2);
	add_snapshot(t, 3, 701, t->rpt[3], &truth);
	put(t, 3, SNAP);
	assert_int_equal(t->rx.ctr.mdp3_recovered, 1);
	assert_false(stale(t, 3));
	assert_int_equal(tw_mdp3_book_digest(book(t, 3)),
		tw_mdp3_book_digest(&truth));
	assert_int_equal(entry(t, 3)->bid_sz, 6);
	/* The definition again (the loop cycles): nothing new. */
	begin(t, 2);
	add_definition(t, 3, "ESZ6");
	put(t, 3, DEF);
	assert_int_equal(t->rx.ctr.mdp3_def_repeated, 1);
	assert_false(stale(t, 3));
	begin(t, 702);
	add_book(t, (const struct lv[]){
		{ 3, ASK, TW_MDP3_NEW, 1, 51, 1, 1, 0 },
	}, 1, 0);
	put(t, 3, INC_A);
	assert_int_equal(entry(t, 3)->ask_px, PX(51));
}

/* Every drop counted so far. */
static uint64_t
drops(const struct t *t)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < TW_DROP_MAX; i++)
		n += t->rx.ctr.drops[i];
	return n;
}

/*
 * A channel never heard takes its first packet however far ahead (a
 * late join, no drop); until another continues it, a packet more than
 * [rx] max_gap behind it is the feed and replaces it, so a lone packet
 * far in the future cannot hold a late joiner's channel.
 */
static void
a_late_joiner_takes_the_feeds_sequence(void **state)
{
	struct t *t = *state;
	uint32_t far = 1000000, forged = 3000000000u;

	assert_true(far - 1 > t->rx.feed.max_gap);
	begin(t, far);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 2, INC_A);
	assert_int_equal(drops(t), 0);
	assert_int_equal(t->rx.ch[2].ctr.late_joins, 1);
	assert_int_equal(t->rx.ch[2].ctr.msgs_before_join, far - 1);
	assert_int_equal(t->rx.ch[2].ctr.gaps, 0);
	assert_int_equal(t->rx.ch[2].expected, far + 1);
	/* Line B's copy, then the next: in order, the join holds. */
	put(t, 2, INC_B);
	begin(t, far + 1);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 2, INC_A);
	assert_int_equal(drops(t), 0);
	assert_int_equal(t->rx.ch[2].expected, far + 2);
	/* Held now: one far behind is old, not a new join. */
	begin(t, 5);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 2, INC_A);
	assert_int_equal(t->rx.ch[2].expected, far + 2);

	/* Channel 1: a forged first packet far in the future, then the
	 * feed's: the feed's is the join. */
	begin(t, forged);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 1, INC_A);
	assert_int_equal(t->rx.ch[1].expected, (uint64_t)forged + 1);
	begin(t, far);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 1, INC_A);
	assert_int_equal(drops(t), 0);
	assert_int_equal(t->rx.ch[1].expected, far + 1);
	assert_int_equal(t->rx.ch[1].ctr.late_joins, 1);
	assert_int_equal(t->rx.ch[1].ctr.msgs_before_join, far - 1);
	begin(t, far + 1);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 1, INC_A);
	assert_int_equal(t->rx.ch[1].expected, far + 2);
	/* The forged one's next: far ahead of the feed, dropped. */
	begin(t, forged + 1);
	add_plain(t, TW_MDP3_HEARTBEAT, 0);
	put(t, 1, INC_A);
	assert_int_equal(t->rx.ctr.drops[TW_DROP_SEQ_FAR], 1);
	assert_int_equal(t->rx.ch[1].expected, far + 2);
}

static void
channel_reset_empties_and_restarts(void **state)
{
	struct t *t = *state;
	const uint32_t ls[] = { 0, 4, 8 };

	define(t, 0, ls, 3);
	begin(t, 2);
	add_book(t, (const struct lv[]){
		{ 0, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 4, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
		{ 8, BID, TW_MDP3_NEW, 1, 100, 5, 2, 0 },
	}, 3, 0);
	add_trade(t, 0, 100, 2);
	put(t, 0, INC_A);
	/* 8 falls stale: the reset comes mid-recovery. */
	begin(t, 3);
	add_book(t, (const struct lv[]){
		{ 8, BID, TW_MDP3_NEW, 1, 100, 5, 2, 99 },
	}, 1, 0);
	put(t, 0, INC_A);
	assert_true(stale(t, 8));
	begin(t, 4);
	add_reset(t);
	put(t, 0, INC_A);
	assert_int_equal(t->rx.ctr.mdp3_resets, 1);
	assert_int_equal(t->rx.ctr.mdp3_reset_in_recovery, 1);
	assert_false(stale(t, 8));
	assert_int_equal(t->st->chan[0].stale, 0);
	assert_int_equal(book(t, 0)->n_bid, 0);
	assert_int_equal(entry(t, 0)->bid_px, 0);
	assert_int_equal(entry(t, 0)->volume, 0);
	assert_true(book(t, 0)->defined);
	/* Rebuilt from RptSeq 1. */
	memset(t->rpt, 0, sizeof(t->rpt));
	begin(t, 5);
	add_book(t, (const struct lv[]){
		{ 0, ASK, TW_MDP3_NEW, 1, 110, 5, 2, 0 },
		{ 8, ASK, TW_MDP3_NEW, 1, 110, 5, 2, 0 },
	}, 2, 0);
	put(t, 0, INC_A);
	assert_int_equal(entry(t, 0)->ask_px, PX(110));
	assert_int_equal(entry(t, 8)->ask_px, PX(110));
	assert_int_equal(t->rx.ctr.mdp3_rptseq_jumps, 1);
}

static void
definitions_refused_and_counted(void **state)
{
	struct t *t = *state;

	begin(t, 1);
	add_definition(t, TT_SYMBOLS + 4, "OUT");       /* outside */
	add_definition(t, 5, "ESX");                    /* channel 1's */
	add_definition(t, 4, "BAD,");                   /* cache refuses */
	add_definition(t, 8, "ESZ6");
	add_definition(t, 12, "ESZ6");                  /* ticker taken */
	put(t, 0, INC_A);
	assert_int_equal(t->rx.ctr.mdp3_def_outside, 1);
	assert_int_equal(t->rx.ctr.mdp3_foreign_instrument, 1);
	assert_int_equal(t->rx.ctr.mdp3_def_refused, 2);
	assert_int_equal(t->rx.ctr.mdp3_definitions, 1);
	assert_false(book(t, 4)->defined);
	assert_true(book(t, 8)->defined);
	assert_false(book(t, 12)->defined);
	assert_false(stale(t, 8));      /* the incremental feed's: live */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_action_through_the_wire,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			implied_orders_trades_volume_and_the_rest, setup,
			teardown),
		cmocka_unit_test_setup_teardown(bad_packets_change_nothing,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			bad_entries_stale_their_instrument_only, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_gap_on_both_lines_recovers_from_the_snapshot_loop,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			line_b_covers_what_line_a_missed, setup, teardown),
		cmocka_unit_test_setup_teardown(held_entries_are_bounded,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_late_joiner_takes_the_feeds_sequence, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_late_join_from_both_loops,
			setup, teardown),
		cmocka_unit_test_setup_teardown(
			channel_reset_empties_and_restarts, setup, teardown),
		cmocka_unit_test_setup_teardown(
			definitions_refused_and_counted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
