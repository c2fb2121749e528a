/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Recovery parts on their own: the fault stream, the request frame and
 * the server's rules, the store, and the receiver's gaps filled by late
 * copies and retransmissions into the same cache as an in-order run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "tw_faults.h"
#include "tw_tickwire_gen.h"
#include "tw_request.h"
#include "tw_store.h"
#include "tw_test_rx.h"

#define NB_SYMBOLS 200
#define MAX_FRAMES 16384

/* ---- faults ---- */

static void
faults_are_seeded_and_shaped(void **state)
{
	struct tw_fault_params p = { .loss = 0.01, .burst = 20, .dup = 0.02,
		.seed = 9 };
	struct tw_fault_counters ca = { 0 }, cb = { 0 };
	struct tw_faults a, b;
	uint64_t runs = 0, i, n = 2000000;
	bool was = false;

	(void)state;
	assert_int_equal(tw_faults_init(&a, &p, &ca), 0);
	assert_int_equal(tw_faults_init(&b, &p, &cb), 0);
	for (i = 0; i < n; i++) {
		unsigned int v = tw_faults_next(&a, 3);

		assert_int_equal(v, tw_faults_next(&b, 3));
		if ((v & TW_FAULT_LOSE) && !was)
			runs++;
		was = v & TW_FAULT_LOSE;
	}
	/* 1 % lost, in runs of 20 on average; 2 % of the rest doubled. */
	assert_true(ca.lost > n / 100 * 8 / 10 && ca.lost < n / 100 *
		12 / 10);
	assert_int_equal(ca.lost_msgs, 3 * ca.lost);
	assert_true(ca.lost / runs >= 16 && ca.lost / runs <= 24);
	assert_true(ca.dup > n / 50 * 9 / 10 && ca.dup < n / 50 * 11 /
		10);
	p.loss = 1.0;
	assert_int_equal(tw_faults_init(&a, &p, &ca), -EINVAL);
	p.loss = 0.1;
	p.burst = 0.5;
	assert_int_equal(tw_faults_init(&a, &p, &ca), -EINVAL);
}

/* ---- requests and the server's rules ---- */

static const struct rte_ether_addr server_mac = { { 2, 0, 0, 0, 0, 1 } };

