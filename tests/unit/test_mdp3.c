/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * CME MDP 3.0 wire format (lib/mdp3, schema 1 version 9): a packet
 * assembled by hand byte by byte from the schema's offsets (written
 * out here as numbers, never the library's macros) decoded to its
 * fields; every message written and read back; PRICE9 and the null
 * values; root blocks and group entries longer than the fields known
 * (a later schema) read and stepped over by their blockLength; unknown
 * templates skipped with the next message read; and every truncation
 * of a packet, and of each message inside a sound packet, given a
 * verdict (the truncated bytes copied to a buffer of exactly their
 * length, so a sanitizer build sees any read past them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tw_mdp3.h"

/* ---- a packet by hand ---- */

static const uint8_t hand_book[] = {
	/* packet header: MsgSeqNum 0x01020304, SendingTime */
	0x04, 0x03, 0x02, 0x01,
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
	/* MsgSize 120 = 10 + 11 + 3 + 2 * 32 + 8 + 24 */
	0x78, 0x00,
	/* blockLength 11, templateId 46, schemaId 1, version 9 */
	0x0b, 0x00, 0x2e, 0x00, 0x01, 0x00, 0x09, 0x00,
	/* TransactTime, MatchEventIndicator 0x84, 2 bytes of padding */
	0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
	0x84, 0x00, 0x00,
	/* NoMDEntries: groupSize blockLength 32, numInGroup 2 */
	0x20, 0x00, 0x02,
	/* entry 0: px 4512.25 (4512250000000e-9), size 17, SecurityID
	 * 123456, RptSeq 1000, orders 5, level 1, New, Bid, 5 pad */
	0x80, 0xf2, 0x0e, 0x97, 0x1a, 0x04, 0x00, 0x00,
	0x11, 0x00, 0x00, 0x00,
	0x40, 0xe2, 0x01, 0x00,
	0xe8, 0x03, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x30,
	0x00, 0x00, 0x00, 0x00, 0x00,
	/* entry 1: px null, size null, 123456, RptSeq 1001, orders null,
	 * level 3, DeleteFrom, Offer */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
	0xff, 0xff, 0xff, 0x7f,
	0x40, 0xe2, 0x01, 0x00,
	0xe9, 0x03, 0x00, 0x00,
	0xff, 0xff, 0xff, 0x7f,
	0x03, 0x04, 0x31,
	0x00, 0x00, 0x00, 0x00, 0x00,
	/* NoOrderIDEntries: groupSize8Byte blockLength 24, 5 pad, count 1 */
	0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	/* OrderID, MDOrderPriority null, MDDisplayQty 7, ReferenceID 1,
	 * OrderUpdateAction New, 2 pad */
	0x11, 0x10, 0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x07, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00,
};

static void
hand_assembled_book_decodes(void **state)
{
	struct tw_mdp3_walk w;
	struct tw_mdp3_msg m;
	struct tw_mdp3_event ev;
	struct tw_mdp3_book_entry b;
	struct tw_mdp3_order_entry o;
	int64_t px;

	assert_int_equal(sizeof(hand_book), 12 + 120);
	assert_int_equal(tw_mdp3_walk_init(&w, hand_book, sizeof(hand_book)),
		TW_MDP3_OK);
	assert_int_equal(w.seq, 0x01020304);
	assert_true(w.sending_time == 0x1122334455667788ull);
	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	assert_int_equal(m.size, 120);
	assert_int_equal(m.template_id, TW_MDP3_BOOK);
	assert_int_equal(m.schema_id, 1);
	assert_int_equal(m.version, 9);
	assert_int_equal(m.block_len, 11);
	assert_int_equal(m.n_groups, 2);
	tw_mdp3_get_event(m.root, &ev);
	assert_true(ev.transact_time == 0x0102030405060708ull);
	assert_int_equal(ev.mei, TW_MDP3_MEI_END_OF_EVENT |
		TW_MDP3_MEI_LAST_QUOTE);

	assert_int_equal(m.group[0].count, 2);
	assert_int_equal(m.group[0].block_len, 32);
	tw_mdp3_get_book_entry(tw_mdp3_entry(&m.group[0], 0), &b);
	assert_true(b.px == 4512250000000ll);
	assert_true(tw_mdp3_price9_rescale(b.px, 2, &px));
	assert_true(px == 451225);
	assert_int_equal(b.size, 17);
	assert_int_equal(b.security_id, 123456);
	assert_int_equal(b.rpt_seq, 1000);
	assert_int_equal(b.orders, 5);
	assert_int_equal(b.level, 1);
	assert_int_equal(b.action, TW_MDP3_NEW);
	assert_int_equal(b.type, TW_MDP3_BID);
	tw_mdp3_get_book_entry(tw_mdp3_entry(&m.group[0], 1), &b);
	assert_true(b.px == TW_MDP3_PRICE_NULL);
	assert_false(tw_mdp3_price9_rescale(b.px, 2, &px));
	assert_int_equal(b.size, TW_MDP3_INT32_NULL);
	assert_int_equal(b.rpt_seq, 1001);
	assert_int_equal(b.orders, TW_MDP3_INT32_NULL);
	assert_int_equal(b.level, 3);
	assert_int_equal(b.action, TW_MDP3_DELETE_FROM);
	assert_int_equal(b.type, TW_MDP3_OFFER);

	assert_int_equal(m.group[1].count, 1);
	assert_int_equal(m.group[1].block_len, 24);
	tw_mdp3_get_order_entry(tw_mdp3_entry(&m.group[1], 0), &o);
	assert_true(o.order_id == 0x0a0b0c0d0e0f1011ull);
	assert_true(o.priority == TW_MDP3_UINT64_NULL);
	assert_int_equal(o.display_qty, 7);
	assert_int_equal(o.ref_id, 1);
	assert_int_equal(o.action, 0);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_END);
	assert_int_equal(w.known, 1);
	assert_int_equal(w.unknown + w.bad, 0);
}

/* v little-endian in n bytes at p: the tests' own writer. */
static void
le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* An SBE message header at p (MsgSize, blockLength, template, 1, 9). */
static void
msg_hdr(uint8_t *p, uint16_t size, uint16_t block, uint16_t tid)
{
	le(p, size, 2);
	le(p + 2, block, 2);
	le(p + 4, tid, 2);
	le(p + 6, 1, 2);
	le(p + 8, 9, 2);
}

