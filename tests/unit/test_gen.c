/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Generator: GBM log returns have the model's mean and variance, the
 * same seed gives the same feed, the mix and activity laws hold, built
 * frames carry valid checksums and fit the MTU, pacing keeps due times
 * across a stall, and tick-to-trade replies are matched once each.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>

#include "tw_gen.h"
#include "tw_tickwire_gen.h"
#include "tw_reply.h"

static struct tw_gen_params
params(void)
{
	return (struct tw_gen_params){
		.nb_symbols = 100, .nb_channels = 4, .seed = 42,
		.quote_pct = 70, .activity = TW_ACTIVITY_UNIFORM,
		.zipf_s = 1.0, .drift = 0.05, .volatility = 0.2,
		.dt = 1.0 / 252, .init_price = 100, .price_decimals = 4,
	};
}

static struct tw_gen *
new_gen(const struct tw_gen_params *p)
{
	return tw_gen_init(aligned_alloc(64,
		RTE_ALIGN_CEIL(tw_gen_memsize(p), 64)), p);
}

static void
gbm_log_returns_have_model_mean_and_variance(void **state)
{
	struct tw_gen_params p = params();
	struct tw_gen *g = new_gen(&p);
	const int n = 400000;
	double prev = g->sym[0].price, sum = 0, sum2 = 0, mean, var;
	double want_mean = (p.drift - p.volatility * p.volatility / 2) * p.dt;
	double want_var = p.volatility * p.volatility * p.dt;
	int i;

	for (i = 0; i < n; i++) {
		double now = tw_gen_step(g, 0), r = log(now / prev);

		sum += r;
		sum2 += r * r;
		prev = now;
	}
	mean = sum / n;
	var = sum2 / n - mean * mean;
	/* Five standard errors: fails about once in 3.5 million seeds. */
	assert_true(fabs(mean - want_mean) < 5 * sqrt(want_var / n));
	assert_true(fabs(var - want_var) < 5 * want_var * sqrt(2.0 / n));
	free(g);
}

static bool
tick_equal(const struct tw_tick *a, const struct tw_tick *b)
{
	if (a->type != b->type || a->channel != b->channel)
		return false;
	if (a->type == TW_MSG_QUOTE)
		return a->quote.locate == b->quote.locate &&
			a->quote.bid_px == b->quote.bid_px &&
			a->quote.ask_px == b->quote.ask_px &&
			a->quote.bid_sz == b->quote.bid_sz &&
			a->quote.ask_sz == b->quote.ask_sz;
	return a->trade.locate == b->trade.locate &&
		a->trade.price == b->trade.price &&
		a->trade.size == b->trade.size &&
		a->trade.side == b->trade.side;
}

static void
same_seed_gives_the_same_feed(void **state)
{
	struct tw_gen_params p = params();
	struct tw_gen *a = new_gen(&p), *b = new_gen(&p), *c;
	struct tw_tick ta, tb;
	int i, differ = 0;

	p.seed = 43;
	c = new_gen(&p);
	for (i = 0; i < 10000; i++) {
		tw_gen_next(a, &ta);
		tw_gen_next(b, &tb);
		assert_true(tick_equal(&ta, &tb));
		tw_gen_next(c, &tb);
		differ += !tick_equal(&ta, &tb);
	}
	assert_true(differ > 9000);
	free(a);
	free(b);
	free(c);
}

static void
quote_trade_mix_and_prices_are_sane(void **state)
{
	struct tw_gen_params p = params();
	struct tw_gen *g = new_gen(&p);
	struct tw_tick t;
	int i, quotes = 0, n = 100000;

	for (i = 0; i < n; i++) {
		tw_gen_next(g, &t);
		assert_int_equal(t.channel, (t.type == TW_MSG_QUOTE ?
			t.quote.locate : t.trade.locate) % 4);
		if (t.type == TW_MSG_QUOTE) {
			quotes++;
			assert_true(t.quote.bid_px > 0);
			assert_true(t.quote.ask_px > t.quote.bid_px);
			assert_true(t.quote.bid_sz > 0 && t.quote.ask_sz > 0);
		} else {
			assert_true(t.trade.price > 0 && t.trade.size > 0);
			assert_true(t.trade.side == 'B' || t.trade.side == 'S');
		}
	}
	assert_in_range(quotes, n * 69 / 100, n * 71 / 100);
	free(g);
}