static struct tw_request
request(uint16_t ch, uint64_t seq, uint16_t count)
{
	struct tw_request r = {
		.channel = ch, .seq = seq, .count = count,
		.src_mac = { { 2, 0, 0, 0, 0, 3 } },
		.src_ip = TW_IPV4(192, 0, 2, 3), .src_port = 30001,
	};

	memcpy(r.session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
	return r;
}

static void
request_frames_round_trip_and_bad_ones_are_told_apart(void **state)
{
	uint8_t f[128];
	struct tw_request r = request(2, 12345, 77), got;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + TW_ETH_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t len;

	(void)state;
	len = tw_request_frame(f, &r, &server_mac, TW_IPV4(192, 0, 2, 1),
		30100);
	assert_int_equal(len, TW_REQUEST_FRAME_LEN);
	assert_int_equal(tw_request_from_frame(f, len, 30100, 4, &got), 0);
	assert_int_equal(got.channel, 2);
	assert_int_equal(got.seq, 12345);
	assert_int_equal(got.count, 77);
	assert_int_equal(got.src_ip, r.src_ip);
	assert_int_equal(got.dst_ip, TW_IPV4(192, 0, 2, 1));
	assert_int_equal(got.src_port, 30001);
	assert_memory_equal(got.session, r.session, TW_MOLD_SESSION_LEN);
	/* Another channel count or port: not a request of ours. */
	assert_int_equal(tw_request_from_frame(f, len, 30100, 2, &got),
		-ENOENT);
	assert_int_equal(tw_request_from_frame(f, len, 30200, 4, &got),
		-ENOENT);
	/* Cut short, or a bit flipped: malformed. */
	assert_int_equal(tw_request_from_frame(f, len - 1, 30100, 4, &got),
		-EINVAL);
	f[len - 1] ^= 1;
	assert_int_equal(tw_request_from_frame(f, len, 30100, 4, &got),
		-EINVAL);
	f[len - 1] ^= 1;
	/* A longer payload is no MoldUDP64 request. */
	udp->dgram_len = rte_cpu_to_be_16(TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN +
		2);
	assert_int_equal(tw_request_from_frame(f, len + 2, 30100, 4, &got),
		-EINVAL);
}

static void
server_rules_refuse_what_cannot_be_served(void **state)
{
	struct tw_request_rules rules = {
		.client_net = TW_IPV4(192, 0, 2, 0),
		.client_mask = ~UINT32_C(0) << 8,
		.max_count = 100,
	};
	struct tw_rate_limit rl;
	struct tw_request r;
	uint32_t n;

	(void)state;
	memcpy(rules.session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
	tw_rate_limit_init(&rl, 1000000, 1000, 3);  /* 1 per 1000 cycles */
	/* Window [1000, 5000). */
	r = request(0, 2000, 50);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 0, &n),
		TW_REQ_SERVED);
	assert_int_equal(n, 50);
	r = request(0, 4990, 500);      /* capped by the end, then max */
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 0, &n),
		TW_REQ_SERVED);
	assert_int_equal(n, 10);
	r = request(0, 2000, 500);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 1000,
		&n), TW_REQ_SERVED);
	assert_int_equal(n, 100);
	r = request(0, 5000, 1);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 9000,
		&n), TW_REQ_FUTURE);
	r = request(0, 999, 1);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 20000,
		&n), TW_REQ_EXPIRED);
	r = request(0, 0, 1);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 30000,
		&n), TW_REQ_BAD_SEQ);
	r = request(0, 2000, 0);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 40000,
		&n), TW_REQ_BAD_SEQ);
	r = request(0, 2000, 1);
	memcpy(r.session, "OTHERSESS1", TW_MOLD_SESSION_LEN);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 50000,
		&n), TW_REQ_BAD_SESSION);
	r = request(0, 2000, 1);
	r.src_ip = TW_IPV4(10, 0, 0, 1);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 60000,
		&n), TW_REQ_BAD_SOURCE);
	assert_int_equal(n, 0);
	/* No one host to answer: 0.0.0.0, multicast, broadcast, a group
	 * MAC (a reply would go nowhere, or to the whole segment). */
	{
		static const uint32_t ips[] = { 0, TW_IPV4(224, 0, 0, 1),
			TW_IPV4(239, 1, 1, 1), UINT32_MAX };
		unsigned int k;

		rules.client_mask = 0;
		rules.client_net = 0;
		for (k = 0; k < RTE_DIM(ips); k++) {
			r = request(0, 2000, 1);
			r.src_ip = ips[k];
			assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000,
				5000, 65000, &n), TW_REQ_BAD_SOURCE);
		}
		r = request(0, 2000, 1);
		r.src_mac.addr_bytes[0] = 0x01;
		assert_int_equal(tw_request_judge_snapshot(&rules, &rl, &r,
			65000), TW_REQ_BAD_SOURCE);
		rules.client_net = TW_IPV4(192, 0, 2, 0);
		rules.client_mask = ~UINT32_C(0) << 8;
	}
	/* Once the server knows its address: to another, another's. */
	rules.server_ip = TW_IPV4(192, 0, 2, 1);
	r = request(0, 2000, 1);
	r.dst_ip = TW_IPV4(192, 0, 2, 77);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 70000,
		&n), TW_REQ_OTHER_SERVER);
	assert_int_equal(tw_request_judge_snapshot(&rules, &rl, &r, 70000),
		TW_REQ_OTHER_SERVER);
	rules.server_ip = 0;
	/* A flood from one source: a burst of 3, then one per interval. */
	r = request(0, 2000, 1);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 100000,
		&n), TW_REQ_SERVED);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 100000,
		&n), TW_REQ_SERVED);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 100000,
		&n), TW_REQ_SERVED);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 100000,
		&n), TW_REQ_RATE_LIMITED);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 101000,
		&n), TW_REQ_SERVED);
	/* Another source has its own budget. */
	r.src_ip = TW_IPV4(192, 0, 2, 9);
	assert_int_equal(tw_request_judge(&rules, &rl, &r, 1000, 5000, 101000,
		&n), TW_REQ_SERVED);
}

/* ---- a generated feed, in frames ---- */

struct frames {
	uint8_t *buf[MAX_FRAMES];
	uint16_t len[MAX_FRAMES];
	uint16_t msgs[MAX_FRAMES];
	unsigned int n;
	struct tt_scratch scratch;
};

static uint8_t *
frames_buf(void *arg)
{
	struct frames *k = arg;

	return tt_scratch_get(&k->scratch);
}

static void
frames_done(void *arg, uint8_t *buf, uint16_t len, uint16_t msgs)
{
	struct frames *k = arg;

	assert_true(k->n < MAX_FRAMES);
	k->buf[k->n] = malloc(len);
	memcpy(k->buf[k->n], buf, len);
	k->len[k->n] = len;
	k->msgs[k->n] = msgs;
	k->n++;
	tt_scratch_put(&k->scratch, buf);
}

