/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A second transport composed the way MoldUDP64 is: CME MDP 3.0's
 * receive layer (lib/mdp3/tw_mdp3_rx.h) with the real L2-L4 layer and
 * the composer, under a message layer of this test's own that logs
 * each SBE message it is handed (its template and sequence). What the
 * transport decides is seen alone: a sequence per packet, messages by
 * MsgSize, all or nothing, duplicates, gaps, a short header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_test_fixture.h"
#include "tw_rx_frame.h"
#include "tw_mdp3.h"

#define TW_RX_LEVEL mdp3_test
#define TW_RX_HAVE_FAST_HEADERS 0

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	return rte_raw_cksum(buf, len);
}

/* ---- the message layer: a log of SBE messages ---- */
#define TW_RX_MSG_LAYER sbe_log
#define BAD_TEMPLATE 999
#define LOG_MAX 32

static struct {
	uint64_t seq[LOG_MAX];
	uint16_t tmpl[LOG_MAX];
	uint8_t loop[LOG_MAX];
	unsigned int n, checks, pkts, lost;
} lg;

static inline int
msg_check(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint32_t channel)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(channel);
	lg.checks++;
	if (mlen < TW_MDP3_MSG_HDR_LEN - 2)
		return TW_DROP_BAD_MSG_LEN;
	if (tw_mdp3_u16(m + 2) == BAD_TEMPLATE)
		return TW_DROP_BAD_MSG_TYPE;
	return TW_RX_ACCEPT;
}

struct msg_pkt {
	unsigned int n;
};

static inline void
msg_apply(struct tw_rx_ctx *ctx, struct msg_pkt *pk, const uint8_t *m,
		uint16_t mlen, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(mlen);
	RTE_SET_USED(channel);
	RTE_SET_USED(now_ns);
	RTE_SET_USED(track);
	assert_true(lg.n < LOG_MAX);
	lg.seq[lg.n] = seq;
	lg.tmpl[lg.n++] = tw_mdp3_u16(m + 2);
	pk->n++;
}

static inline void
msg_pkt_end(struct tw_rx_ctx *ctx, const struct msg_pkt *pk,
		const uint8_t *last, uint32_t applied, uint64_t now_ns)
{
	RTE_SET_USED(last);
	RTE_SET_USED(now_ns);
	assert_int_equal(pk->n, applied);
	ctx->ctr->msgs += applied;
	lg.pkts++;
}

static inline void
msg_pkt_time(struct msg_pkt *pk, uint64_t sending_time)
{
	RTE_SET_USED(pk);
	RTE_SET_USED(sending_time);
}

static inline void
msg_first(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t before,
		uint64_t seq, uint64_t now_ns)
{
	RTE_SET_USED(now_ns);
	if (seq > before)
		tw_rx_channel_stale(ctx, channel);
}

/* Lost on every line: the channel's symbols may miss an update. */
static inline void
msg_lost(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t before,
		uint64_t seq, uint64_t now_ns)
{
	RTE_SET_USED(before);
	RTE_SET_USED(seq);
	RTE_SET_USED(now_ns);
	lg.lost++;
	tw_rx_channel_stale(ctx, channel);
}

static inline void
msg_gaps_expire(struct tw_rx_ctx *ctx, uint32_t channel, uint8_t line,
		uint64_t seq, uint64_t now_ns)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(channel);
	RTE_SET_USED(line);
	RTE_SET_USED(seq);
	RTE_SET_USED(now_ns);
}

/* No gap is waited for here: a late copy is a duplicate. */
static inline bool
msg_missing(const struct tw_rx_ctx *ctx, uint32_t channel, uint64_t seq)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(channel);
	RTE_SET_USED(seq);
	return false;
}

static inline void
msg_fill(struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t len, uint64_t seq,
		uint32_t channel, uint64_t now_ns)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(b);
	RTE_SET_USED(len);
	RTE_SET_USED(seq);
	RTE_SET_USED(channel);
	RTE_SET_USED(now_ns);
	fail_msg("no gap is waited for");
}

static inline bool
msg_loop_wanted(const struct tw_rx_ctx *ctx, const struct tw_rx_view *v)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(v);
	return true;
}

