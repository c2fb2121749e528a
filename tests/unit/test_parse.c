/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX validation: each malformed class is dropped under its own reason
 * and writes nothing to the cache; sequence gaps and duplicates are
 * counted; accepted frames land in the cache exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_rx_path.h"
#include "tw_test_mutations.h"
#include "tw_test_fixture.h"

static uint64_t
drops_total(const struct tw_rx_counters *c)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < TW_DROP_MAX; i++)
		n += c->drops[i];
	return n;
}

static void
valid_frame_updates_cache_exactly(void **state)
{
	struct tt_fixture *f = *state;
	struct tw_cache_snapshot s;
	uint16_t len = tt_quote_frame(f->frame, 0, 1, 1, 3, 10);

	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 100);
	assert_int_equal(drops_total(&f->rx.ctr), 0);
	assert_int_equal(f->rx.ctr.msgs, 3);
	assert_int_equal(f->rx.ctr.quotes, 3);
	assert_int_equal(f->rx.ch[1].expected, 4);
	/* Second message: locate 1 + 4, k = 11, sequence 2. */
	assert_int_equal(tw_cache_snapshot(f->rx.cache, 5, &s), 0);
	assert_int_equal(s.bid_px, 1000011);
	assert_int_equal(s.ask_px, 1000111);
	assert_int_equal(s.bid_sz, 111);
	assert_int_equal(s.ask_sz, 211);
	assert_int_equal(s.last_seq, 2);
	assert_int_equal(s.updates, 1);
	assert_int_equal(s.last_update_ns, 100);
	/* One latency sample: arrival 100 - stamp 1. */
	assert_int_equal(f->rx.ctr.lat_samples, 1);
	assert_int_equal(f->rx.ctr.lat_sum_ns, 99);
}

static void
directory_only_packet_gives_no_latency_sample(void **state)
{
	struct tt_fixture *f = *state;
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	struct tw_directory d = { .locate = 1, .price_decimals = 2,
		.ticker = "ABCDEFGH" };
	uint16_t len;

	tt_frame_open(f->frame, 0, 1, 1, &t, &b);
	tw_encode_directory(tw_pkt_reserve(&b, &t, TW_MSG_DIRECTORY_LEN), &d);
	len = tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1000);
	assert_int_equal(f->rx.ctr.directories, 1);
	assert_int_equal(f->rx.ctr.lat_samples, 0);
	assert_int_equal(f->rx.ctr.lat_negative, 0);
	assert_int_equal(tw_cache_find(f->rx.cache, "ABCDEFGH"), 1);
}

static void
each_malformed_class_is_counted_and_writes_nothing(void **state)
{
	struct tt_fixture *f = *state;
	size_t sz = tw_cache_memsize(TT_SYMBOLS);
	uint8_t *before = malloc(sz);
	unsigned int i;

	/* Some accepted state first: it must survive every bad frame. */
	tw_rx_frame(&f->rx.ctx, f->frame, tt_quote_frame(f->frame, 0, 2, 1, 5, 0),
		0, 1);
	memcpy(before, f->rx.cache_mem, sz);
	for (i = 0; i < RTE_DIM(tt_malformed); i++) {
		uint64_t was = f->rx.ctr.drops[tt_malformed[i].reason];
		uint64_t total = drops_total(&f->rx.ctr);
		uint16_t len = tt_quote_frame(f->frame, 0, 2, 6, 3, 50);

		len = tt_malformed[i].mutate(f->frame, len);
		tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 2);
		if (f->rx.ctr.drops[tt_malformed[i].reason] != was + 1)
			fail_msg("%s: not counted under %s", tt_malformed[i].name,
				tw_rx_drop_name(tt_malformed[i].reason));
		assert_int_equal(drops_total(&f->rx.ctr), total + 1);
		if (memcmp(before, f->rx.cache_mem, sz) != 0)
			fail_msg("%s: cache written", tt_malformed[i].name);
		assert_int_equal(f->rx.ch[2].expected, 6);
	}
	free(before);
}