static struct frames *
generate(unsigned int nb_ticks)
{
	struct tw_gen_params gp = {
		.nb_symbols = NB_SYMBOLS, .nb_channels = TT_CHANNELS,
		.seed = 7, .quote_pct = 60, .activity = TW_ACTIVITY_ZIPF,
		.zipf_s = 1.0, .volatility = 0.3, .dt = 1e-6,
		.init_price = 100, .price_decimals = 4,
	};
	struct tw_gen_feed_opts o = {
		.nb_ticks = nb_ticks, .directory = true, .max_msgs = 8,
		.vary = true, .send_ns = 1,
	};
	struct frames *k = calloc(1, sizeof(*k));
	struct tw_frame_params fp;
	struct tw_pkt_tmpl t[TT_CHANNELS];
	void *mem = aligned_alloc(64, RTE_ALIGN_CEIL(tw_gen_memsize(&gp), 64));
	struct tw_gen *g = tw_gen_init(mem, &gp);
	unsigned int ch;

	assert_non_null(g);
	tt_frame_params(&fp, 0);
	for (ch = 0; ch < TT_CHANNELS; ch++)
		tw_pkt_tmpl_init(&t[ch], &fp, ch);
	assert_int_equal(tw_gen_feed_frames(g, t, &o, frames_buf, frames_done,
		k), 0);
	free(mem);
	return k;
}

static void
frames_free(struct frames *k)
{
	unsigned int i;

	for (i = 0; i < k->n; i++)
		free(k->buf[i]);
	free(k);
}

/* The frame, as channel's server would send it to a receiver at ip. */
static void
as_retransmission(uint8_t *f, uint16_t len, uint32_t ip_host,
		uint16_t request_port)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + TW_ETH_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t ch = (uint16_t)(rte_be_to_cpu_32(ip->dst_addr) - TT_GROUP);
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 3 };

	memcpy(f, mac, sizeof(mac));
	ip->dst_addr = rte_cpu_to_be_32(ip_host);
	udp->src_port = rte_cpu_to_be_16((uint16_t)(request_port + ch));
	tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
}

static void
apply(struct tt_rx *r, const uint8_t *f, uint16_t len)
{
	tw_rx_frame(&r->ctx, f, len, 0, 1000);
}

static void
assert_same_caches(const struct tt_rx *a, const struct tt_rx *b)
{
	uint32_t l;

	for (l = 0; l < NB_SYMBOLS; l++) {
		struct tw_cache_snapshot x, y;

		memset(&x, 0, sizeof(x));
		memset(&y, 0, sizeof(y));
		assert_int_equal(tw_cache_snapshot(a->cache, l, &x), 0);
		assert_int_equal(tw_cache_snapshot(b->cache, l, &y), 0);
		x.last_update_ns = y.last_update_ns = 0;
		assert_memory_equal(&x, &y, sizeof(x));
	}
}

static struct tt_rx *
receiver(bool recovery)
{
	struct tt_rx *r = aligned_alloc(64, sizeof(*r));

	assert_non_null(r);
	assert_int_equal(tt_rx_init(r, 0, NB_SYMBOLS, TW_SIMD_SCALAR), 0);
	r->feed.request_port = 30100;
	r->feed.unicast_ip = TW_IPV4(192, 0, 2, 3);
	r->feed.gap_timeout_ns = 1000;
	r->feed.gap_retries = 3;
	if (recovery) {
		r->ctx.side = calloc(NB_SYMBOLS, sizeof(struct tw_rx_side));
		assert_non_null(r->ctx.side);
	}
	return r;
}

static void
receiver_free(struct tt_rx *r)
{
	free(r->ctx.side);
	tt_rx_fini(r);
	free(r);
}

/*
 * Frames late by up to 40 places, some dropped and sent again later as
 * retransmissions, some twice: the cache ends exactly as the one that
 * took every frame in order, with no gap left and nothing stale.
 */