static inline void
msg_loop_apply(struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint8_t loop, uint32_t channel, uint64_t expected,
		uint64_t now_ns)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(mlen);
	RTE_SET_USED(channel);
	RTE_SET_USED(expected);
	RTE_SET_USED(now_ns);
	assert_true(lg.n < LOG_MAX);
	lg.seq[lg.n] = 0;
	lg.loop[lg.n] = loop;
	lg.tmpl[lg.n++] = tw_mdp3_u16(m + 2);
}

#include "tw_mdp3_rx.h"
#include "tw_rx_template.h"

/* ---- frames: L2-L4 from the test feed, an MDP 3.0 payload after ---- */

struct mdp3_msg {
	uint16_t tmpl;
	uint16_t body;          /* bytes after the SBE header */
	int16_t size_delta;     /* added to MsgSize (malformed ones) */
};

/* A frame on channel ch: packet seq, messages msgs[0..n). Its length. */
static uint16_t
mdp3_frame(uint8_t *f, uint16_t ch, uint32_t seq, const struct mdp3_msg *msgs,
		unsigned int n)
{
	struct tw_frame_params fp;
	struct tw_pkt_tmpl t;
	uint16_t l4 = TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN;
	uint16_t off = l4 + TW_MDP3_PKT_HDR_LEN;
	unsigned int i;

	tt_frame_params(&fp, 0);
	tw_pkt_tmpl_init(&t, &fp, ch);
	memcpy(f, t.hdr, l4);           /* Ethernet, IPv4, UDP: no Mold */
	tw_mdp3_put32(f + l4 + TW_MDP3_PKT_OFF_SEQ, seq);
	tw_mdp3_put64(f + l4 + TW_MDP3_PKT_OFF_TIME, 1);
	for (i = 0; i < n; i++) {
		uint16_t size = TW_MDP3_MSG_HDR_LEN + msgs[i].body;

		memset(f + off, 0, size);
		tw_mdp3_put16(f + off, (uint16_t)(size + msgs[i].size_delta));
		tw_mdp3_put16(f + off + TW_MDP3_MSG_OFF_BLOCK, msgs[i].body);
		tw_mdp3_put16(f + off + TW_MDP3_MSG_OFF_TEMPLATE, msgs[i].tmpl);
		tw_mdp3_put16(f + off + TW_MDP3_MSG_OFF_SCHEMA, 1);
		tw_mdp3_put16(f + off + TW_MDP3_MSG_OFF_VERSION, 9);
		off += size;
	}
	tt_ip(f)->total_length = rte_cpu_to_be_16(off - TW_ETH_HDR_LEN);
	tt_udp(f)->dgram_len = rte_cpu_to_be_16(off - TW_ETH_HDR_LEN -
		TW_IPV4_HDR_LEN);
	tt_fix_checksums_at(f, off, TW_ETH_HDR_LEN);
	return off;
}

struct mt {
	struct tt_fixture f;
	struct tw_rx_side side[TT_SYMBOLS];
};

static int
setup(void **state)
{
	struct mt *t = aligned_alloc(64, sizeof(*t));

	assert_non_null(t);
	memset(t, 0, sizeof(*t));
	assert_int_equal(tt_rx_init(&t->f.rx, 0, TT_SYMBOLS, TW_SIMD_SCALAR),
		0);
	t->f.rx.ctx.side = t->side;
	memset(&lg, 0, sizeof(lg));
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct mt *t = *state;

	tt_rx_fini(&t->f.rx);
	free(t);
	return 0;
}

static void
put(struct mt *t, uint16_t len)
{
	rx_frame(&t->f.rx.ctx, t->f.frame, len, 0, 1000);
}

static const struct mdp3_msg book_trade[] = {
	{ TW_MDP3_BOOK, 20, 0 }, { TW_MDP3_TRADE_SUMMARY, 12, 0 },
};
static const struct mdp3_msg status[] = { { TW_MDP3_SECURITY_STATUS, 8, 0 } };

