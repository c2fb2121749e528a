/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hostile but well-formed frames: each is dropped under its own reason
 * or starts what the rules say (docs/protocol.md), the legitimate feed
 * keeps flowing after it, and nothing it should not write reaches the
 * cache. Every SIMD level agrees with the scalar reference on the port
 * checksum verdicts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_rx_path.h"
#include "tw_rx_frame.h"
#include "tw_test_mutations.h"
#include "tw_test_fixture.h"

static int
tt_setup_auto(void **state)
{
	return tt_fixture_setup(state, true);
}

static void
rx(struct tt_fixture *f, uint16_t len, uint64_t now_ns)
{
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, now_ns);
}

/* n quotes on ch from seq (values from k), received at now_ns. */
static void
quotes(struct tt_fixture *f, uint16_t ch, uint64_t seq, uint16_t n, int64_t k,
		uint64_t now_ns)
{
	rx(f, tt_quote_frame(f->frame, 0, ch, seq, n, k), now_ns);
}

static void
control(struct tt_fixture *f, uint16_t ch, uint64_t seq, uint16_t count,
		uint64_t now_ns)
{
	rx(f, tt_control_frame(f->frame, ch, seq, count), now_ns);
}

/* A frame of another session: the same bytes, the session renamed. */
static uint16_t
with_session(uint8_t *frame, uint16_t len, const char *session)
{
	memcpy(tt_mold(frame)->session, session, TW_MOLD_SESSION_LEN);
	tt_fix_checksums(frame);
	return len;
}

static int64_t
bid_of(struct tt_fixture *f, uint32_t locate)
{
	struct tw_cache_snapshot s;

	assert_int_equal(tw_cache_snapshot(f->rx.cache, locate, &s), 0);
	return s.bid_px;
}

/* One heartbeat from far in the future does not move the channel. */
static void
far_future_heartbeat_cannot_poison_a_channel(void **state)
{
	struct tt_fixture *f = *state;

	quotes(f, 1, 1, 3, 0, 10);
	control(f, 1, UINT64_C(1) << 61, TW_MOLD_COUNT_HEARTBEAT, 11);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_SEQ_FAR], 1);
	assert_int_equal(f->rx.ch[1].expected, 4);
	quotes(f, 1, 4, 3, 50, 12);     /* the feed goes on */
	assert_int_equal(f->rx.ctr.msgs, 6);
	assert_int_equal(f->rx.ch[1].expected, 7);
	assert_int_equal(f->rx.ch[1].ctr.gaps, 0);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_DUPLICATE], 0);
}

/* A data frame far ahead is taken only once the next one continues it. */
static void
far_jump_is_taken_when_the_next_packet_continues_it(void **state)
{
	struct tt_fixture *f = *state;
	uint64_t far = 1 + f->rx.feed.max_gap + 100;

	quotes(f, 2, 1, 2, 0, 10);
	quotes(f, 2, far, 2, 10, 11);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_SEQ_FAR], 1);
	assert_int_equal(f->rx.ch[2].expected, 3);
	quotes(f, 2, far + 2, 2, 20, 12);       /* continues it: a real jump */
	assert_int_equal(f->rx.ch[2].expected, far + 4);
	assert_int_equal(f->rx.ch[2].ctr.gaps, 1);
	assert_int_equal(f->rx.ch[2].ctr.gap_msgs, far + 2 - 3);
}

/* Sequence 0 and numbers where seq + count would wrap are refused. */
static void
sequences_that_could_wrap_are_refused(void **state)
{
	struct tt_fixture *f = *state;

	quotes(f, 0, UINT64_MAX - 1, 3, 0, 10);
	quotes(f, 0, 0, 3, 0, 10);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_SEQ], 2);
	assert_int_equal(f->rx.ctr.msgs, 0);
	assert_int_equal(f->rx.ch[0].expected, 1);
	quotes(f, 0, 1, 3, 0, 11);
	assert_int_equal(f->rx.ctr.msgs, 3);
}

/*
 * An end of session counts only at the expected sequence: a forged one
 * with an old or a future number does not end the channel.
 */
static void
forged_end_of_session_does_not_end_a_channel(void **state)
{
	struct tt_fixture *f = *state;

	quotes(f, 3, 1, 3, 0, 10);
	control(f, 3, 2, TW_MOLD_COUNT_END_OF_SESSION, 11);
	control(f, 3, 9, TW_MOLD_COUNT_END_OF_SESSION, 11);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_END], 2);
	assert_int_equal(f->rx.ch[3].ended, 0);
	assert_int_equal(f->rx.ctr.end_of_session, 0);
	quotes(f, 3, 4, 3, 10, 12);
	assert_int_equal(f->rx.ctr.msgs, 6);
	control(f, 3, 7, TW_MOLD_COUNT_END_OF_SESSION, 13);
	assert_int_equal(f->rx.ch[3].ended, 1);
}