static void
late_and_retransmitted_frames_fill_gaps_exactly(void **state)
{
	struct frames *k = generate(20000);
	struct tt_rx *inorder = receiver(false), *r = receiver(true);
	unsigned int i, late = 0, retrans = 0;
	int *order = malloc(k->n * sizeof(*order));
	struct tw_rng rng;

	(void)state;
	for (i = 0; i < k->n; i++) {
		apply(inorder, k->buf[i], k->len[i]);
		order[i] = (int)i;
	}
	assert_int_equal(inorder->ctr.drops[TW_DROP_DUPLICATE], 0);
	/* Move some frames (never the directory's) later. */
	tw_rng_seed(&rng, 5);
	for (i = 100; i + 41 < k->n; i++) {
		if (tw_rng_u64(&rng) % 50 == 0) {
			unsigned int d = 1 + tw_rng_u64(&rng) % 40, j;
			int f = order[i];

			for (j = i; j < i + d; j++)
				order[j] = order[j + 1];
			order[i + d] = f;
			late++;
			i += d;
		}
	}
	/* A lost frame comes back from the server 30 frames later. */
	for (i = 0; i < k->n + 30; i++) {
		unsigned int f;

		if (i >= 30 && order[i - 30] < 0) {
			f = (unsigned int)(-1 - order[i - 30]);
			apply(r, k->buf[f], k->len[f]);
			apply(r, k->buf[f], k->len[f]); /* a reply twice */
		}
		if (i >= k->n)
			continue;
		f = (unsigned int)order[i];
		if (i > 100 && tw_rng_u64(&rng) % 50 == 0) {
			as_retransmission(k->buf[f], k->len[f],
				r->feed.unicast_ip, r->feed.request_port);
			order[i] = -1 - (int)f;
			retrans++;
			continue;
		}
		apply(r, k->buf[f], k->len[f]);
		if (tw_rng_u64(&rng) % 60 == 0)
			apply(r, k->buf[f], k->len[f]);   /* twice */
	}
	fprintf(stderr, "%u frames, %u late, %u retransmitted, %" PRIu64
		" retransmissions taken\n", k->n, late, retrans,
		r->ctr.retrans_pkts);
	assert_true(late > 50 && retrans > 50);
	assert_int_equal(r->ctr.gaps_open, 0);
	for (i = 0; i < TT_CHANNELS; i++) {
		assert_int_equal(r->ch[i].nb_gaps, 0);
		assert_int_equal(r->ch[i].ctr.gaps_unrecovered, 0);
		assert_int_equal(r->ch[i].ctr.gaps_filled, r->ch[i].ctr.gaps);
	}
	assert_int_equal(r->ctr.msgs, inorder->ctr.msgs);
	assert_same_caches(inorder, r);
	free(order);
	frames_free(k);
	receiver_free(inorder);
	receiver_free(r);
}

/*
 * A gap nobody fills: once its time is up it is given up, counted, and
 * every symbol of its channel (only those) is marked stale.
 */
static void
a_gap_given_up_marks_its_channel_stale(void **state)
{
	struct frames *k = generate(2000);
	struct tt_rx *r = receiver(true);
	unsigned int i, lost_ch = 0, n_stale = 0;
	uint32_t l;

	(void)state;
	for (i = 0; i < k->n; i++) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)
			(k->buf[i] + TW_ETH_HDR_LEN);

		if (i == k->n / 2) {
			lost_ch = rte_be_to_cpu_32(ip->dst_addr) - TT_GROUP;
			continue;
		}
		apply(r, k->buf[i], k->len[i]);
	}
	assert_int_equal(r->ctr.gaps_open, 1);
	/* Not due yet: nothing happens. */
	tw_rx_recovery_poll(&r->ctx, 1500, NULL, NULL);
	assert_int_equal(r->ctr.gaps_open, 1);
	/* (retries + 1) timeouts after it was seen: given up. */
	tw_rx_recovery_poll(&r->ctx, 1000 + 4 * 1000, NULL, NULL);
	assert_int_equal(r->ctr.gaps_open, 0);
	assert_int_equal(r->ch[lost_ch].ctr.gaps_unrecovered, 1);
	for (l = 0; l < NB_SYMBOLS; l++) {
		struct tw_cache_snapshot s;

		assert_int_equal(tw_cache_snapshot(r->cache, l, &s), 0);
		assert_int_equal(s.stale, l % TT_CHANNELS == lost_ch);
		n_stale += s.stale;
	}
	assert_int_equal(n_stale, NB_SYMBOLS / TT_CHANNELS);
	frames_free(k);
	receiver_free(r);
}

/* Requests: one at once, then one per timeout, then given up. */
static int nb_sent;
static uint64_t sent_first;
static uint16_t sent_count;

static int
count_request(void *arg, uint32_t channel, const struct tw_channel_state *ch,
		uint64_t first, uint16_t count, bool snapshot)
{
	(void)arg;
	(void)channel;
	(void)ch;
	assert_false(snapshot);
	nb_sent++;
	sent_first = first;
	sent_count = count;
	return 0;
}