static void
zipf_activity_favours_low_locates(void **state)
{
	struct tw_gen_params p = params();
	struct tw_gen *g;
	struct tw_tick t;
	unsigned int hits[100] = { 0 };
	int i;

	p.activity = TW_ACTIVITY_ZIPF;
	g = new_gen(&p);
	for (i = 0; i < 200000; i++) {
		tw_gen_next(g, &t);
		hits[t.type == TW_MSG_QUOTE ? t.quote.locate :
			t.trade.locate]++;
	}
	/* s = 1: locate 0 is 100 times as active as locate 99. */
	assert_true(hits[0] > 40 * hits[99]);
	assert_true(hits[0] > hits[1] && hits[1] > hits[9]);
	free(g);
}

/*
 * Each channel draws from its own stream: one schedule over every
 * channel and two schedules over halves of them (as two generator
 * lcores), run in any order, give each channel the same ticks in the
 * same order, and a count splits into the same per-channel counts.
 */
static void
channels_get_the_same_ticks_whatever_draws_them(void **state)
{
	enum { N = 20001, CH = 4 };
	struct tw_gen_params p = params();
	struct tw_gen *a, *b;
	struct tw_gen_sched *one = malloc(sizeof(*one));
	struct tw_gen_sched *half = malloc(2 * sizeof(*half));
	static struct tw_tick seq[2][CH][N];
	unsigned int got[2][CH] = { { 0 } }, run, k, act, total;
	const uint16_t all[CH] = { 0, 1, 2, 3 }, even[2] = { 0, 2 },
		odd[2] = { 1, 3 };
	uint16_t ch;

	for (act = 0; act < 2; act++) {
		p.activity = act ? TW_ACTIVITY_ZIPF : TW_ACTIVITY_UNIFORM;
		a = new_gen(&p);
		b = new_gen(&p);
		memset(got, 0, sizeof(got));
		assert_int_equal(tw_gen_sched_init(one, a, all, CH, N), 0);
		assert_int_equal(tw_gen_sched_init(&half[0], b, even, 2, N), 0);
		assert_int_equal(tw_gen_sched_init(&half[1], b, odd, 2, N), 0);
		assert_int_equal(one->total, N);
		assert_int_equal(half[0].total + half[1].total, N);
		while ((run = tw_gen_sched_next(one, 7, &ch)) > 0)
			for (k = 0; k < run; k++)
				tw_gen_next_on(a, ch, &seq[0][ch][got[0][ch]++]);
		/* The halves interleaved unevenly: 3 runs of odd, 1 of even. */
		for (total = 0;; total++) {
			struct tw_gen_sched *s = &half[total % 4 == 0 ? 0 : 1];

			run = tw_gen_sched_next(s, 5, &ch);
			if (run == 0) {
				s = s == &half[0] ? &half[1] : &half[0];
				run = tw_gen_sched_next(s, 5, &ch);
				if (run == 0)
					break;
			}
			for (k = 0; k < run; k++)
				tw_gen_next_on(b, ch, &seq[1][ch][got[1][ch]++]);
		}
		for (ch = 0; ch < CH; ch++) {
			assert_int_equal(got[0][ch], got[1][ch]);
			assert_int_equal(got[0][ch],
				tw_gen_channel_count(a, N, ch));
			for (k = 0; k < got[0][ch]; k++) {
				assert_int_equal(seq[0][ch][k].channel, ch);
				assert_true(tick_equal(&seq[0][ch][k],
					&seq[1][ch][k]));
			}
		}
		/* Zipf: channel 0 holds locate 0 and gets the most. */
		if (act)
			assert_true(got[0][0] > got[0][3]);
		else
			assert_int_equal(got[0][0], N / CH + 1);
		free(a);
		free(b);
	}
	free(one);
	free(half);
}

