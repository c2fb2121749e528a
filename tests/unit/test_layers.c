/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive path's layers apart. A message protocol of this test's
 * own ("echo": a type byte 'E' and a 64-bit value, nothing of
 * tickwire's) is composed with the MoldUDP64 transport layer and the
 * L2-L4 layer by lib/parse's composer, exactly as lib/parse and
 * lib/itch compose theirs. What the transport decides (sessions,
 * sequence, gaps, hold-back, message boundaries) is then seen with no
 * cache and no books in the way; what the message layer refuses is the
 * frame's verdict; the L2-L4 layer hands up the UDP payload only.
 * This file is also the smallest example of a message layer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_test_fixture.h"
#include "tw_rx_frame.h"

/* ---- the level: scalar, no fast header path ---- */
#define TW_RX_LEVEL layers_test
#define TW_RX_HAVE_FAST_HEADERS 0

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	return rte_raw_cksum(buf, len);
}

/* ---- the message layer: echo ---- */
#define TW_RX_MSG_LAYER echo
#define TW_RX_HOLD_BACK         /* every message in order, as ITCH */
#define ECHO_TYPE 'E'
#define ECHO_LEN 9
#define ECHO_LOG_MAX 64

static struct {
	uint64_t seq[ECHO_LOG_MAX];
	uint64_t val[ECHO_LOG_MAX];
	unsigned int n;         /* messages applied */
	unsigned int checks;    /* messages checked */
	unsigned int pkts;      /* packets ended */
} echo;

static inline int
msg_check(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint32_t channel)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(channel);
	echo.checks++;
	if (m[0] != ECHO_TYPE)
		return TW_DROP_BAD_MSG_TYPE;
	if (mlen != ECHO_LEN)
		return TW_DROP_BAD_MSG_LEN;
	return TW_RX_ACCEPT;
}

struct msg_pkt {
	unsigned int applied;
};

static inline void
msg_apply(struct tw_rx_ctx *ctx, struct msg_pkt *pk, const uint8_t *m,
		uint16_t mlen, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	uint64_t v;

	RTE_SET_USED(ctx);
	RTE_SET_USED(mlen);
	RTE_SET_USED(channel);
	RTE_SET_USED(now_ns);
	RTE_SET_USED(track);
	memcpy(&v, m + 1, sizeof(v));
	assert_true(echo.n < ECHO_LOG_MAX);
	echo.seq[echo.n] = seq;
	echo.val[echo.n++] = v;
	pk->applied++;
}

static inline void
msg_pkt_end(struct tw_rx_ctx *ctx, const struct msg_pkt *pk,
		const uint8_t *last, uint32_t applied, uint64_t now_ns)
{
	RTE_SET_USED(last);
	RTE_SET_USED(now_ns);
	assert_int_equal(pk->applied, applied);
	ctx->ctr->msgs += applied;
	echo.pkts++;
}

#include "tw_mold_rx.h"
#include "tw_rx_template.h"

/* ---- frames: the transport's own builder, echo messages inside ---- */

/* A frame on channel ch, sequence seq, n echo messages valued v, v+1... */
static uint16_t
echo_frame(uint8_t *buf, uint16_t ch, uint64_t seq, uint16_t n, uint64_t v)
{
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	uint16_t i;

	tt_frame_open(buf, 0, ch, seq, &t, &b);
	for (i = 0; i < n; i++) {
		uint8_t *m = tw_pkt_reserve(&b, &t, ECHO_LEN);
		uint64_t x = v + i;

		m[0] = ECHO_TYPE;
		memcpy(m + 1, &x, sizeof(x));
	}
	return tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
}

struct lt {
	struct tt_fixture f;
	struct tw_rx_side side[TT_SYMBOLS];
};

static int
setup(void **state)
{
	struct lt *l = aligned_alloc(64, sizeof(*l));

	assert_non_null(l);
	memset(l, 0, sizeof(*l));
	assert_int_equal(tt_rx_init(&l->f.rx, 0, TT_SYMBOLS, TW_SIMD_SCALAR),
		0);
	l->f.rx.ctx.side = l->side;     /* gaps are kept */
	memset(&echo, 0, sizeof(echo));
	*state = l;
	return 0;
}

static int
teardown(void **state)
{
	struct lt *l = *state;

	tt_rx_fini(&l->f.rx);
	free(l);
	return 0;
}

static void
put(struct lt *l, uint16_t len, uint64_t now_ns)
{
	rx_frame(&l->f.rx.ctx, l->f.frame, len, 0, now_ns);
}

static void
each_message_once_in_sequence_order(void **state)
{
	struct lt *l = *state;
	unsigned int i;

	put(l, echo_frame(l->f.frame, 1, 1, 3, 100), 10);
	put(l, echo_frame(l->f.frame, 1, 4, 2, 103), 11);
	put(l, echo_frame(l->f.frame, 1, 1, 3, 100), 12);     /* again */
	assert_int_equal(echo.n, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(echo.seq[i], 1 + i);
		assert_int_equal(echo.val[i], 100 + i);
	}
	assert_int_equal(echo.pkts, 2);
	assert_int_equal(l->f.rx.ctr.drops[TW_DROP_DUPLICATE], 1);
	assert_int_equal(l->f.rx.ctr.msgs, 5);
	assert_int_equal(l->f.rx.ch[1].expected, 6);
}