static void
gaps_are_asked_for_on_their_timer(void **state)
{
	struct frames *k = generate(2000);
	struct tt_rx *r = receiver(true);
	uint64_t first = 0;
	unsigned int i, gone = k->n / 2;
	uint64_t t;

	(void)state;
	r->feed.rerequest = true;
	r->feed.request_max = 65000;
	for (i = 0; i < k->n; i++) {
		if (i == gone) {
			first = rte_be_to_cpu_64(((const struct tw_mold_hdr *)
				(k->buf[i] + TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN +
				 TW_UDP_HDR_LEN))->seq);
			continue;
		}
		apply(r, k->buf[i], k->len[i]);
	}
	nb_sent = 0;
	tw_rx_recovery_poll(&r->ctx, 1000, count_request, NULL);
	assert_int_equal(nb_sent, 1);
	assert_int_equal(sent_first, first);
	assert_int_equal(sent_count, k->msgs[gone]);
	tw_rx_recovery_poll(&r->ctx, 1500, count_request, NULL);
	assert_int_equal(nb_sent, 1);
	for (t = 2000; t <= 10000; t += 1000)
		tw_rx_recovery_poll(&r->ctx, t, count_request, NULL);
	/* 1 + retries requests, then given up. */
	assert_int_equal(nb_sent, 4);
	assert_int_equal(r->ctr.gaps_open, 0);
	frames_free(k);
	receiver_free(r);
}

/* The channel a feed frame belongs to, and its first sequence. */
static uint32_t
frame_channel(const uint8_t *f, uint64_t *seq)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)
		(f + TW_ETH_HDR_LEN);
	const struct tw_mold_hdr *h = (const struct tw_mold_hdr *)
		(f + TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN);

	*seq = rte_be_to_cpu_64(h->seq);
	return rte_be_to_cpu_32(ip->dst_addr) - TT_GROUP;
}

/*
 * A server answers a request with [recovery] max_packets packets at
 * most: once that many of a reply are in, the rest of the gap is asked
 * for at once (not a timeout later); with a larger reply still coming,
 * nothing is asked twice.
 */
static void
the_rest_is_asked_for_once_the_reply_is_in(void **state)
{
	struct frames *k = generate(4000);
	unsigned int lost[4], nb = 0, i, per;
	uint64_t seq, first;
	uint32_t ch;

	(void)state;
	ch = frame_channel(k->buf[k->n / 2], &first);
	/* Four frames of one channel in a row: one gap of four packets. */
	for (i = k->n / 2; i < k->n && nb < 4; i++)
		if (frame_channel(k->buf[i], &seq) == ch)
			lost[nb++] = i;
	assert_int_equal(nb, 4);
	for (per = 1; per <= 4; per += 3) {
		struct tt_rx *r = receiver(true);
		uint64_t asks;
		unsigned int j;

		r->feed.rerequest = true;
		r->feed.request_max = 65000;
		r->feed.reply_max_pkts = (uint16_t)per;
		for (i = 0, j = 0; i < k->n; i++) {
			if (j < 4 && i == lost[j]) {
				j++;
				continue;
			}
			apply(r, k->buf[i], k->len[i]);
		}
		nb_sent = 0;
		tw_rx_recovery_poll(&r->ctx, 1000, count_request, NULL);
		assert_int_equal(nb_sent, 1);
		assert_int_equal(sent_first, first);
		/* The reply's first packet. */
		asks = r->ctr.asks_now;
		as_retransmission(k->buf[lost[0]], k->len[lost[0]],
			r->feed.unicast_ip, r->feed.request_port);
		apply(r, k->buf[lost[0]], k->len[lost[0]]);
		tw_rx_recovery_poll(&r->ctx, 1000, count_request, NULL);
		if (per == 1) {
			/* One packet a request: the rest, at once. */
			assert_int_equal(r->ctr.asks_now, asks + 1);
			assert_int_equal(nb_sent, 2);
			frame_channel(k->buf[lost[1]], &seq);
			assert_int_equal(sent_first, seq);
		} else {
			/* Three more packets of this reply to come. */
			assert_int_equal(r->ctr.asks_now, asks);
			assert_int_equal(nb_sent, 1);
		}
		receiver_free(r);
	}
	frames_free(k);
}

/*
 * The last frame of a channel is lost and its end of session arrives,
 * ahead: not an end yet, but the tail is asked for; the retransmission
 * comes in order, the repeated end ends the channel, its cache whole.
 * A forged end ahead costs only a request: frames in order undo it.
 */