/*
 * The other templates, by hand: each field written at the schema's
 * offset as a number, read back through the library.
 */
static void
hand_assembled_others_decode(void **state)
{
	uint8_t pkt[1024];
	uint8_t *p = pkt + 12, *r;
	struct tw_mdp3_walk w;
	struct tw_mdp3_msg m;
	struct tw_mdp3_status st;
	struct tw_mdp3_volume_entry vo;
	struct tw_mdp3_trade_entry tr;
	struct tw_mdp3_trade_order to;
	struct tw_mdp3_snapshot sn;
	struct tw_mdp3_snap_entry se;
	struct tw_mdp3_instrument in;
	struct tw_mdp3_inst_event ie;
	struct tw_mdp3_feed_type ft;
	struct tw_mdp3_lot_rule lr;
	size_t len;

	memset(pkt, 0, sizeof(pkt));
	le(pkt, 7, 4);
	/* ChannelReset 4: root 9, one entry ApplID 310 */
	msg_hdr(p, 10 + 9 + 3 + 2, 9, 4);
	le(p + 10, 99, 8);
	p[18] = 0x80;
	le(p + 19, 2, 2);
	p[21] = 1;
	le(p + 22, 310, 2);
	p += 24;
	/* SecurityStatus 30 */
	msg_hdr(p, 40, 30, 30);
	r = p + 10;
	le(r, 5000, 8);
	memcpy(r + 8, "ES    ", 6);
	memcpy(r + 14, "ES    ", 6);
	le(r + 20, 0x7fffffff, 4);
	le(r + 24, 19700, 2);
	r[26] = 0x80;
	r[27] = 17;
	r[28] = 0;
	r[29] = 4;
	p += 40;
	/* Volume 37: one entry of 16 */
	msg_hdr(p, 10 + 11 + 3 + 16, 11, 37);
	r = p + 10;
	le(r + 11, 16, 2);
	r[13] = 1;
	le(r + 14, 250000, 4);
	le(r + 18, 42, 4);
	le(r + 22, 77, 4);
	r[26] = 1;
	p += 40;
	/* TradeSummary 48: one entry of 32, one order of 16 */
	msg_hdr(p, 10 + 11 + 3 + 32 + 8 + 16, 11, 48);
	r = p + 10;
	le(r + 11, 32, 2);
	r[13] = 1;
	r += 14;
	le(r, 4512500000000ull, 8);
	le(r + 8, 3, 4);
	le(r + 12, 42, 4);
	le(r + 16, 78, 4);
	le(r + 20, 2, 4);
	r[24] = 2;
	r[25] = 0;
	le(r + 26, 0xffffffff, 4);
	r += 32;
	le(r, 16, 2);
	r[7] = 1;
	le(r + 8, 555, 8);
	le(r + 16, 3, 4);
	p += 80;
	/* SnapshotFullRefresh 52: root 59, one entry of 22 */
	msg_hdr(p, 10 + 59 + 3 + 22, 59, 52);
	r = p + 10;
	le(r, 900, 4);
	le(r + 4, 12, 4);
	le(r + 8, 42, 4);
	le(r + 12, 76, 4);
	le(r + 16, 6000, 8);
	le(r + 24, 5000, 8);
	le(r + 32, 19700, 2);
	r[34] = 17;
	le(r + 35, 4600000000000ull, 8);
	le(r + 43, 4400000000000ull, 8);
	le(r + 51, 0x7fffffffffffffffull, 8);
	le(r + 59, 22, 2);
	r[61] = 1;
	r += 62;
	le(r, 4512250000000ull, 8);
	le(r + 8, 40, 4);
	le(r + 12, 6, 4);
	r[16] = 1;
	le(r + 17, 0xffff, 2);
	r[19] = 0xff;
	r[20] = 0;
	r[21] = '1';
	p += 94;
	/* MDInstrumentDefinitionFuture 54: root 216, then 4 groups */
	len = 10 + 216 + 3 + 9 + 3 + 2 * 4 + 3 + 4 + 3 + 5;
	msg_hdr(p, (uint16_t)len, 216, 54);
	r = p + 10;
	r[0] = 0x80;
	le(r + 1, 1, 4);
	r[5] = 'A';
	le(r + 6, 5000, 8);
	r[14] = 17;
	le(r + 15, 310, 2);
	r[17] = 64;
	memcpy(r + 23, "ES    ", 6);
	memcpy(r + 29, "ES    ", 6);
	memcpy(r + 35, "ESZ6                ", 20);
	le(r + 55, 42, 4);
	memcpy(r + 59, "FUT   ", 6);
	le(r + 71, 2026, 2);
	r[73] = 12;
	memcpy(r + 76, "USD", 3);
	r[82] = 'F';
	le(r + 83, 1, 4);
	le(r + 87, 3000, 4);
	le(r + 91, 250000000, 8);
	le(r + 99, 10000000, 8);
	le(r + 148, 4500000000000ull, 8);
	le(r + 165, 4700000000000ull, 8);
	le(r + 173, 4300000000000ull, 8);
	le(r + 181, 0x7fffffffffffffffull, 8);
	r += 216;
	le(r, 9, 2);
	r[2] = 1;
	r[3] = 5;
	le(r + 4, 1234, 8);
	r += 12;
	le(r, 4, 2);
	r[2] = 2;
	memcpy(r + 3, "GBX", 3);
	r[6] = 10;
	memcpy(r + 7, "GBI", 3);
	r[10] = 2;
	r += 11;
	le(r, 4, 2);
	r[2] = 1;
	le(r + 3, 0x1f, 4);
	r += 7;
	le(r, 5, 2);
	r[2] = 1;
	r[3] = 4;
	le(r + 4, 10000, 4);
	p += len;

	assert_int_equal(tw_mdp3_walk_init(&w, pkt, (size_t)(p - pkt)),
		TW_MDP3_OK);
	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	assert_int_equal(m.template_id, TW_MDP3_CHANNEL_RESET);
	assert_int_equal(tw_mdp3_get_reset_entry(tw_mdp3_entry(&m.group[0], 0)),
		310);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	tw_mdp3_get_status(m.root, &st);
	assert_true(st.transact_time == 5000);
	assert_memory_equal(st.security_group, "ES    ", 6);
	assert_int_equal(st.security_id, TW_MDP3_INT32_NULL);
	assert_int_equal(st.trade_date, 19700);
	assert_int_equal(st.mei, 0x80);
	assert_int_equal(st.trading_status, 17);
	assert_int_equal(st.trading_event, 4);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	tw_mdp3_get_volume_entry(tw_mdp3_entry(&m.group[0], 0), &vo);
	assert_int_equal(vo.size, 250000);
	assert_int_equal(vo.security_id, 42);
	assert_int_equal(vo.rpt_seq, 77);
	assert_int_equal(vo.action, TW_MDP3_CHANGE);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	tw_mdp3_get_trade_entry(tw_mdp3_entry(&m.group[0], 0), &tr);
	assert_true(tr.px == 4512500000000ll);
	assert_int_equal(tr.size, 3);
	assert_int_equal(tr.security_id, 42);
	assert_int_equal(tr.rpt_seq, 78);
	assert_int_equal(tr.orders, 2);
	assert_int_equal(tr.aggressor, 2);
	assert_int_equal(tr.action, TW_MDP3_NEW);
	assert_int_equal(tr.trade_entry_id, TW_MDP3_UINT32_NULL);
	tw_mdp3_get_trade_order(tw_mdp3_entry(&m.group[1], 0), &to);
	assert_true(to.order_id == 555);
	assert_int_equal(to.last_qty, 3);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	tw_mdp3_get_snapshot(m.root, &sn);
	assert_int_equal(sn.last_msg_seq, 900);
	assert_int_equal(sn.tot_num_reports, 12);
	assert_int_equal(sn.security_id, 42);
	assert_int_equal(sn.rpt_seq, 76);
	assert_true(sn.transact_time == 6000 && sn.last_update_time == 5000);
	assert_int_equal(sn.trade_date, 19700);
	assert_int_equal(sn.trading_status, 17);
	assert_true(sn.high_limit == 4600000000000ll);
	assert_true(sn.low_limit == 4400000000000ll);
	assert_true(sn.max_variation == TW_MDP3_PRICE_NULL);
	tw_mdp3_get_snap_entry(tw_mdp3_entry(&m.group[0], 0), &se);
	assert_true(se.px == 4512250000000ll);
	assert_int_equal(se.size, 40);
	assert_int_equal(se.orders, 6);
	assert_int_equal(se.level, 1);
	assert_int_equal(se.ref_date, TW_MDP3_DATE_NULL);
	assert_int_equal(se.open_close, TW_MDP3_UINT8_NULL);
	assert_int_equal(se.type, TW_MDP3_OFFER);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	assert_int_equal(m.n_groups, 4);
	tw_mdp3_get_instrument(m.root, &in);
	assert_int_equal(in.mei, 0x80);
	assert_int_equal(in.tot_num_reports, 1);
	assert_int_equal(in.update_action, 'A');
	assert_true(in.last_update_time == 5000);
	assert_int_equal(in.trading_status, 17);
	assert_int_equal(in.appl_id, 310);
	assert_int_equal(in.market_segment, 64);
	assert_memory_equal(in.symbol, "ESZ6                ", 20);
	assert_int_equal(in.security_id, 42);
	assert_memory_equal(in.security_type, "FUT   ", 6);
	assert_int_equal(in.maturity_year, 2026);
	assert_int_equal(in.maturity_month, 12);
	assert_memory_equal(in.currency, "USD", 3);
	assert_int_equal(in.match_algorithm, 'F');
	assert_int_equal(in.min_trade_vol, 1);
	assert_int_equal(in.max_trade_vol, 3000);
	assert_true(in.min_price_increment == 250000000);
	assert_true(in.display_factor == 10000000);
	assert_true(in.trading_ref_price == 4500000000000ll);
	assert_true(in.high_limit == 4700000000000ll);
	assert_true(in.low_limit == 4300000000000ll);
	assert_true(in.max_variation == TW_MDP3_PRICE_NULL);
	tw_mdp3_get_inst_event(tw_mdp3_entry(&m.group[0], 0), &ie);
	assert_int_equal(ie.type, 5);
	assert_true(ie.time == 1234);
	assert_int_equal(m.group[1].count, 2);
	tw_mdp3_get_feed_type(tw_mdp3_entry(&m.group[1], 1), &ft);
	assert_memory_equal(ft.feed, "GBI", 3);
	assert_int_equal(ft.depth, 2);
	tw_mdp3_get_feed_type(tw_mdp3_entry(&m.group[1], 0), &ft);
	assert_int_equal(ft.depth, 10);
	assert_int_equal(tw_mdp3_get_inst_attrib(
		tw_mdp3_entry(&m.group[2], 0)), 0x1f);
	tw_mdp3_get_lot_rule(tw_mdp3_entry(&m.group[3], 0), &lr);
	assert_int_equal(lr.lot_type, 4);
	assert_int_equal(lr.min_lot_size, 10000);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_END);
	assert_int_equal(w.known, 6);
}