/* Nothing after the end of a session is applied. */
static void
data_after_end_of_session_is_not_applied(void **state)
{
	struct tt_fixture *f = *state;

	quotes(f, 1, 1, 1, 0, 10);
	control(f, 1, 2, TW_MOLD_COUNT_END_OF_SESSION, 11);
	quotes(f, 1, 2, 1, 77, 12);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_AFTER_END], 1);
	assert_int_equal(bid_of(f, 1), 1000000);        /* k = 0 */
	assert_int_equal(f->rx.ctr.msgs, 1);
}

/*
 * A generator that restarts with the same session name starts again at
 * sequence 1: after the end (or silence) that is a new session, counted.
 */
static void
same_name_restart_after_end_starts_a_new_session(void **state)
{
	struct tt_fixture *f = *state;

	quotes(f, 2, 1, 2, 0, 10);
	control(f, 2, 3, TW_MOLD_COUNT_END_OF_SESSION, 11);
	quotes(f, 2, 1, 2, 40, 12);
	assert_int_equal(f->rx.ctr.sessions_started, 1);
	assert_int_equal(f->rx.ch[2].sessions, 1);
	assert_int_equal(f->rx.ch[2].ended, 0);
	assert_int_equal(f->rx.ch[2].expected, 3);
	assert_int_equal(bid_of(f, 2), 1000040);
}

/*
 * session = auto: a channel adopts its first session; another session
 * is refused while it runs, and starts (counted) once it has ended.
 */
static void
new_session_after_end_is_adopted_and_counted(void **state)
{
	struct tt_fixture *f = *state;
	uint16_t len;

	len = tt_quote_frame(f->frame, 0, 1, 1, 2, 0);
	rx(f, with_session(f->frame, len, "TWAAAAAAAA"), 10);
	len = tt_quote_frame(f->frame, 0, 1, 1, 2, 30);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 11);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_SESSION], 1);
	len = tt_control_frame(f->frame, 1, 3, TW_MOLD_COUNT_END_OF_SESSION);
	rx(f, with_session(f->frame, len, "TWAAAAAAAA"), 12);
	assert_int_equal(f->rx.ch[1].ended, 1);
	len = tt_quote_frame(f->frame, 0, 1, 1, 2, 30);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 13);
	assert_int_equal(f->rx.ctr.sessions_started, 1);
	assert_memory_equal(f->rx.ch[1].session, "TWBBBBBBBB", 10);
	assert_int_equal(bid_of(f, 1), 1000030);
}

/* ... and once the old one has been silent for session_idle_ns. */
static void
new_session_after_silence_is_adopted(void **state)
{
	struct tt_fixture *f = *state;
	uint64_t idle = f->rx.feed.session_idle_ns;
	uint16_t len;

	len = tt_quote_frame(f->frame, 0, 0, 1, 2, 0);
	rx(f, with_session(f->frame, len, "TWAAAAAAAA"), 1000);
	len = tt_quote_frame(f->frame, 0, 0, 1, 2, 30);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 1000 + idle / 2);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_SESSION], 1);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 1000 + idle + 1);
	assert_int_equal(f->rx.ctr.sessions_started, 1);
	assert_int_equal(bid_of(f, 0), 1000030);
}

/*
 * A packet of another session with a sequence number no session has (0,
 * or past TW_SEQ_MAX) is malformed: after silence it starts no session
 * (the channel's state and its symbols stay; fuzz_frame found one
 * emptying them), and on a fresh channel it adopts none.
 */