static void
a_lost_tail_holds_the_end_until_filled(void **state)
{
	struct frames *k = generate(2000);
	struct tt_rx *inorder = receiver(false), *r = receiver(true);
	uint8_t eos[TT_FRAME_MAX];
	unsigned int i, last = 0;
	uint64_t end = 0;
	uint16_t ch = 0, len;

	(void)state;
	/* The last data frame of channel 0, and where its sequence ends. */
	for (i = 0; i < k->n; i++) {
		const uint8_t *f = k->buf[i];
		const struct tw_mold_hdr *h = (const struct tw_mold_hdr *)(f +
			TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN);

		if (rte_be_to_cpu_32(((const struct rte_ipv4_hdr *)(f +
				TW_ETH_HDR_LEN))->dst_addr) == TT_GROUP) {
			last = i;
			end = rte_be_to_cpu_64(h->seq) + k->msgs[i];
		}
		apply(inorder, k->buf[i], k->len[i]);
	}
	for (i = 0; i < k->n; i++)
		if (i != last)
			apply(r, k->buf[i], k->len[i]);
	len = tt_control_frame(eos, ch, end, TW_MOLD_COUNT_END_OF_SESSION);
	apply(r, eos, len);
	/* Ahead: no end, but the tail is asked for. */
	assert_int_equal(r->ch[0].ended, 0);
	assert_int_equal(r->ctr.drops[TW_DROP_BAD_END], 1);
	assert_int_equal(r->ch[0].nb_gaps, 1);
	as_retransmission(k->buf[last], k->len[last], r->feed.unicast_ip,
		r->feed.request_port);
	apply(r, k->buf[last], k->len[last]);
	assert_int_equal(r->ch[0].nb_gaps, 0);
	assert_int_equal(r->ch[0].expected, end);
	/* The end again (the generator repeats it): the channel ends,
	 * and once more is nothing. */
	apply(r, eos, len);
	assert_int_equal(r->ch[0].ended, 1);
	apply(r, eos, len);
	assert_int_equal(r->ctr.end_repeats, 1);
	assert_int_equal(r->ctr.drops[TW_DROP_AFTER_END], 0);
	assert_same_caches(inorder, r);
	frames_free(k);
	receiver_free(inorder);
	receiver_free(r);
}

/*
 * The server's limits: a source's budget is its own (a flood of other
 * sources neither resets nor takes it; 0.0.0.0's neither), all sources
 * together are held to the total rate, and replies to the byte budget.
 */
static void
server_limits_hold_against_floods(void **state)
{
	struct tw_rate_limit *rl = calloc(1, sizeof(*rl));
	struct tw_reply_budget b;
	static const uint32_t sources[] = { TW_IPV4(192, 0, 2, 3), 0 };
	uint32_t i, s, allowed = 0;

	assert_non_null(rl);
	for (s = 0; s < RTE_DIM(sources); s++) {
		const uint32_t a = sources[s];

		/* hz 1,000,000: 10 requests a second, one at a time. */
		tw_rate_limit_init(rl, 1000000, 10, 1);
		assert_true(tw_rate_limit_allow(rl, a, 1000));
		assert_false(tw_rate_limit_allow(rl, a, 1001));
		for (i = 1; i <= 5000; i++)
			tw_rate_limit_allow(rl, TW_IPV4(10, 0, 0, 0) + i,
				1002);
		/* Its budget was not reset by anyone sharing its slot. */
		assert_false(tw_rate_limit_allow(rl, a, 1003));
		assert_true(tw_rate_limit_allow(rl, a, 1000 + 100000));
	}
	/* Spoofed rotating sources: the total holds them. */
	tw_rate_limit_init(rl, 1000000, 10, 1);
	tw_rate_limit_total(rl, 1000000, 100, 10);
	for (i = 1; i <= 1000; i++)
		allowed += tw_rate_limit_allow(rl,
			TW_IPV4(10, 0, 0, 0) + i * 7919, 2000 + i);
	/* A burst of 10, then one each 10,000 cycles: 10 in 1,000. */
	assert_int_equal(allowed, 10);
	free(rl);
	/* 1,000 bytes a second, a burst of 1,500. */
	tw_reply_budget_init(&b, 1000000, 1000, 1500);
	assert_true(tw_reply_budget_take(&b, 1500, 0));
	assert_false(tw_reply_budget_take(&b, 100, 1));
	assert_true(tw_reply_budget_take(&b, 100, 1600000));
	assert_int_equal(b.bytes, 1600);
	assert_int_equal(b.refused, 1);
}

/*
 * The limits never round in the sender's favour: at a clock that is no
 * multiple of the rate, one source gets at most burst + rate x elapsed
 * requests, and a reply of a few bytes still costs them (fuzz_request
 * found the budget letting more through than configured; the rates'
 * intervals were rounded down the same way).
 */