/* ---- every message written and read back ---- */

static const struct tw_mdp3_event f_event = { 1700000000123456789ull, 0x84 };
static const struct tw_mdp3_status f_status = {
	1700000000000000001ull, "GE    ", "GE    ", 42, 19700, 0x80, 21, 0, 5,
};
static const struct tw_mdp3_volume_entry f_volume = { 123456, 42, 9, 1 };
static const struct tw_mdp3_book_entry f_book[2] = {
	{ 4512250000000ll, 17, 42, 10, 5, 1, TW_MDP3_NEW, TW_MDP3_BID },
	{ TW_MDP3_PRICE_NULL, TW_MDP3_INT32_NULL, 42, 11, TW_MDP3_INT32_NULL,
		10, TW_MDP3_DELETE_THRU, TW_MDP3_IMPLIED_OFFER },
};
static const struct tw_mdp3_order_entry f_order[2] = {
	{ 0x0102030405060708ull, 99, 7, 1, 0 },
	{ UINT64_MAX - 1, TW_MDP3_UINT64_NULL, TW_MDP3_INT32_NULL,
		TW_MDP3_UINT8_NULL, 2 },
};
static const struct tw_mdp3_trade_entry f_trade = {
	-250000000ll, 3, 42, 12, 2, 1, TW_MDP3_NEW, TW_MDP3_UINT32_NULL,
};
static const struct tw_mdp3_trade_order f_torder = { 77, 3 };
static const struct tw_mdp3_snapshot f_snap = {
	4000000000u, 50, 42, 12, 1700000000000000002ull, 1700000000000000003ull,
	TW_MDP3_DATE_NULL, TW_MDP3_UINT8_NULL, 1, -1, TW_MDP3_PRICE_NULL,
};
static const struct tw_mdp3_snap_entry f_sentry[2] = {
	{ 4512250000000ll, 40, 6, 1, 19700, 0, 0x03, TW_MDP3_BID },
	{ TW_MDP3_PRICE_NULL, TW_MDP3_INT32_NULL, TW_MDP3_INT32_NULL,
		TW_MDP3_INT8_NULL, TW_MDP3_DATE_NULL, TW_MDP3_UINT8_NULL, 0x80,
		TW_MDP3_BOOK_RESET },
};
static const struct tw_mdp3_instrument f_inst = {
	.mei = 0x80, .tot_num_reports = TW_MDP3_UINT32_NULL,
	.update_action = 'M', .last_update_time = 1700000000000000004ull,
	.trading_status = 17, .appl_id = -2, .market_segment = 99,
	.security_group = "GE    ", .asset = "GE    ",
	.symbol = "GEZ6\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", .security_id = 42,
	.security_type = "FUT   ", .maturity_year = 2026,
	.maturity_month = 12, .currency = "USD", .match_algorithm = 'Q',
	.min_trade_vol = 1, .max_trade_vol = 10000,
	.min_price_increment = 5000000, .display_factor = 1000000000,
	.trading_ref_price = TW_MDP3_PRICE_NULL, .high_limit = 99000000000ll,
	.low_limit = -1000000000ll, .max_variation = 150000000,
};
static const struct tw_mdp3_inst_event f_ievent = { 7, 1800000000000000000ull };
static const struct tw_mdp3_feed_type f_feed[2] = { { "GBX", 10 }, { "GBI", 2 } };
static const uint32_t f_attrib = 0x00a5a5a5;
static const struct tw_mdp3_lot_rule f_lot = { 4, TW_MDP3_INT32_NULL };