static void
a_bad_sequence_starts_no_session(void **state)
{
	struct tt_fixture *f = *state;
	uint64_t idle = f->rx.feed.session_idle_ns;
	struct tw_rx_side *side = calloc(TT_SYMBOLS, sizeof(*side));
	uint16_t len;

	assert_non_null(side);
	f->rx.ctx.side = side;  /* a new session empties the symbols */
	len = tt_quote_frame(f->frame, 0, 0, 1, 2, 0);
	rx(f, with_session(f->frame, len, "TWAAAAAAAA"), 1000);
	len = tt_quote_frame(f->frame, 0, 0, TW_SEQ_MAX + 1, 2, 30);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 1000 + idle + 1);
	len = tt_control_frame(f->frame, 0, 0, TW_MOLD_COUNT_HEARTBEAT);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 1000 + idle + 2);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_SEQ], 2);
	assert_int_equal(f->rx.ctr.sessions_started, 0);
	assert_memory_equal(f->rx.ch[0].session, "TWAAAAAAAA", 10);
	assert_int_equal(f->rx.ch[0].expected, 3);
	assert_int_equal(bid_of(f, 0), 1000000);
	len = tt_quote_frame(f->frame, 0, 1, 0, 1, 0);
	rx(f, with_session(f->frame, len, "TWCCCCCCCC"), 1000);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_SEQ], 3);
	assert_int_equal(f->rx.ch[1].has_session, 0);
	/* The new session's own first packet starts it, as ever. */
	len = tt_quote_frame(f->frame, 0, 0, 1, 2, 30);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 1000 + idle + 3);
	assert_int_equal(f->rx.ctr.sessions_started, 1);
	assert_int_equal(bid_of(f, 0), 1000030);
	f->rx.ctx.side = NULL;
	free(side);
}

/*
 * One packet of another session far ahead of its start does not start
 * it after silence (a far jump needs a second packet that continues
 * it): refused, the channel and its symbols as they were; the packet
 * that continues it starts the session, a late join.
 */
static void
a_far_packet_starts_a_session_only_when_continued(void **state)
{
	struct tt_fixture *f = *state;
	uint64_t idle = f->rx.feed.session_idle_ns;
	uint64_t far = 1 + f->rx.feed.max_gap + 100;
	struct tw_rx_side *side = calloc(TT_SYMBOLS, sizeof(*side));
	uint16_t len;

	assert_non_null(side);
	f->rx.ctx.side = side;  /* a new session empties the symbols */
	len = tt_quote_frame(f->frame, 0, 0, 1, 2, 0);
	rx(f, with_session(f->frame, len, "TWAAAAAAAA"), 1000);
	len = tt_quote_frame(f->frame, 0, 0, far, 2, 30);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 1000 + idle + 1);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_SEQ_FAR], 1);
	assert_int_equal(f->rx.ctr.sessions_started, 0);
	assert_memory_equal(f->rx.ch[0].session, "TWAAAAAAAA", 10);
	assert_int_equal(f->rx.ch[0].expected, 3);
	assert_int_equal(bid_of(f, 0), 1000000);
	len = tt_quote_frame(f->frame, 0, 0, far + 2, 2, 40);
	rx(f, with_session(f->frame, len, "TWBBBBBBBB"), 1000 + idle + 2);
	assert_int_equal(f->rx.ctr.sessions_started, 1);
	assert_memory_equal(f->rx.ch[0].session, "TWBBBBBBBB", 10);
	assert_int_equal(f->rx.ch[0].expected, far + 4);
	assert_int_equal(f->rx.ch[0].ctr.late_joins, 1);
	assert_int_equal(bid_of(f, 0), 1000040);
	f->rx.ctx.side = NULL;
	free(side);
}

/* A symbol of another channel (locate % channels) never writes. */
static void
symbol_of_another_channel_is_dropped(void **state)
{
	struct tt_fixture *f = *state;
	struct tw_quote q = tt_quote(5, 9);     /* 5 % 4 = channel 1 */
	uint16_t len = tt_frame_of_quote(f->frame, 2, 1, &q);

	rx(f, len, 10);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_WRONG_CHANNEL], 1);
	assert_int_equal(f->rx.ctr.msgs, 0);
	assert_int_equal(f->rx.ch[2].expected, 1);
	assert_int_equal(bid_of(f, 5), 0);
}

/* An RX lcore that shares its cache writes only the channels it owns. */
static void
channel_of_another_lcore_is_dropped(void **state)
{
	struct tt_fixture *f = *state;
	static const bool own[TT_CHANNELS] = { false, true, false, true };

	tw_rx_ctx_own_channels(&f->rx.ctx, own, TT_CHANNELS);
	quotes(f, 0, 1, 1, 0, 10);
	quotes(f, 1, 1, 1, 0, 10);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_NOT_OWNER], 1);
	assert_int_equal(f->rx.ctr.msgs, 1);
	assert_int_equal(f->rx.ch[0].expected, 1);
}

/* One directory message in a frame of its own. */
static uint16_t
directory_frame(uint8_t *buf, uint16_t ch, uint64_t seq, uint32_t locate,
		const char *ticker, uint8_t decimals)
{
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	struct tw_directory d = { .locate = locate, .price_decimals = decimals };

	memcpy(d.ticker, ticker, TW_TICKER_LEN);
	tt_frame_open(buf, 0, ch, seq, &t, &b);
	tw_encode_directory(tw_pkt_reserve(&b, &t, TW_MSG_DIRECTORY_LEN), &d);
	return tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
}