static void
bad_parameters_are_refused(void **state)
{
	struct tw_gen_params p = params();

	assert_int_equal(tw_gen_params_check(&p), 0);
	p.dt = 0;
	assert_int_equal(tw_gen_params_check(&p), -EINVAL);
	p = params();
	p.quote_pct = 101;
	assert_int_equal(tw_gen_params_check(&p), -EINVAL);
	p = params();
	p.nb_symbols = 0;
	assert_null(tw_gen_init(aligned_alloc(64, 4096), &p));
}

static void
full_frame_fits_mtu_with_valid_checksums(void **state)
{
	struct tw_frame_params fp = {
		.src_ip = TW_IPV4(192, 0, 2, 1),
		.group_base = TW_IPV4(239, 1, 1, 1), .src_port = 1,
		.dst_port = 30001, .mtu = 1500, .ttl = 1,
	};
	struct tw_quote q = { .locate = 1 };
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	uint8_t buf[2048];
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + 14);
	uint16_t len, n = 0;
	uint8_t *p;

	memcpy(fp.session, "TICKWIRE01", 10);
	assert_int_equal(tw_frame_params_check(&fp), 0);
	tw_pkt_tmpl_init(&t, &fp, 2);
	tw_pkt_open(&b, &t, buf, 77, 0);
	while ((p = tw_pkt_reserve(&b, &t, TW_MSG_QUOTE_LEN)) != NULL) {
		tw_encode_quote(p, &q);
		n++;
	}
	len = tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
	assert_int_equal(n, (1500 - 20 - 8 - 20) / 42);
	assert_true(len <= 14 + 1500);
	assert_int_equal(rte_be_to_cpu_16(ip->total_length), len - 14);
	assert_int_equal(rte_be_to_cpu_32(ip->dst_addr),
		TW_IPV4(239, 1, 1, 3));
	assert_int_equal(rte_raw_cksum(ip, 20), 0xffff);
	assert_int_equal(rte_ipv4_udptcp_cksum_verify(ip, ip + 1), 0);
	assert_null(b.buf);
}

/*
 * A paced schedule across a synthetic stall: ticks the stall held up
 * keep their own due times (so latency measured from them includes the
 * stall: no coordinated omission), come out a batch at a time, and the
 * schedule goes on from where it was, not from the stall's end.
 */
static void
pacing_keeps_due_times_across_a_stall(void **state)
{
	struct tw_pace p;
	uint64_t first, behind, now, due, sent = 0;
	unsigned int n;

	tw_pace_init(&p, 1000, 100);
	assert_int_equal(tw_pace_due(&p, 999, 32, &first, &behind), 0);
	assert_int_equal(tw_pace_due(&p, 1000, 32, &first, &behind), 1);
	assert_int_equal(first, 1000);
	assert_int_equal(tw_pace_due(&p, 1050, 32, &first, &behind), 0);
	assert_int_equal(tw_pace_due(&p, 1250, 32, &first, &behind), 2);
	assert_int_equal(first, 1100);
	assert_int_equal(behind, 0);
	/* Stalled from 1250 to 10000: ticks due 1300 .. 10000 are owed. */
	now = 10000;
	due = 1300;
	n = tw_pace_due(&p, now, 32, &first, &behind);
	assert_int_equal(n, 32);
	assert_int_equal(first, due);
	assert_int_equal(behind, (10000 - 1300) / 100 + 1 - 32);
	/* The first late tick waited now - due = 8700 cycles, measured. */
	assert_int_equal(now - first, 8700);
	sent += n;
	due += 32 * 100;
	/* Catching up, a batch at a time, each at its own due time. */
	while ((n = tw_pace_due(&p, now, 32, &first, &behind)) > 0) {
		assert_int_equal(first, due);
		due += (uint64_t)n * 100;
		sent += n;
	}
	assert_int_equal(sent, (10000 - 1300) / 100 + 1);
	/* Then on schedule again: the next tick is due at 10100. */
	assert_int_equal(tw_pace_due(&p, 10099, 32, &first, &behind), 0);
	assert_int_equal(tw_pace_due(&p, 10100, 32, &first, &behind), 1);
	assert_int_equal(first, 10100);
}