#define N_ALL 8

/* extra bytes past the fields known, filled so that reading them shows */
static void
pad(uint8_t *p, size_t known, unsigned int extra)
{
	memset(p + known, 0xa5, extra);
}

static uint8_t *
root(struct tw_mdp3_writer *w, uint16_t tid, uint16_t known,
		unsigned int extra)
{
	uint8_t *r = tw_mdp3_msg_begin(w, tid, (uint16_t)(known + extra));

	assert_non_null(r);
	pad(r, known, extra);
	return r;
}

static uint8_t *
entry(struct tw_mdp3_writer *w, uint16_t known, unsigned int extra)
{
	uint8_t *e = tw_mdp3_entry_add(w);

	assert_non_null(e);
	pad(e, known, extra);
	return e;
}

static void
group(struct tw_mdp3_writer *w, bool dim8, uint16_t known, unsigned int extra)
{
	assert_true(tw_mdp3_group_begin(w, dim8, (uint16_t)(known + extra)));
}

/* 4, 12, 30, 37, 46, 48, 52, 54, every root and entry extra bytes long. */
static size_t
write_all(uint8_t *buf, size_t cap, unsigned int x)
{
	struct tw_mdp3_writer w;
	uint8_t *r;
	int i;

	tw_mdp3_writer_init(&w, buf, cap, 4242, 1700000000000000000ull);
	r = root(&w, TW_MDP3_CHANNEL_RESET, TW_MDP3_RESET_ROOT, x);
	tw_mdp3_put_event(r, &f_event);
	group(&w, false, TW_MDP3_RESET_ENTRY, x);
	tw_mdp3_put_reset_entry(entry(&w, TW_MDP3_RESET_ENTRY, x), 310);
	root(&w, TW_MDP3_HEARTBEAT, 0, x);
	tw_mdp3_put_status(root(&w, TW_MDP3_SECURITY_STATUS,
		TW_MDP3_STATUS_ROOT, x), &f_status);
	tw_mdp3_put_event(root(&w, TW_MDP3_VOLUME, TW_MDP3_EVENT_ROOT, x),
		&f_event);
	group(&w, false, TW_MDP3_VOLUME_ENTRY, x);
	tw_mdp3_put_volume_entry(entry(&w, TW_MDP3_VOLUME_ENTRY, x), &f_volume);
	tw_mdp3_put_event(root(&w, TW_MDP3_BOOK, TW_MDP3_EVENT_ROOT, x),
		&f_event);
	group(&w, false, TW_MDP3_BOOK_ENTRY, x);
	for (i = 0; i < 2; i++)
		tw_mdp3_put_book_entry(entry(&w, TW_MDP3_BOOK_ENTRY, x),
			&f_book[i]);
	group(&w, true, TW_MDP3_BOOK_ORDER, x);
	for (i = 0; i < 2; i++)
		tw_mdp3_put_order_entry(entry(&w, TW_MDP3_BOOK_ORDER, x),
			&f_order[i]);
	tw_mdp3_put_event(root(&w, TW_MDP3_TRADE_SUMMARY, TW_MDP3_EVENT_ROOT,
		x), &f_event);
	group(&w, false, TW_MDP3_TRADE_ENTRY, x);
	tw_mdp3_put_trade_entry(entry(&w, TW_MDP3_TRADE_ENTRY, x), &f_trade);
	group(&w, true, TW_MDP3_TRADE_ORDER, x);
	tw_mdp3_put_trade_order(entry(&w, TW_MDP3_TRADE_ORDER, x), &f_torder);
	tw_mdp3_put_snapshot(root(&w, TW_MDP3_SNAPSHOT, TW_MDP3_SNAP_ROOT, x),
		&f_snap);
	group(&w, false, TW_MDP3_SNAP_ENTRY, x);
	for (i = 0; i < 2; i++)
		tw_mdp3_put_snap_entry(entry(&w, TW_MDP3_SNAP_ENTRY, x),
			&f_sentry[i]);
	tw_mdp3_put_instrument(root(&w, TW_MDP3_INSTRUMENT_FUT,
		TW_MDP3_INST_ROOT, x), &f_inst);
	group(&w, false, TW_MDP3_INST_EVENT, x);
	tw_mdp3_put_inst_event(entry(&w, TW_MDP3_INST_EVENT, x), &f_ievent);
	group(&w, false, TW_MDP3_INST_FEED, x);
	for (i = 0; i < 2; i++)
		tw_mdp3_put_feed_type(entry(&w, TW_MDP3_INST_FEED, x),
			&f_feed[i]);
	group(&w, false, TW_MDP3_INST_ATTRIB, x);
	tw_mdp3_put_inst_attrib(entry(&w, TW_MDP3_INST_ATTRIB, x), f_attrib);
	group(&w, false, TW_MDP3_INST_LOT, x);
	tw_mdp3_put_lot_rule(entry(&w, TW_MDP3_INST_LOT, x), &f_lot);
	tw_mdp3_msg_end(&w);
	assert_false(w.full);
	return w.len;
}