static void
checksum_offload_verdicts_are_honoured(void **state)
{
	struct tt_fixture *f = *state;
	uint16_t len = tt_quote_frame(f->frame, 0, 0, 1, 1, 0);

	tw_rx_frame(&f->rx.ctx, f->frame, len, RTE_MBUF_F_RX_L4_CKSUM_BAD, 1);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_UDP_CSUM], 1);
	tw_rx_frame(&f->rx.ctx, f->frame, len, RTE_MBUF_F_RX_IP_CKSUM_BAD, 1);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_IP_CSUM], 1);
	/* GOOD skips the software check: a corrupt sum then passes. */
	tt_udp(f->frame)->dgram_cksum ^= 0x0101;
	tw_rx_frame(&f->rx.ctx, f->frame, len, RTE_MBUF_F_RX_L4_CKSUM_GOOD, 1);
	assert_int_equal(f->rx.ctr.msgs, 1);
}

static void
vlan_tag_must_match_the_configured_vid(void **state)
{
	struct tt_fixture *f = *state;
	uint16_t len = tt_quote_frame(f->frame, 7, 0, 1, 1, 0);

	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1);  /* feed is untagged */
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_VLAN], 1);
	f->rx.feed.vlan = 8;
	tw_rx_feed_prepare(&f->rx.feed);
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_VLAN], 2);
	f->rx.feed.vlan = 7;
	tw_rx_feed_prepare(&f->rx.feed);
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1);
	assert_int_equal(f->rx.ctr.msgs, 1);
	len = tt_quote_frame(f->frame, 0, 0, 2, 1, 0);  /* untagged now */
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_BAD_VLAN], 3);
}

static void
duplicate_packet_is_dropped_and_counted(void **state)
{
	struct tt_fixture *f = *state;
	uint16_t len = tt_quote_frame(f->frame, 0, 0, 1, 2, 0);

	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1);
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1);
	assert_int_equal(f->rx.ctr.drops[TW_DROP_DUPLICATE], 1);
	assert_int_equal(f->rx.ch[0].ctr.dup_pkts, 1);
	assert_int_equal(f->rx.ch[0].ctr.dup_msgs, 2);
	assert_int_equal(f->rx.ctr.msgs, 2);
}

static void
partial_duplicate_applies_only_new_messages(void **state)
{
	struct tt_fixture *f = *state;
	struct tw_cache_snapshot s;

	tw_rx_frame(&f->rx.ctx, f->frame, tt_quote_frame(f->frame, 0, 0, 1, 3, 0),
		0, 1);
	/* seq 2..4 with other values: 2 and 3 are old, 4 is new. */
	tw_rx_frame(&f->rx.ctx, f->frame,
		tt_quote_frame(f->frame, 0, 0, 2, 3, 100), 0, 1);
	assert_int_equal(f->rx.ctr.msgs, 4);
	assert_int_equal(f->rx.ch[0].ctr.dup_msgs, 2);
	assert_int_equal(f->rx.ch[0].expected, 5);
	tw_cache_snapshot(f->rx.cache, 4, &s);  /* 2nd of the 2nd frame: old */
	assert_int_equal(s.bid_px, 1000001);
	tw_cache_snapshot(f->rx.cache, 8, &s);  /* 3rd of the 2nd frame: new */
	assert_int_equal(s.bid_px, 1000102);
}

static void
gap_is_counted_with_its_extent(void **state)
{
	struct tt_fixture *f = *state;

	tw_rx_frame(&f->rx.ctx, f->frame, tt_quote_frame(f->frame, 0, 3, 1, 3, 0),
		0, 1);
	tw_rx_frame(&f->rx.ctx, f->frame,
		tt_quote_frame(f->frame, 0, 3, 10, 2, 0), 0, 1);
	assert_int_equal(f->rx.ch[3].ctr.gaps, 1);
	assert_int_equal(f->rx.ch[3].ctr.gap_msgs, 6);
	assert_int_equal(f->rx.ch[3].expected, 12);
	assert_int_equal(f->rx.ctr.msgs, 5);
}

static void
heartbeat_reveals_a_gap_at_the_tail(void **state)
{
	struct tt_fixture *f = *state;

	tw_rx_frame(&f->rx.ctx, f->frame, tt_quote_frame(f->frame, 0, 1, 1, 2, 0),
		0, 1);
	tw_rx_frame(&f->rx.ctx, f->frame,
		tt_control_frame(f->frame, 1, 5, TW_MOLD_COUNT_HEARTBEAT), 0, 1);
	assert_int_equal(f->rx.ctr.heartbeats, 1);
	assert_int_equal(f->rx.ch[1].ctr.gaps, 1);
	assert_int_equal(f->rx.ch[1].ctr.gap_msgs, 2);
	assert_int_equal(drops_total(&f->rx.ctr), 0);
}