/*
 * The directory may name a locate once (a repeat changes nothing); a
 * re-map, a stolen ticker, unsafe ticker bytes and decimals above 18
 * are dropped under their own reasons and change nothing.
 */
static void
directory_rules_hold(void **state)
{
	struct tt_fixture *f = *state;
	struct tw_cache_snapshot s;

	rx(f, directory_frame(f->frame, 1, 1, 1, "AAA     ", 4), 10);
	rx(f, directory_frame(f->frame, 1, 2, 1, "AAA     ", 4), 10);
	assert_int_equal(f->rx.ctr.directories, 2);
	rx(f, directory_frame(f->frame, 1, 3, 1, "BBB     ", 4), 10);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_DIR_REMAP], 1);
	rx(f, directory_frame(f->frame, 1, 3, 5, "AAA     ", 4), 10);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_DIR_TICKER_TAKEN], 1);
	rx(f, directory_frame(f->frame, 1, 3, 5, "A,B     ", 4), 10);
	rx(f, directory_frame(f->frame, 1, 3, 5, "A\x1b[2J   ", 4), 10);
	rx(f, directory_frame(f->frame, 1, 3, 5, "        ", 4), 10);
	rx(f, directory_frame(f->frame, 1, 3, 5, "A B     ", 4), 10);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_DIR_BAD_TICKER], 4);
	rx(f, directory_frame(f->frame, 1, 3, 5, "CCC     ", 19), 10);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_DIR_BAD_DECIMALS], 1);
	assert_int_equal(tw_cache_snapshot(f->rx.cache, 1, &s), 0);
	assert_string_equal(s.ticker, "AAA     ");
	assert_int_equal(tw_cache_find(f->rx.cache, "AAA     "), 1);
	assert_int_equal(tw_cache_find(f->rx.cache, "CCC     "), -ENOENT);
	rx(f, directory_frame(f->frame, 1, 3, 5, "CCC     ", 18), 10);
	assert_int_equal(tw_cache_find(f->rx.cache, "CCC     "), 5);
}

/* No sane send time (0 here): counted, never a histogram sample. */
static void
latency_out_of_range_is_counted_not_recorded(void **state)
{
	struct tt_fixture *f = *state;
	struct tw_hist *h = malloc(sizeof(*h));
	struct tw_quote q = tt_quote(1, 0);

	tw_hist_init(h);
	f->rx.ctx.lat = h;
	q.send_ns = 0;
	rx(f, tt_frame_of_quote(f->frame, 1, 1, &q), UINT64_C(1) << 60);
	assert_int_equal(f->rx.ctr.lat_out_of_range, 1);
	assert_int_equal(f->rx.ctr.lat_samples, 0);
	assert_int_equal(h->count, 0);
	assert_int_equal(f->rx.ctr.msgs, 1);       /* the quote itself counts */
	free(h);
}

/*
 * Every level gives the scalar verdict for every combination of port
 * checksum verdicts, with a zero and a wrong UDP checksum alike.
 */
static void
every_level_agrees_on_port_checksum_verdicts(void **state)
{
	static const uint64_t ip_v[] = { 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_NONE };
	static const uint64_t l4_v[] = { 0, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_NONE };
	struct tt_fixture *f = *state;
	struct rte_mbuf *m = aligned_alloc(64, sizeof(*m) + TT_FRAME_MAX);
	unsigned int a, b, z, level;

	RTE_SET_USED(f);
	for (level = TW_SIMD_SSE; level < TW_SIMD_MAX; level++) {
		if (!tw_simd_cpu_has(level))
			continue;
		for (a = 0; a < RTE_DIM(ip_v); a++)
		for (b = 0; b < RTE_DIM(l4_v); b++)
		for (z = 0; z < 3; z++) {
			struct tt_fixture *ref, *lvl;
			uint16_t len;

			tt_setup((void **)&ref);
			tt_setup((void **)&lvl);
			assert_int_equal(tw_rx_ctx_init(&lvl->rx.ctx, &lvl->rx.feed,
				lvl->rx.cache, lvl->rx.ch, &lvl->rx.ctr, level), 0);
			len = tt_quote_frame(ref->frame, 0, 1, 1, 3, 0);
			if (z == 1)             /* no checksum (RFC 768) */
				tt_udp(ref->frame)->dgram_cksum = 0;
			if (z == 2)             /* a wrong one */
				tt_udp(ref->frame)->dgram_cksum ^= 0x0101;
			memset(m, 0, sizeof(*m));
			m->buf_addr = (uint8_t *)(m + 1);
			m->data_off = 0;
			m->nb_segs = 1;
			m->data_len = m->pkt_len = len;
			m->ol_flags = ip_v[a] | l4_v[b];
			memcpy(m->buf_addr, ref->frame, len);
			tw_rx_frame(&ref->rx.ctx, ref->frame, len, m->ol_flags, 1);
			tw_rx_burst(&lvl->rx.ctx, &m, 1, 1);
			assert_memory_equal(ref->rx.ctr.drops, lvl->rx.ctr.drops,
				sizeof(ref->rx.ctr.drops));
			assert_int_equal(ref->rx.ctr.msgs, lvl->rx.ctr.msgs);
			tt_teardown((void **)&ref);
			tt_teardown((void **)&lvl);
		}
	}
	free(m);
}