#define EQ(a, b, f) assert_true((a).f == (b).f)

static void
next_ok(struct tw_mdp3_walk *w, struct tw_mdp3_msg *m, uint16_t tid,
		uint16_t known_root, unsigned int x)
{
	assert_int_equal(tw_mdp3_walk_next(w, m), TW_MDP3_OK);
	assert_int_equal(m->template_id, tid);
	assert_int_equal(m->block_len, known_root + x);
}

/* Reads back what write_all wrote, field by field. */
static void
check_all(const uint8_t *pkt, size_t len, unsigned int x)
{
	struct tw_mdp3_walk w;
	struct tw_mdp3_msg m;
	struct tw_mdp3_event ev;
	struct tw_mdp3_status st;
	struct tw_mdp3_volume_entry vo;
	struct tw_mdp3_book_entry bk;
	struct tw_mdp3_order_entry od;
	struct tw_mdp3_trade_entry tr;
	struct tw_mdp3_trade_order to;
	struct tw_mdp3_snapshot sn;
	struct tw_mdp3_snap_entry se;
	struct tw_mdp3_instrument in;
	struct tw_mdp3_inst_event ie;
	struct tw_mdp3_feed_type ft;
	struct tw_mdp3_lot_rule lr;
	int i;

	assert_int_equal(tw_mdp3_walk_init(&w, pkt, len), TW_MDP3_OK);
	assert_int_equal(w.seq, 4242);
	assert_true(w.sending_time == 1700000000000000000ull);

	next_ok(&w, &m, TW_MDP3_CHANNEL_RESET, TW_MDP3_RESET_ROOT, x);
	tw_mdp3_get_event(m.root, &ev);
	EQ(ev, f_event, transact_time);
	EQ(ev, f_event, mei);
	assert_int_equal(m.group[0].count, 1);
	assert_int_equal(m.group[0].block_len, TW_MDP3_RESET_ENTRY + x);
	assert_int_equal(tw_mdp3_get_reset_entry(tw_mdp3_entry(&m.group[0], 0)),
		310);

	next_ok(&w, &m, TW_MDP3_HEARTBEAT, 0, x);
	assert_int_equal(m.n_groups, 0);

	next_ok(&w, &m, TW_MDP3_SECURITY_STATUS, TW_MDP3_STATUS_ROOT, x);
	tw_mdp3_get_status(m.root, &st);
	EQ(st, f_status, transact_time);
	assert_memory_equal(st.security_group, f_status.security_group, 6);
	assert_memory_equal(st.asset, f_status.asset, 6);
	EQ(st, f_status, security_id);
	EQ(st, f_status, trade_date);
	EQ(st, f_status, mei);
	EQ(st, f_status, trading_status);
	EQ(st, f_status, halt_reason);
	EQ(st, f_status, trading_event);

	next_ok(&w, &m, TW_MDP3_VOLUME, TW_MDP3_EVENT_ROOT, x);
	tw_mdp3_get_volume_entry(tw_mdp3_entry(&m.group[0], 0), &vo);
	EQ(vo, f_volume, size);
	EQ(vo, f_volume, security_id);
	EQ(vo, f_volume, rpt_seq);
	EQ(vo, f_volume, action);

	next_ok(&w, &m, TW_MDP3_BOOK, TW_MDP3_EVENT_ROOT, x);
	tw_mdp3_get_event(m.root, &ev);
	EQ(ev, f_event, transact_time);
	assert_int_equal(m.group[0].count, 2);
	assert_int_equal(m.group[1].count, 2);
	assert_int_equal(m.group[1].block_len, TW_MDP3_BOOK_ORDER + x);
	for (i = 0; i < 2; i++) {
		tw_mdp3_get_book_entry(tw_mdp3_entry(&m.group[0], i), &bk);
		EQ(bk, f_book[i], px);
		EQ(bk, f_book[i], size);
		EQ(bk, f_book[i], security_id);
		EQ(bk, f_book[i], rpt_seq);
		EQ(bk, f_book[i], orders);
		EQ(bk, f_book[i], level);
		EQ(bk, f_book[i], action);
		EQ(bk, f_book[i], type);
		tw_mdp3_get_order_entry(tw_mdp3_entry(&m.group[1], i), &od);
		EQ(od, f_order[i], order_id);
		EQ(od, f_order[i], priority);
		EQ(od, f_order[i], display_qty);
		EQ(od, f_order[i], ref_id);
		EQ(od, f_order[i], action);
	}

	next_ok(&w, &m, TW_MDP3_TRADE_SUMMARY, TW_MDP3_EVENT_ROOT, x);
	tw_mdp3_get_trade_entry(tw_mdp3_entry(&m.group[0], 0), &tr);
	EQ(tr, f_trade, px);
	EQ(tr, f_trade, size);
	EQ(tr, f_trade, security_id);
	EQ(tr, f_trade, rpt_seq);
	EQ(tr, f_trade, orders);
	EQ(tr, f_trade, aggressor);
	EQ(tr, f_trade, action);
	EQ(tr, f_trade, trade_entry_id);
	tw_mdp3_get_trade_order(tw_mdp3_entry(&m.group[1], 0), &to);
	EQ(to, f_torder, order_id);
	EQ(to, f_torder, last_qty);

	next_ok(&w, &m, TW_MDP3_SNAPSHOT, TW_MDP3_SNAP_ROOT, x);
	tw_mdp3_get_snapshot(m.root, &sn);
	EQ(sn, f_snap, last_msg_seq);
	EQ(sn, f_snap, tot_num_reports);
	EQ(sn, f_snap, security_id);
	EQ(sn, f_snap, rpt_seq);
	EQ(sn, f_snap, transact_time);
	EQ(sn, f_snap, last_update_time);
	EQ(sn, f_snap, trade_date);
	EQ(sn, f_snap, trading_status);
	EQ(sn, f_snap, high_limit);
	EQ(sn, f_snap, low_limit);
	EQ(sn, f_snap, max_variation);
	for (i = 0; i < 2; i++) {
		tw_mdp3_get_snap_entry(tw_mdp3_entry(&m.group[0], i), &se);
		EQ(se, f_sentry[i], px);
		EQ(se, f_sentry[i], size);
		EQ(se, f_sentry[i], orders);
		EQ(se, f_sentry[i], level);
		EQ(se, f_sentry[i], ref_date);
		EQ(se, f_sentry[i], open_close);
		EQ(se, f_sentry[i], settl_type);
		EQ(se, f_sentry[i], type);
	}

	next_ok(&w, &m, TW_MDP3_INSTRUMENT_FUT, TW_MDP3_INST_ROOT, x);
	tw_mdp3_get_instrument(m.root, &in);
	EQ(in, f_inst, mei);
	EQ(in, f_inst, tot_num_reports);
	EQ(in, f_inst, update_action);
	EQ(in, f_inst, last_update_time);
	EQ(in, f_inst, trading_status);
	EQ(in, f_inst, appl_id);
	EQ(in, f_inst, market_segment);
	assert_memory_equal(in.security_group, f_inst.security_group, 6);
	assert_memory_equal(in.asset, f_inst.asset, 6);
	assert_memory_equal(in.symbol, f_inst.symbol, 20);
	EQ(in, f_inst, security_id);
	assert_memory_equal(in.security_type, f_inst.security_type, 6);
	EQ(in, f_inst, maturity_year);
	EQ(in, f_inst, maturity_month);
	assert_memory_equal(in.currency, f_inst.currency, 3);
	EQ(in, f_inst, match_algorithm);
	EQ(in, f_inst, min_trade_vol);
	EQ(in, f_inst, max_trade_vol);
	EQ(in, f_inst, min_price_increment);
	EQ(in, f_inst, display_factor);
	EQ(in, f_inst, trading_ref_price);
	EQ(in, f_inst, high_limit);
	EQ(in, f_inst, low_limit);
	EQ(in, f_inst, max_variation);
	assert_int_equal(m.n_groups, 4);
	tw_mdp3_get_inst_event(tw_mdp3_entry(&m.group[0], 0), &ie);
	EQ(ie, f_ievent, type);
	EQ(ie, f_ievent, time);
	for (i = 0; i < 2; i++) {
		tw_mdp3_get_feed_type(tw_mdp3_entry(&m.group[1], i), &ft);
		assert_memory_equal(ft.feed, f_feed[i].feed, 3);
		EQ(ft, f_feed[i], depth);
	}
	assert_int_equal(tw_mdp3_get_inst_attrib(
		tw_mdp3_entry(&m.group[2], 0)), f_attrib);
	tw_mdp3_get_lot_rule(tw_mdp3_entry(&m.group[3], 0), &lr);
	EQ(lr, f_lot, lot_type);
	EQ(lr, f_lot, min_lot_size);

	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_END);
	assert_int_equal(w.known, N_ALL);
	assert_int_equal(w.unknown + w.bad, 0);
}