static void
end_of_session_marks_the_channel_ended(void **state)
{
	struct tt_fixture *f = *state;

	assert_int_equal(f->rx.ch[2].ended, 0);
	tw_rx_frame(&f->rx.ctx, f->frame,
		tt_control_frame(f->frame, 2, 1, TW_MOLD_COUNT_END_OF_SESSION),
		0, 1);
	assert_int_equal(f->rx.ch[2].ended, 1);
	assert_int_equal(f->rx.ctr.end_of_session, 1);
}

static void
random_bytes_never_crash_and_are_all_dropped(void **state)
{
	struct tt_fixture *f = *state;
	uint64_t x = 12345;
	unsigned int i, j;

	for (i = 0; i < 20000; i++) {
		uint16_t len = (uint16_t)(x % TT_FRAME_MAX);

		for (j = 0; j < len; j++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			f->frame[j] = (uint8_t)(x >> 56);
		}
		/* Half the frames keep a valid prefix, to go deeper. */
		if (i & 1)
			tt_quote_frame(f->frame, 0, 0, 1, 0, 0);
		tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 1);
	}
	assert_int_equal(f->rx.ctr.pkts, 20000);
	assert_int_equal(drops_total(&f->rx.ctr) + f->rx.ctr.pkts_accepted, 20000);
	assert_int_equal(f->rx.ctr.msgs, 0);
}

/*
 * One sample per packet: send->cache from the due time on the wire,
 * actual->cache from due + late, poll->cache per burst; a saturated
 * lateness is counted and left out of actual->cache.
 */
static void
burst_samples_measure_from_due_and_actual_times(void **state)
{
	struct tt_fixture *f = *state;
	struct tw_hist *h = calloc(TW_SPAN_MAX, sizeof(*h));
	uint64_t sent[4];
	uint16_t late[4];
	struct tw_quote q = tt_quote(0, 1);
	unsigned int i;
	uint16_t len;

	for (i = 0; i < TW_SPAN_MAX; i++)
		tw_hist_init(&h[i]);
	f->rx.ctx.sent = sent;
	f->rx.ctx.late = late;
	f->rx.ctx.sent_cap = 4;
	f->rx.ctx.nb_sent = 0;
	/* Due at 1000 ns; the generator got to it 10 units (640 ns) late. */
	q.send_ns = 1000;
	q.late = 10;
	len = tt_frame_of_quote(f->frame, 0, 1, &q);
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 5000);   /* polled at 5000 */
	q.send_ns = 2000;
	q.late = TW_LATE_SATURATED;
	len = tt_frame_of_quote(f->frame, 0, 2, &q);
	tw_rx_frame(&f->rx.ctx, f->frame, len, 0, 5000);
	assert_int_equal(f->rx.ctx.nb_sent, 2);
	tw_rx_record_burst(&f->rx.ctx, h, 5000, 6000, NULL, 0);     /* applied at 6000 */
	assert_int_equal(f->rx.ctx.nb_sent, 0);
	assert_int_equal(h[TW_SPAN_SEND_CACHE].count, 2);
	assert_int_equal(h[TW_SPAN_SEND_CACHE].max, 6000 - 1000);
	assert_int_equal(h[TW_SPAN_SEND_CACHE].min, 6000 - 2000);
	assert_int_equal(h[TW_SPAN_ACTUAL_CACHE].count, 1);
	assert_int_equal(h[TW_SPAN_ACTUAL_CACHE].max, 6000 - 1000 - 640);
	assert_int_equal(h[TW_SPAN_POLL_CACHE].count, 1);
	assert_int_equal(h[TW_SPAN_POLL_CACHE].max, 1000);
	assert_int_equal(f->rx.ctr.late_saturated, 1);
	free(h);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, tt_setup, tt_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(burst_samples_measure_from_due_and_actual_times),
		T(valid_frame_updates_cache_exactly),
		T(directory_only_packet_gives_no_latency_sample),
		T(each_malformed_class_is_counted_and_writes_nothing),
		T(checksum_offload_verdicts_are_honoured),
		T(vlan_tag_must_match_the_configured_vid),
		T(duplicate_packet_is_dropped_and_counted),
		T(partial_duplicate_applies_only_new_messages),
		T(gap_is_counted_with_its_extent),
		T(heartbeat_reveals_a_gap_at_the_tail),
		T(end_of_session_marks_the_channel_ended),
		T(random_bytes_never_crash_and_are_all_dropped),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