static void
server_limits_never_round_in_the_senders_favour(void **state)
{
	struct tw_rate_limit *rl = calloc(1, sizeof(*rl));
	struct tw_reply_budget b;
	const uint32_t a = TW_IPV4(192, 0, 2, 3);
	uint32_t allowed = 0, i;

	(void)state;
	assert_non_null(rl);
	/* hz 1,000,000 and 300,000 a second: 3.33 cycles a request. */
	tw_rate_limit_init(rl, 1000000, 300000, 1);
	for (i = 0; i < 1000; i++)
		allowed += tw_rate_limit_allow(rl, a, i);
	assert_true(allowed <= 1 + 999 * 3 / 10);
	tw_rate_limit_init(rl, 1000000, 0, 1);
	tw_rate_limit_total(rl, 1000000, 300000, 1);
	for (i = 0, allowed = 0; i < 1000; i++)
		allowed += tw_rate_limit_allow(rl, TW_IPV4(10, 0, 0, 1) + i,
			i);
	assert_true(allowed <= 1 + 999 * 3 / 10);
	free(rl);
	/* 3,000,000 bytes a second at 1 MHz: a byte is a third of a cycle;
	 * 2,000 one-byte replies at once against a 1,500-byte burst. */
	tw_reply_budget_init(&b, 1000000, 3000000, 1500);
	for (i = 0; i < 2000; i++)
		tw_reply_budget_take(&b, 1, 0);
	assert_true(b.bytes <= 1500);
}

/* A frame's IPv4 source set to ip_host, checksums made right again. */
static void
from_source(uint8_t *f, uint16_t len, uint32_t ip_host)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + TW_ETH_HDR_LEN);

	ip->src_addr = rte_cpu_to_be_32(ip_host);
	tt_fix_checksums_at(f, len, TW_ETH_HDR_LEN);
}

/*
 * Recovery traffic is taken from the server only, and only for what is
 * missing: a gap's retransmission forged from another address changes
 * nothing and is counted; the server's own fills it; a retransmission to
 * a channel that asked for nothing and misses nothing is unasked.
 */
static void
fills_come_only_from_the_server_and_for_what_is_missing(void **state)
{
	struct frames *k = generate(4000);
	struct tt_rx *inorder = receiver(false), *r = receiver(true);
	uint8_t forged[TT_FRAME_MAX];
	unsigned int i, lost = k->n / 2;
	int idx;

	for (i = 0; i < k->n; i++) {
		apply(inorder, k->buf[i], k->len[i]);
		if (i != lost)
			apply(r, k->buf[i], k->len[i]);
	}
	assert_int_equal(r->ctr.gaps_open, 1);
	/* The lost frame, from an address that is not the server's, with
	 * a bid no one sent. */
	memcpy(forged, k->buf[lost], k->len[lost]);
	as_retransmission(forged, k->len[lost], r->feed.unicast_ip,
		r->feed.request_port);
	from_source(forged, k->len[lost], TW_IPV4(198, 51, 100, 7));
	apply(r, forged, k->len[lost]);
	assert_int_equal(r->ctr.drops[TW_DROP_RECOVERY_SOURCE], 1);
	assert_int_equal(r->ctr.gaps_open, 1);
	assert_int_equal(r->ctr.retrans_pkts, 0);
	/* The server's own copy fills it: the cache is the in-order one. */
	as_retransmission(k->buf[lost], k->len[lost], r->feed.unicast_ip,
		r->feed.request_port);
	apply(r, k->buf[lost], k->len[lost]);
	assert_int_equal(r->ctr.gaps_open, 0);
	assert_same_caches(inorder, r);
	/* On a channel that never asked and misses nothing: unasked. */
	idx = -1;
	for (i = 0; i < k->n && idx < 0; i++) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)
			(k->buf[i] + TW_ETH_HDR_LEN);
		uint32_t c = rte_be_to_cpu_32(ip->dst_addr) - TT_GROUP;

		if (r->ch[c].ctr.requests == 0 && r->ch[c].nb_gaps == 0 &&
		    i != lost)
			idx = (int)i;
	}
	assert_true(idx >= 0);
	as_retransmission(k->buf[idx], k->len[idx], r->feed.unicast_ip,
		r->feed.request_port);
	apply(r, k->buf[idx], k->len[idx]);
	assert_int_equal(r->ctr.drops[TW_DROP_FILL_UNASKED], 1);
	assert_same_caches(inorder, r);
	frames_free(k);
	receiver_free(inorder);
	receiver_free(r);
}

/*
 * A retransmission never leads a channel: one right at the channel's
 * next sequence number that it never asked for (no tail missing there)
 * is unasked and changes nothing; the live frame then applies. And a
 * retransmission is counted taken (retrans_packets) only when it was:
 * the same fill twice is taken once, the second a duplicate.
 */