static void
every_message_round_trips(void **state)
{
	uint8_t buf[2048];
	size_t len = write_all(buf, sizeof(buf), 0);

	check_all(buf, len, 0);
}

/* A later schema's longer roots and entries: read and stepped over. */
static void
longer_blocks_read_and_skipped(void **state)
{
	uint8_t buf[4096];
	unsigned int x;

	for (x = 1; x <= 40; x += 13)
		check_all(buf, write_all(buf, sizeof(buf), x), x);
}

static void
price9_and_nulls(void **state)
{
	int64_t out = 12345;
	unsigned int d;

	for (d = 0; d <= 9; d++) {
		int64_t want = 4512;
		unsigned int i;

		for (i = 0; i < d; i++)
			want = want * 10 + (i == 0 ? 2 : i == 1 ? 5 : 0);
		assert_true(tw_mdp3_price9_rescale(4512250000000ll, d, &out) ==
			(d >= 2));
		if (d >= 2)
			assert_true(out == want);
	}
	assert_true(tw_mdp3_price9_rescale(-250000000ll, 2, &out));
	assert_true(out == -25);
	assert_true(tw_mdp3_price9_rescale(0, 0, &out) && out == 0);
	out = 7;
	assert_false(tw_mdp3_price9_rescale(TW_MDP3_PRICE_NULL, 9, &out));
	assert_false(tw_mdp3_price9_rescale(1, 10, &out));
	assert_false(tw_mdp3_price9_rescale(1, 8, &out));
	assert_true(out == 7);
	assert_true(tw_mdp3_price9_rescale(INT64_MIN, 0, &out) == false);
	assert_true(tw_mdp3_price9_rescale(INT64_MAX - 7, 9, &out));
	assert_true(out == INT64_MAX - 7);
	assert_true(TW_MDP3_PRICE_NULL == 9223372036854775807ll);
	assert_true(TW_MDP3_INT32_NULL == 2147483647);
	assert_true(TW_MDP3_UINT32_NULL == 4294967295u);
	assert_true(TW_MDP3_UINT64_NULL == 18446744073709551615ull);
	assert_int_equal(TW_MDP3_UINT8_NULL, 255);
	assert_int_equal(TW_MDP3_INT8_NULL, 127);
	assert_int_equal(TW_MDP3_DATE_NULL, 65535);
}