/*
 * Tick-to-trade matching: each request is timed once, a second answer
 * is a duplicate, an answer to a reused id or to nothing is stale, and
 * requests never answered are lost: when their id comes round again,
 * or when the session ends.
 */
static void
replies_are_matched_once_and_losses_counted(void **state)
{
	struct tw_reply_table *t = malloc(sizeof(*t));
	uint64_t rtt = 0;
	unsigned int i;
	uint8_t a, b, id;

	tw_reply_init(t);
	a = tw_reply_request(t, 1, 100, 1000);
	b = tw_reply_request(t, 2, 200, 1100);
	assert_int_not_equal(a, 0);
	assert_int_not_equal(a, b);
	assert_true(tw_reply_match(t, a, 1, 100, 1500, &rtt));
	assert_int_equal(rtt, 500);
	/* The same order again: not timed twice. */
	assert_false(tw_reply_match(t, a, 1, 100, 1600, &rtt));
	assert_int_equal(t->duplicate, 1);
	/* Right id, wrong tick; id 0; an id never given: stale. */
	assert_false(tw_reply_match(t, b, 2, 201, 1600, &rtt));
	assert_false(tw_reply_match(t, 0, 2, 200, 1600, &rtt));
	assert_false(tw_reply_match(t, 77, 2, 200, 1600, &rtt));
	assert_int_equal(t->stale, 3);
	/* b never answered: lost when its id comes round again. */
	for (i = 0; i < TW_REPLY_IDS - 2; i++) {        /* ids 3..255 */
		id = tw_reply_request(t, 3, 1000 + i, 2000 + i);
		assert_int_not_equal(id, 0);
		assert_true(tw_reply_match(t, id, 3, 1000 + i, 3000, &rtt));
	}
	assert_int_equal(t->lost, 0);
	id = tw_reply_request(t, 3, 5000, 9000);
	assert_int_equal(id, a);        /* a's slot: answered, not lost */
	assert_int_equal(t->lost, 0);
	id = tw_reply_request(t, 3, 5001, 9001);
	assert_int_equal(id, b);        /* b's slot: still waiting: lost */
	assert_int_equal(t->lost, 1);
	/* b's late answer now matches nothing. */
	assert_false(tw_reply_match(t, b, 2, 200, 9500, &rtt));
	assert_int_equal(t->stale, 4);
	/* Two waiting at the end: lost. */
	tw_reply_finish(t);
	assert_int_equal(t->lost, 3);
	assert_int_equal(t->matched, 1 + TW_REPLY_IDS - 2);
	assert_int_equal(t->requested, 2 + TW_REPLY_IDS - 2 + 2);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gbm_log_returns_have_model_mean_and_variance),
		cmocka_unit_test(same_seed_gives_the_same_feed),
		cmocka_unit_test(quote_trade_mix_and_prices_are_sane),
		cmocka_unit_test(zipf_activity_favours_low_locates),
		cmocka_unit_test(
			channels_get_the_same_ticks_whatever_draws_them),
		cmocka_unit_test(bad_parameters_are_refused),
		cmocka_unit_test(full_frame_fits_mtu_with_valid_checksums),
		cmocka_unit_test(pacing_keeps_due_times_across_a_stall),
		cmocka_unit_test(replies_are_matched_once_and_losses_counted),
	};

	return cmocka_run_group_tests_name("gen", tests, NULL, NULL);
}