static void
the_message_layers_refusal_is_the_frames(void **state)
{
	struct lt *l = *state;
	uint16_t len = echo_frame(l->f.frame, 2, 1, 3, 7);

	/* The second message is of a type echo does not know. */
	tt_first_block(l->f.frame)[2 * TW_MOLD_BLOCK_HDR_LEN + ECHO_LEN] = 'Z';
	tt_fix_checksums(l->f.frame);
	put(l, len, 1);
	assert_int_equal(l->f.rx.ctr.drops[TW_DROP_BAD_MSG_TYPE], 1);
	assert_int_equal(echo.checks, 2);       /* stopped at the bad one */
	assert_int_equal(echo.n, 0);            /* all or nothing */
	assert_int_equal(l->f.rx.ch[2].expected, TW_MOLD_FIRST_SEQ);
}

static void
boundaries_are_the_transports(void **state)
{
	struct lt *l = *state;
	uint16_t len = echo_frame(l->f.frame, 0, 1, 2, 7);
	uint8_t *b = tt_first_block(l->f.frame);

	/* The second block claims one byte past the datagram. */
	b[TW_MOLD_BLOCK_HDR_LEN + ECHO_LEN + 1] = ECHO_LEN + 1;
	tt_fix_checksums(l->f.frame);
	put(l, len, 1);
	assert_int_equal(l->f.rx.ctr.drops[TW_DROP_BAD_MSG_LEN], 1);
	assert_int_equal(echo.checks, 1);       /* never shown the second */
	assert_int_equal(echo.n, 0);
}

static void
nothing_applies_past_a_gap_until_it_is_filled(void **state)
{
	struct lt *l = *state;

	put(l, echo_frame(l->f.frame, 3, 1, 1, 1), 1);
	put(l, echo_frame(l->f.frame, 3, 3, 1, 3), 2);  /* 2 is missing */
	assert_int_equal(echo.n, 1);
	assert_int_equal(l->f.rx.ch[3].nb_gaps, 1);
	put(l, echo_frame(l->f.frame, 3, 2, 1, 2), 3);  /* late, in order */
	put(l, echo_frame(l->f.frame, 3, 3, 1, 3), 4);  /* again, in order */
	assert_int_equal(echo.n, 3);
	assert_int_equal(echo.seq[1], 2);
	assert_int_equal(echo.seq[2], 3);
	assert_int_equal(echo.val[2], 3);
	assert_int_equal(l->f.rx.ch[3].nb_gaps, 0);
}

static void
another_session_never_reaches_the_messages(void **state)
{
	struct lt *l = *state;
	uint16_t len = echo_frame(l->f.frame, 0, 1, 1, 1);

	tt_mold(l->f.frame)->session[0] ^= 1;
	tt_fix_checksums(l->f.frame);
	put(l, len, 1);
	assert_int_equal(l->f.rx.ctr.drops[TW_DROP_BAD_SESSION], 1);
	assert_int_equal(echo.checks, 0);
}

static void
l2_l4_layer_hands_up_the_udp_payload(void **state)
{
	struct lt *l = *state;
	uint16_t len = echo_frame(l->f.frame, 1, 9, 2, 5);
	struct tw_rx_view v;

	assert_int_equal(net_fast(&l->f.rx.ctx, l->f.frame, len, 0, &v),
		TW_RX_UNDECIDED);       /* this level has no fast path */
	assert_int_equal(tw_rx_check_headers(&l->f.rx.ctx, l->f.frame, len,
		0, &v), TW_RX_ACCEPT);
	assert_ptr_equal(v.payload, (const uint8_t *)tt_mold(l->f.frame));
	assert_int_equal(v.payload_len, TW_MOLD_HDR_LEN +
		2 * (TW_MOLD_BLOCK_HDR_LEN + ECHO_LEN));
	assert_int_equal(v.channel, 1);
	assert_false(v.retrans);
	/* A bad IP checksum is layer 1's: the layers above never see it. */
	tt_ip(l->f.frame)->hdr_checksum ^= 1;
	put(l, len, 1);
	assert_int_equal(l->f.rx.ctr.drops[TW_DROP_BAD_IP_CSUM], 1);
	assert_int_equal(echo.checks, 0);
	/* The transport's header short of its length: the transport's. */
	assert_int_equal(xport_hdr_check(&l->f.rx.ctx, &(struct tw_rx_view){
		.payload = v.payload, .payload_len = TW_MOLD_HDR_LEN - 1 },
		false), TW_DROP_BAD_MOLD_HDR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			each_message_once_in_sequence_order, setup, teardown),
		cmocka_unit_test_setup_teardown(
			the_message_layers_refusal_is_the_frames, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			boundaries_are_the_transports, setup, teardown),
		cmocka_unit_test_setup_teardown(
			nothing_applies_past_a_gap_until_it_is_filled, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			another_session_never_reaches_the_messages, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			l2_l4_layer_hands_up_the_udp_payload, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