static void
unknown_templates_skipped(void **state)
{
	uint8_t buf[512];
	struct tw_mdp3_writer wr;
	struct tw_mdp3_walk w;
	struct tw_mdp3_msg m;
	uint8_t *r;
	size_t at;

	tw_mdp3_writer_init(&wr, buf, sizeof(buf), 1, 2);
	r = tw_mdp3_msg_begin(&wr, 99, 5);      /* not a template known */
	memset(r, 0xee, 5);
	assert_true(tw_mdp3_group_begin(&wr, false, 1));
	assert_non_null(tw_mdp3_entry_add(&wr));
	at = wr.len;                            /* a book of another schema */
	tw_mdp3_msg_begin(&wr, TW_MDP3_BOOK, 1);
	tw_mdp3_put16(buf + at + TW_MDP3_MSG_OFF_SCHEMA, 2);
	tw_mdp3_put_status(tw_mdp3_msg_begin(&wr, TW_MDP3_SECURITY_STATUS,
		TW_MDP3_STATUS_ROOT), &f_status);
	tw_mdp3_msg_end(&wr);
	assert_false(wr.full);

	assert_int_equal(tw_mdp3_walk_init(&w, buf, wr.len), TW_MDP3_OK);
	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_UNKNOWN);
	assert_int_equal(m.template_id, 99);
	assert_int_equal(m.size, 10 + 5 + 3 + 1);
	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_UNKNOWN);
	assert_int_equal(m.schema_id, 2);
	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_OK);
	assert_int_equal(m.template_id, TW_MDP3_SECURITY_STATUS);
	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_END);
	assert_int_equal(w.unknown, 2);
	assert_int_equal(w.known, 1);
	assert_int_equal(tw_mdp3_check_packet(&w, buf, wr.len), TW_MDP3_OK);

	/* Template 0, ids between the known ones and past them: unknown,
	 * whatever their root. */
	{
		static const uint16_t ids[] = { 0, 1, 45, 47, 53, 55, 65535 };
		unsigned int i;

		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			tw_mdp3_writer_init(&wr, buf, sizeof(buf), 1, 2);
			assert_non_null(tw_mdp3_msg_begin(&wr, ids[i], 0));
			tw_mdp3_msg_end(&wr);
			assert_int_equal(tw_mdp3_walk_init(&w, buf, wr.len),
				TW_MDP3_OK);
			assert_int_equal(tw_mdp3_walk_next(&w, &m),
				TW_MDP3_UNKNOWN);
			assert_int_equal(m.template_id, ids[i]);
		}
	}
}

/* Message starts in a packet from write_all, and their count. */
static unsigned int
boundaries(const uint8_t *pkt, size_t len, size_t *at)
{
	size_t off = TW_MDP3_PKT_HDR_LEN;
	unsigned int n = 0;

	while (off < len) {
		at[n++] = off;
		off += tw_mdp3_u16(pkt + off);
	}
	at[n] = off;
	assert_int_equal(off, len);
	return n;
}

/* Every prefix of a sound packet, in a buffer of exactly its length. */
static void
truncated_packets_every_length(void **state)
{
	uint8_t buf[4096];
	size_t at[N_ALL + 1], len, cut;
	unsigned int x, n;

	for (x = 0; x <= 9; x += 9) {
		len = write_all(buf, sizeof(buf), x);
		n = boundaries(buf, len, at);
		assert_int_equal(n, N_ALL);
		for (cut = 0; cut <= len; cut++) {
			uint8_t *p = malloc(cut ? cut : 1);
			struct tw_mdp3_walk w;
			enum tw_mdp3_verdict v;
			unsigned int whole = 0;

			memcpy(p, buf, cut);
			while (whole < n && at[whole + 1] <= cut)
				whole++;
			v = tw_mdp3_check_packet(&w, p, cut);
			if (cut < 12)
				assert_int_equal(v, TW_MDP3_PKT_SHORT);
			else if (cut == 12)
				assert_int_equal(v, TW_MDP3_PKT_EMPTY);
			else if (cut == at[whole])
				assert_int_equal(v, TW_MDP3_OK);
			else
				assert_int_equal(v, cut - at[whole] == 1 ?
					TW_MDP3_MSG_TRUNC : TW_MDP3_MSG_OVER);
			assert_int_equal(w.known, whole);
			assert_int_equal(w.bad + w.unknown, 0);
			free(p);
		}
	}
}

/*
 * Each message cut to every shorter MsgSize, inside a sound packet:
 * under 10 the framing is gone (the walk ends there); from 10 the cut
 * message gets a verdict and every other message is read.
 */
static void
truncated_messages_every_length(void **state)
{
	uint8_t buf[4096];
	size_t at[N_ALL + 1], len, k;
	unsigned int x, n, i;

	for (x = 0; x <= 9; x += 9) {
		len = write_all(buf, sizeof(buf), x);
		n = boundaries(buf, len, at);
		for (i = 0; i < n; i++) {
			size_t size = at[i + 1] - at[i];

			for (k = 2; k < size; k++) {
				size_t plen = len - (size - k);
				uint8_t *p = malloc(plen);
				struct tw_mdp3_walk w;
				struct tw_mdp3_msg m;
				enum tw_mdp3_verdict v;
				unsigned int j;

				memcpy(p, buf, at[i] + k);
				memcpy(p + at[i] + k, buf + at[i + 1],
					len - at[i + 1]);
				tw_mdp3_put16(p + at[i], (uint16_t)k);
				assert_int_equal(tw_mdp3_walk_init(&w, p, plen),
					TW_MDP3_OK);
				for (j = 0; j < i; j++)
					assert_int_equal(tw_mdp3_walk_next(&w,
						&m), TW_MDP3_OK);
				v = tw_mdp3_walk_next(&w, &m);
				if (k < 10) {
					assert_int_equal(v, TW_MDP3_MSG_SIZE);
					assert_true(tw_mdp3_verdict_ends(v));
				} else {
					assert_true(v >= TW_MDP3_BLOCK_OVER &&
						v < TW_MDP3_VERDICTS);
					assert_false(tw_mdp3_verdict_ends(v));
				}
				while (tw_mdp3_walk_next(&w, &m) != TW_MDP3_END)
					;
				assert_int_equal(w.known, k < 10 ? i : n - 1);
				assert_int_equal(w.bad, k < 10 ? 0 : 1);
				free(p);
			}
		}
	}
}