/*
 * Orders go back only to one host: a group or zero source MAC, or a
 * source address that is not unicast, is refused and counted; replies
 * past the burst's capacity are counted as dropped.
 */
static void
orders_go_only_to_a_unicast_source(void **state)
{
	static const struct {
		uint8_t mac0;
		uint32_t ip;
		bool ok;
	} src[] = {
		{ 0x02, TW_IPV4(192, 0, 2, 1), true },
		{ 0xff, TW_IPV4(192, 0, 2, 1), false },  /* broadcast MAC */
		{ 0x01, TW_IPV4(192, 0, 2, 1), false },  /* group MAC */
		{ 0x02, TW_IPV4(255, 255, 255, 255), false },
		{ 0x02, TW_IPV4(224, 0, 0, 1), false },
		{ 0x02, TW_IPV4(127, 0, 0, 1), false },
		{ 0x02, 0, false },
	};
	struct tt_fixture *f = *state;
	struct tw_order_reply replies[2];
	unsigned int i, ok = 0;

	f->rx.ctx.replies = replies;
	f->rx.ctx.reply_cap = 2;
	for (i = 0; i < RTE_DIM(src); i++) {
		struct tw_quote q = tt_quote(1, i);
		uint16_t len;

		q.reply_id = 9;
		len = tt_frame_of_quote(f->frame, 1, 1 + i, &q);
		f->frame[RTE_ETHER_ADDR_LEN] = src[i].mac0;
		tt_ip(f->frame)->src_addr = rte_cpu_to_be_32(src[i].ip);
		tt_fix_checksums(f->frame);
		f->rx.ctx.nb_replies = 0;
		rx(f, len, 10);
		assert_int_equal(f->rx.ctx.nb_replies, src[i].ok ? 1 : 0);
		ok += src[i].ok;
	}
	assert_int_equal(f->rx.ctr.msgs, RTE_DIM(src));   /* quotes applied */
	assert_int_equal(f->rx.ctr.orders_refused, RTE_DIM(src) - ok);
	/* Three asks in one burst, room for two: one counted dropped. */
	f->rx.ctx.nb_replies = 0;
	for (i = 0; i < 3; i++) {
		struct tw_quote q = tt_quote(1, 50 + i);
		uint16_t len;

		q.reply_id = 9;
		len = tt_frame_of_quote(f->frame, 1, 1 + RTE_DIM(src) + i, &q);
		rx(f, len, 10);
	}
	assert_int_equal(f->rx.ctx.nb_replies, 2);
	assert_int_equal(f->rx.ctr.orders_dropped, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tt_setup, tt_teardown)
#define TA(fn) cmocka_unit_test_setup_teardown(fn, tt_setup_auto, tt_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(far_future_heartbeat_cannot_poison_a_channel),
		T(far_jump_is_taken_when_the_next_packet_continues_it),
		T(sequences_that_could_wrap_are_refused),
		T(forged_end_of_session_does_not_end_a_channel),
		T(data_after_end_of_session_is_not_applied),
		T(same_name_restart_after_end_starts_a_new_session),
		TA(new_session_after_end_is_adopted_and_counted),
		TA(new_session_after_silence_is_adopted),
		TA(a_bad_sequence_starts_no_session),
		TA(a_far_packet_starts_a_session_only_when_continued),
		T(symbol_of_another_channel_is_dropped),
		T(channel_of_another_lcore_is_dropped),
		T(directory_rules_hold),
		T(latency_out_of_range_is_counted_not_recorded),
		T(every_level_agrees_on_port_checksum_verdicts),
		T(orders_go_only_to_a_unicast_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