static void
a_sequence_per_packet_each_message_at_it(void **state)
{
	struct mt *t = *state;

	put(t, mdp3_frame(t->f.frame, 1, 1, book_trade, 2));
	put(t, mdp3_frame(t->f.frame, 1, 2, status, 1));
	put(t, mdp3_frame(t->f.frame, 1, 2, status, 1));     /* again */
	assert_int_equal(lg.n, 3);
	assert_int_equal(lg.seq[0], 1);
	assert_int_equal(lg.seq[1], 1);
	assert_int_equal(lg.tmpl[0], TW_MDP3_BOOK);
	assert_int_equal(lg.tmpl[1], TW_MDP3_TRADE_SUMMARY);
	assert_int_equal(lg.seq[2], 2);
	assert_int_equal(lg.tmpl[2], TW_MDP3_SECURITY_STATUS);
	assert_int_equal(t->f.rx.ctr.pkts_accepted, 2);
	assert_int_equal(t->f.rx.ctr.drops[TW_DROP_DUPLICATE], 1);
	assert_int_equal(t->f.rx.ctr.msgs, 3);
	assert_int_equal(t->f.rx.ch[1].expected, 3);     /* packets */
}

static void
a_jump_is_a_gap_of_packets_and_marks_the_channel(void **state)
{
	struct mt *t = *state;
	uint32_t l;

	put(t, mdp3_frame(t->f.frame, 2, 1, status, 1));
	put(t, mdp3_frame(t->f.frame, 2, 4, status, 1));     /* 2, 3 lost */
	assert_int_equal(lg.n, 2);
	assert_int_equal(t->f.rx.ch[2].ctr.gaps, 1);
	assert_int_equal(t->f.rx.ch[2].ctr.gap_msgs, 2);
	assert_int_equal(t->f.rx.ch[2].expected, 5);
	/* No snapshot loop yet: the channel's symbols say they may miss. */
	for (l = 2; l < TT_SYMBOLS; l += TT_CHANNELS)
		assert_true(t->f.rx.cache->info[l].stale);
	assert_false(t->f.rx.cache->info[1].stale);
}

static void
a_message_past_the_packet_drops_it_whole(void **state)
{
	struct mt *t = *state;
	const struct mdp3_msg bad[] = {
		{ TW_MDP3_BOOK, 20, 0 }, { TW_MDP3_SECURITY_STATUS, 8, 1 },
	};

	put(t, mdp3_frame(t->f.frame, 0, 1, bad, 2));
	assert_int_equal(t->f.rx.ctr.drops[TW_DROP_BAD_MSG_LEN], 1);
	assert_int_equal(lg.n, 0);
	assert_int_equal(t->f.rx.ch[0].expected, TW_MOLD_FIRST_SEQ);
}

static void
the_message_layers_refusal_is_the_packets(void **state)
{
	struct mt *t = *state;
	const struct mdp3_msg odd[] = {
		{ TW_MDP3_BOOK, 20, 0 }, { BAD_TEMPLATE, 4, 0 },
	};

	put(t, mdp3_frame(t->f.frame, 3, 1, odd, 2));
	assert_int_equal(t->f.rx.ctr.drops[TW_DROP_BAD_MSG_TYPE], 1);
	assert_int_equal(lg.checks, 2);
	assert_int_equal(lg.n, 0);
}

static void
a_payload_short_of_the_header_is_the_transports(void **state)
{
	struct mt *t = *state;
	uint16_t len = mdp3_frame(t->f.frame, 1, 1, NULL, 0);
	uint16_t cut = len - 4;         /* 8 of the header's 12 bytes */

	tt_ip(t->f.frame)->total_length = rte_cpu_to_be_16(cut -
		TW_ETH_HDR_LEN);
	tt_udp(t->f.frame)->dgram_len = rte_cpu_to_be_16(cut -
		TW_ETH_HDR_LEN - TW_IPV4_HDR_LEN);
	tt_fix_checksums_at(t->f.frame, cut, TW_ETH_HDR_LEN);
	put(t, cut);
	assert_int_equal(t->f.rx.ctr.drops[TW_DROP_BAD_XPORT_HDR], 1);
	assert_int_equal(lg.checks, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			a_sequence_per_packet_each_message_at_it, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_jump_is_a_gap_of_packets_and_marks_the_channel, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_message_past_the_packet_drops_it_whole, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			the_message_layers_refusal_is_the_packets, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_payload_short_of_the_header_is_the_transports, setup,
			teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