/* Blocks shorter than the fields known, and a message past its packet. */
static void
short_blocks_and_bad_sizes(void **state)
{
	uint8_t buf[2048];
	size_t at[N_ALL + 1], len;
	struct tw_mdp3_walk w;
	struct tw_mdp3_msg m;
	uint8_t *book;

	len = write_all(buf, sizeof(buf), 0);
	boundaries(buf, len, at);
	book = buf + at[4];
	assert_int_equal(tw_mdp3_u16(book + TW_MDP3_MSG_OFF_TEMPLATE),
		TW_MDP3_BOOK);

	tw_mdp3_put16(book + 10 + 11, 31);      /* entries of 31 < 32 */
	assert_int_equal(tw_mdp3_check_packet(&w, buf, len),
		TW_MDP3_GROUP_SHORT);
	assert_int_equal(w.known, N_ALL - 1);
	tw_mdp3_put16(book + 10 + 11, 32);

	tw_mdp3_put16(book + TW_MDP3_MSG_OFF_BLOCK, 10);        /* root 10 < 11 */
	assert_int_equal(tw_mdp3_check_packet(&w, buf, len),
		TW_MDP3_BLOCK_SHORT);
	assert_int_equal(w.known, N_ALL - 1);
	tw_mdp3_put16(book + TW_MDP3_MSG_OFF_BLOCK, 11);

	tw_mdp3_put16(book + 10 + 11, 0x8000);  /* entries past MsgSize */
	assert_int_equal(tw_mdp3_check_packet(&w, buf, len),
		TW_MDP3_GROUP_OVER);
	tw_mdp3_put16(book + 10 + 11, 32);
	assert_int_equal(tw_mdp3_check_packet(&w, buf, len), TW_MDP3_OK);

	tw_mdp3_put16(book, 0xffff);            /* MsgSize past the packet */
	assert_int_equal(tw_mdp3_check_packet(&w, buf, len),
		TW_MDP3_MSG_OVER);
	assert_int_equal(w.known, 4);
	assert_int_equal(tw_mdp3_walk_next(&w, &m), TW_MDP3_END);
}

static void
writer_limits(void **state)
{
	uint8_t buf[12 + 10 + 11 + 3 + 255 * 16];
	struct tw_mdp3_writer w;
	struct tw_mdp3_walk wk;
	struct tw_mdp3_msg m;
	unsigned int i;

	tw_mdp3_writer_init(&w, buf, 11, 1, 1);
	assert_true(w.full);
	tw_mdp3_writer_init(&w, buf, sizeof(buf), 1, 1);
	assert_null(tw_mdp3_entry_add(&w));     /* no group open */
	tw_mdp3_writer_init(&w, buf, sizeof(buf), 1, 1);
	assert_non_null(tw_mdp3_msg_begin(&w, TW_MDP3_VOLUME, 11));
	assert_true(tw_mdp3_group_begin(&w, false, 16));
	for (i = 0; i < 255; i++)
		tw_mdp3_put_volume_entry(tw_mdp3_entry_add(&w), &f_volume);
	assert_int_equal(w.len, sizeof(buf));
	assert_false(w.full);
	tw_mdp3_msg_end(&w);
	assert_int_equal(tw_mdp3_walk_init(&wk, buf, w.len), TW_MDP3_OK);
	assert_int_equal(tw_mdp3_walk_next(&wk, &m), TW_MDP3_OK);
	assert_int_equal(m.group[0].count, 255);
	assert_null(tw_mdp3_entry_add(&w));     /* closed */
	tw_mdp3_writer_init(&w, buf, sizeof(buf), 1, 1);
	tw_mdp3_msg_begin(&w, TW_MDP3_VOLUME, 11);
	tw_mdp3_group_begin(&w, false, 1);
	for (i = 0; i < 255; i++)
		assert_non_null(tw_mdp3_entry_add(&w));
	assert_null(tw_mdp3_entry_add(&w));     /* a 256th: numInGroup is u8 */
	assert_true(w.full);
	tw_mdp3_writer_init(&w, buf, 30, 1, 1);
	assert_null(tw_mdp3_msg_begin(&w, TW_MDP3_VOLUME, 11));
	assert_true(w.full);
}

static void
verdicts_named(void **state)
{
	unsigned int i, j;

	for (i = 0; i < TW_MDP3_VERDICTS; i++) {
		assert_non_null(tw_mdp3_verdict_name(i));
		assert_string_not_equal(tw_mdp3_verdict_name(i), "?");
		for (j = 0; j < i; j++)
			assert_string_not_equal(tw_mdp3_verdict_name(i),
				tw_mdp3_verdict_name(j));
	}
	assert_string_equal(tw_mdp3_verdict_name(TW_MDP3_VERDICTS), "?");
	assert_false(tw_mdp3_verdict_ends(TW_MDP3_OK));
	assert_false(tw_mdp3_verdict_ends(TW_MDP3_UNKNOWN));
	assert_true(tw_mdp3_verdict_ends(TW_MDP3_PKT_SHORT));
	assert_false(tw_mdp3_verdict_ends(TW_MDP3_GROUP_OVER));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_assembled_book_decodes),
		cmocka_unit_test(hand_assembled_others_decode),
		cmocka_unit_test(every_message_round_trips),
		cmocka_unit_test(longer_blocks_read_and_skipped),
		cmocka_unit_test(price9_and_nulls),
		cmocka_unit_test(unknown_templates_skipped),
		cmocka_unit_test(truncated_packets_every_length),
		cmocka_unit_test(truncated_messages_every_length),
		cmocka_unit_test(short_blocks_and_bad_sizes),
		cmocka_unit_test(writer_limits),
		cmocka_unit_test(verdicts_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