static void
a_retransmission_never_leads_a_channel(void **state)
{
	struct frames *k = generate(400);
	struct tt_rx *inorder = receiver(false), *r = receiver(true);
	uint8_t f[TT_FRAME_MAX];
	unsigned int i, next = k->n / 2, lost = k->n / 4;
	uint64_t expected;
	uint16_t c;

	(void)state;
	r->feed.rerequest = true;
	r->feed.request_max = 65000;
	for (i = 0; i < next; i++) {
		apply(inorder, k->buf[i], k->len[i]);
		if (i != lost)
			apply(r, k->buf[i], k->len[i]);
	}
	/* The gap asked for, then the server's answer twice: taken once. */
	nb_sent = 0;
	tw_rx_recovery_poll(&r->ctx, 1000, count_request, NULL);
	assert_int_equal(nb_sent, 1);
	memcpy(f, k->buf[lost], k->len[lost]);
	as_retransmission(f, k->len[lost], r->feed.unicast_ip,
		r->feed.request_port);
	apply(r, f, k->len[lost]);
	assert_int_equal(r->ctr.gaps_open, 0);
	assert_int_equal(r->ctr.retrans_pkts, 1);
	apply(r, f, k->len[lost]);
	assert_int_equal(r->ctr.drops[TW_DROP_DUPLICATE], 1);
	assert_int_equal(r->ctr.retrans_pkts, 1);
	assert_same_caches(inorder, r);
	/* The next frame of a channel that asked for nothing, as if from
	 * the server, before the live feed brings it. */
	c = (uint16_t)(rte_be_to_cpu_32(tt_ip(k->buf[next])->dst_addr) -
		TT_GROUP);
	expected = r->ch[c].expected;
	assert_int_equal(rte_be_to_cpu_64(tt_mold(k->buf[next])->seq),
		expected);
	if (r->ch[c].ctr.requests != 0 || r->ch[c].nb_gaps != 0)
		fail_msg("channel %u asked for something", c);
	memcpy(f, k->buf[next], k->len[next]);
	as_retransmission(f, k->len[next], r->feed.unicast_ip,
		r->feed.request_port);
	apply(r, f, k->len[next]);
	assert_int_equal(r->ctr.drops[TW_DROP_FILL_UNASKED], 1);
	assert_int_equal(r->ch[c].expected, expected);
	assert_int_equal(r->ctr.retrans_pkts, 1);
	assert_same_caches(inorder, r);
	/* The live copy applies as ever. */
	apply(inorder, k->buf[next], k->len[next]);
	apply(r, k->buf[next], k->len[next]);
	assert_true(r->ch[c].expected > expected);
	assert_same_caches(inorder, r);
	frames_free(k);
	receiver_free(inorder);
	receiver_free(r);
}

/* A datagram longer than the feed's MTU is refused by the parser. */
static void
datagrams_over_the_mtu_are_refused(void **state)
{
	struct frames *k = generate(50);
	struct tt_rx *r = receiver(false);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)
		(k->buf[0] + TW_ETH_HDR_LEN);
	uint16_t ip_len = rte_be_to_cpu_16(ip->total_length);
	unsigned int level;

	for (level = 0; level < TW_SIMD_MAX; level++) {
		if (tw_rx_ctx_init(&r->ctx, &r->feed, r->cache, r->ch, &r->ctr,
				(enum tw_simd)level) != 0)
			continue;       /* a level this CPU lacks */
		memset(&r->ctr, 0, sizeof(r->ctr));
		r->feed.max_ip_len = (uint16_t)(ip_len - 1);
		apply(r, k->buf[0], k->len[0]);
		assert_int_equal(r->ctr.drops[TW_DROP_OVER_MTU], 1);
		assert_int_equal(r->ctr.pkts_accepted, 0);
		r->feed.max_ip_len = ip_len;
		apply(r, k->buf[0], k->len[0]);
		assert_int_equal(r->ctr.drops[TW_DROP_OVER_MTU], 1);
	}
	frames_free(k);
	receiver_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(faults_are_seeded_and_shaped),
		cmocka_unit_test(
			request_frames_round_trip_and_bad_ones_are_told_apart),
		cmocka_unit_test(server_rules_refuse_what_cannot_be_served),
		cmocka_unit_test(server_limits_hold_against_floods),
		cmocka_unit_test(
			server_limits_never_round_in_the_senders_favour),
		cmocka_unit_test(
			fills_come_only_from_the_server_and_for_what_is_missing),
		cmocka_unit_test(a_retransmission_never_leads_a_channel),
		cmocka_unit_test(datagrams_over_the_mtu_are_refused),
		cmocka_unit_test(
			late_and_retransmitted_frames_fill_gaps_exactly),
		cmocka_unit_test(a_gap_given_up_marks_its_channel_stale),
		cmocka_unit_test(gaps_are_asked_for_on_their_timer),
		cmocka_unit_test(the_rest_is_asked_for_once_the_reply_is_in),
		cmocka_unit_test(a_lost_tail_holds_the_end_until_filled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
