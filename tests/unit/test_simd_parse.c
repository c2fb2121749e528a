/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Differential tests of the RX SIMD levels: every level this CPU has
 * must leave exactly the scalar reference's state (cache bytes, symbol
 * directory, counters, channel states) on the same bursts: a generated
 * feed, every malformed class, mutated frames, arbitrary UDP lengths
 * and random bytes, with a mix of offload checksum verdicts. The
 * checksum kernels are compared with rte_raw_cksum on every length and
 * alignment. Levels the CPU lacks are reported as not run, never passed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include <rte_mbuf.h>

#include "tw_rx_frame.h"
#include "tw_test_mutations.h"
#include "tw_test_rx.h"

#define NB_SYMBOLS 1000
#define BUF_LEN 2048
#define MAX_FRAMES 12000
#define BURST 32

/* One input frame: bytes and the port's checksum verdicts. */
struct corpus {
	uint8_t (*buf)[BUF_LEN];
	uint16_t *len;
	uint64_t *ol_flags;
	unsigned int n;
	unsigned int good;      /* the first good frames: the clean feed */
};

static struct tw_rng rng;

static uint32_t
rnd(uint32_t n)
{
	return (uint32_t)(((uint64_t)(uint32_t)tw_rng_u64(&rng) * n) >> 32);
}

static uint64_t
rnd_ol_flags(void)
{
	static const uint64_t pick[] = {
		0, 0, 0, 0,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD,
		RTE_MBUF_F_RX_L4_CKSUM_GOOD,
		RTE_MBUF_F_RX_IP_CKSUM_BAD,
		RTE_MBUF_F_RX_L4_CKSUM_BAD,
		RTE_MBUF_F_RX_IP_CKSUM_NONE | RTE_MBUF_F_RX_L4_CKSUM_NONE,
	};

	return pick[rnd(RTE_DIM(pick))];
}

static uint8_t *
corpus_add(struct corpus *c, uint16_t len, uint64_t ol_flags)
{
	assert_true(c->n < MAX_FRAMES);
	c->len[c->n] = len;
	c->ol_flags[c->n] = ol_flags;
	return c->buf[c->n++];
}

/* Recompute checksums of an untagged frame whose lengths are sane. */
static void
fix_checksums(uint8_t *f, uint16_t len)
{
	uint16_t ip_len = rte_be_to_cpu_16(tt_ip(f)->total_length);

	if ((tt_ip(f)->version_ihl & 0xf) == 5 &&
	    ip_len >= TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN &&
	    TW_ETH_HDR_LEN + ip_len <= len)
		tt_fix_checksums(f);
}

/* Frames are built in scratch buffers, then land in the corpus. */
struct feed_sink {
	struct corpus *c;
	uint64_t ol_flags_mask;
	struct tt_scratch scratch;      /* one open frame a channel */
};

static uint8_t *
sink_buf(void *arg)
{
	struct feed_sink *k = arg;

	return tt_scratch_get(&k->scratch);
}

static void
sink_done(void *arg, uint8_t *buf, uint16_t len, uint16_t msgs)
{
	struct feed_sink *k = arg;

	memcpy(corpus_add(k->c, len, rnd_ol_flags() & k->ol_flags_mask), buf,
		len);
	tt_scratch_put(&k->scratch, buf);
}

/*
 * A generated feed: the directory, then ticks from the real generator
 * in frames of 1..48 messages; tagged frames when vlan is set. The port
 * never calls these frames bad, but may leave them unchecked.
 */
static void
add_generated_feed(struct corpus *c, uint16_t vlan, unsigned int nb_ticks)
{
	struct tw_gen_params gp = {
		.nb_symbols = NB_SYMBOLS, .nb_channels = TT_CHANNELS,
		.seed = 42, .quote_pct = 70, .activity = TW_ACTIVITY_ZIPF,
		.zipf_s = 1.0, .volatility = 0.3, .dt = 1e-6,
		.init_price = 100, .price_decimals = 4,
	};
	struct tw_gen_feed_opts o = {
		.nb_ticks = nb_ticks, .directory = true, .max_msgs = 48,
		.vary = true, .send_ns = 1,
	};
	struct feed_sink *k = calloc(1, sizeof(*k));
	struct tw_frame_params fp;
	struct tw_pkt_tmpl t[TT_CHANNELS];
	void *mem = aligned_alloc(64, RTE_ALIGN_CEIL(tw_gen_memsize(&gp), 64));
	struct tw_gen *g = tw_gen_init(mem, &gp);
	unsigned int ch;

	assert_non_null(g);
	tt_frame_params(&fp, vlan);
	for (ch = 0; ch < TT_CHANNELS; ch++)
		tw_pkt_tmpl_init(&t[ch], &fp, ch);
	k->c = c;
	k->ol_flags_mask = ~(RTE_MBUF_F_RX_IP_CKSUM_BAD |
		RTE_MBUF_F_RX_L4_CKSUM_BAD);
	assert_int_equal(tw_gen_feed_frames(g, t, &o, sink_buf, sink_done, k),
		0);
	free(k);
	free(mem);
}

/* Copies of earlier good frames, out of order: duplicates. */
static void
add_replayed(struct corpus *c, unsigned int good, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int src = rnd(good);

		memcpy(corpus_add(c, c->len[src], c->ol_flags[src]),
			c->buf[src], BUF_LEN);
	}
}

static void
add_malformed(struct corpus *c)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(tt_malformed); i++) {
		uint8_t tmp[TT_FRAME_MAX];
		uint16_t len = tt_quote_frame(tmp, 0, i % TT_CHANNELS,
			1000 + i, 3, (int64_t)i);

		len = tt_malformed[i].mutate(tmp, len);
		memcpy(corpus_add(c, len, 0), tmp, TT_FRAME_MAX);
	}
}

/* Good frames with a few random bytes changed, some fixed up, some cut. */
static void
add_mutated(struct corpus *c, unsigned int first, unsigned int n)
{
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		unsigned int src = first + rnd(c->n - first);
		uint16_t len = c->len[src];
		uint8_t *f;

		if (len == 0)
			continue;
		f = corpus_add(c, len, rnd_ol_flags());
		memcpy(f, c->buf[src], BUF_LEN);
		for (k = 1 + rnd(3); k > 0; k--) {
			/* Half the changes land in the headers. */
			uint32_t at = rnd(2) ? rnd(RTE_MIN(len, 80)) : rnd(len);

			f[at] ^= (uint8_t)(1 + rnd(255));
		}
		if (rnd(2))
			fix_checksums(f, len);
		if (rnd(10) == 0)
			c->len[c->n - 1] = rnd(len + 1);
	}
}

/*
 * Good headers around a UDP payload of every length: the checksum
 * kernels see every tail; a fixed-up frame is dropped for its blocks, a
 * corrupted one for its checksum, and the levels must agree which.
 */
static void
add_arbitrary_lengths(struct corpus *c)
{
	unsigned int extra;

	for (extra = 0; extra <= 1400; extra += 1 + rnd(7)) {
		uint8_t *f = corpus_add(c, 0, rnd_ol_flags());
		uint16_t len = tt_quote_frame(f, 0, rnd(TT_CHANNELS), 1, 1, 0);
		uint16_t add = (uint16_t)RTE_MIN(extra,
			(unsigned int)(1514 - len));
		unsigned int k;

		for (k = 0; k < add; k++)
			f[len + k] = (uint8_t)tw_rng_u64(&rng);
		len += add;
		tt_ip(f)->total_length = rte_cpu_to_be_16(len - TW_ETH_HDR_LEN);
		tt_udp(f)->dgram_len = rte_cpu_to_be_16(len - TW_ETH_HDR_LEN -
			TW_IPV4_HDR_LEN);
		tt_fix_checksums(f);
		if (rnd(2))
			f[len - 1 - rnd(add + 1)] ^= 0x40;
		c->len[c->n - 1] = len;
	}
}

static void
add_random_bytes(struct corpus *c, unsigned int n)
{
	unsigned int i, k;

	for (i = 0; i < n; i++) {
		uint16_t len = (uint16_t)rnd(1515);
		uint8_t *f = corpus_add(c, len, rnd_ol_flags());

		for (k = 0; k < BUF_LEN; k++)
			f[k] = (uint8_t)tw_rng_u64(&rng);
		/* Some random frames carry a good Ethernet/IPv4 start. */
		if (rnd(2) && len >= 64) {
			uint8_t hdr[TT_FRAME_MAX];

			tt_quote_frame(hdr, 0, rnd(TT_CHANNELS), 1, 1, 0);
			memcpy(f, hdr, 34 + rnd(30));
		}
	}
}

static void
world_init(struct tt_rx *w, uint16_t vlan, enum tw_simd level)
{
	assert_int_equal(tt_rx_init(w, vlan, NB_SYMBOLS, level), 0);
}

/* Feed the corpus in bursts of fake (but well-formed) mbufs. */
static void
world_run(struct tt_rx *w, const struct corpus *c)
{
	static struct rte_mbuf mb[BURST];
	struct rte_mbuf *pkts[BURST];
	unsigned int i = 0, k;

	while (i < c->n) {
		unsigned int n = RTE_MIN((unsigned int)BURST, c->n - i);

		for (k = 0; k < n; k++) {
			memset(&mb[k], 0, sizeof(mb[k]));
			mb[k].buf_addr = c->buf[i + k];
			mb[k].buf_len = BUF_LEN;
			mb[k].data_len = c->len[i + k];
			mb[k].pkt_len = c->len[i + k];
			mb[k].nb_segs = 1;
			mb[k].ol_flags = c->ol_flags[i + k];
			pkts[k] = &mb[k];
		}
		/* Now and then a frame arrives as a chain: dropped unread. */
		for (k = 0; k < n; k++)
			if ((i + k) % 997 == 0)
				mb[k].nb_segs = 2;
		tw_rx_burst(&w->ctx, pkts, (uint16_t)n, 1000 + i);
		i += n;
	}
}

static void
world_free(struct tt_rx *w)
{
	tt_rx_fini(w);
}

static void
assert_same(struct tt_rx *ref, struct tt_rx *w, const char *level)
{
	struct tw_rx_counters a = ref->ctr, b = w->ctr;

	/* The one counter that differs by design. */
	a.scalar_checked = 0;
	b.scalar_checked = 0;
	if (memcmp(&a, &b, sizeof(a)) != 0) {
		unsigned int i;

		for (i = 0; i < TW_DROP_MAX; i++)
			if (a.drops[i] != b.drops[i])
				print_error("%s: drops %s %" PRIu64 " vs scalar "
					"%" PRIu64 "\n", level,
					tw_rx_drop_name(i), b.drops[i],
					a.drops[i]);
		fail_msg("%s: counters differ from scalar (msgs %" PRIu64
			" vs %" PRIu64 ")", level, b.msgs, a.msgs);
	}
	assert_memory_equal(ref->ch, w->ch, sizeof(ref->ch));
	assert_memory_equal(ref->cache->entries, w->cache->entries,
		(size_t)NB_SYMBOLS * sizeof(struct tw_cache_entry));
	assert_memory_equal(ref->cache->info, w->cache->info,
		(size_t)NB_SYMBOLS * sizeof(struct tw_symbol_info));
}

static struct corpus *
corpus_build(uint16_t vlan)
{
	struct corpus *c = calloc(1, sizeof(*c));
	unsigned int good;

	c->buf = aligned_alloc(64, (size_t)MAX_FRAMES * BUF_LEN);
	c->len = calloc(MAX_FRAMES, sizeof(*c->len));
	c->ol_flags = calloc(MAX_FRAMES, sizeof(*c->ol_flags));
	memset(c->buf, 0, (size_t)MAX_FRAMES * BUF_LEN);
	tw_rng_seed(&rng, 7 + vlan);
	add_generated_feed(c, vlan, 60000);
	good = c->n;
	c->good = good;
	add_replayed(c, good, 300);
	add_malformed(c);
	add_mutated(c, 0, 3000);
	add_arbitrary_lengths(c);
	add_random_bytes(c, 1500);
	add_generated_feed(c, vlan ? 0 : 7, 2000); /* the other tagging */
	print_message("corpus (vlan %u): %u frames, %u of the good feed\n",
		vlan, c->n, good);
	return c;
}

static void
corpus_free(struct corpus *c)
{
	free(c->buf);
	free(c->len);
	free(c->ol_flags);
	free(c);
}

static void
levels_match_scalar(uint16_t vlan)
{
	struct corpus *c = corpus_build(vlan);
	struct corpus good = *c;
	struct tt_rx ref, w;
	unsigned int level, ran = 0;

	good.n = c->good;
	world_init(&ref, vlan, TW_SIMD_SCALAR);
	world_run(&ref, c);
	/* The corpus is worth something only if it reaches the cache. */
	assert_true(ref.ctr.msgs > 60000);
	assert_true(ref.ctr.quotes > 0 && ref.ctr.trades > 0);
	assert_int_equal(ref.ctr.scalar_checked, ref.ctr.pkts -
		ref.ctr.drops[TW_DROP_SEGMENTED]);
	for (level = TW_SIMD_SCALAR + 1; level < TW_SIMD_MAX; level++) {
		if (!tw_simd_compiled(level) || !tw_simd_cpu_has(level)) {
			print_message("%s: NOT RUN, this CPU lacks it\n",
				tw_simd_name(level));
			continue;
		}
		/* The fast path must carry the good feed, not the fallback. */
		world_init(&w, vlan, level);
		world_run(&w, &good);
		assert_int_equal(w.ctr.scalar_checked, 0);
		assert_int_equal(w.ctr.pkts_accepted, good.n -
			w.ctr.drops[TW_DROP_SEGMENTED]);
		world_free(&w);
		/* And the whole corpus must leave the scalar state. */
		world_init(&w, vlan, level);
		world_run(&w, c);
		assert_same(&ref, &w, tw_simd_name(level));
		print_message("%s: same as scalar; %" PRIu64 " of %" PRIu64
			" frames took the scalar checks\n",
			tw_simd_name(level), w.ctr.scalar_checked, w.ctr.pkts);
		world_free(&w);
		ran++;
	}
	print_message("%u SIMD level(s) compared\n", ran);
	world_free(&ref);
	corpus_free(c);
}

static void
untagged_feed(void **state)
{
	levels_match_scalar(0);
}

static void
tagged_feed(void **state)
{
	levels_match_scalar(7);
}

/* Every length 0..2048 at every alignment 0..63. */
static void
checksum_kernels_equal_rte_raw_cksum(void **state)
{
	static const struct {
		enum tw_simd level;
		uint16_t (*fn)(const void *, uint32_t);
	} k[] = {
		{ TW_SIMD_SCALAR, tw_rx_raw_cksum_scalar },
#ifdef RTE_ARCH_X86_64
		{ TW_SIMD_SSE, tw_rx_raw_cksum_sse },
		{ TW_SIMD_AVX2, tw_rx_raw_cksum_avx2 },
		{ TW_SIMD_AVX512, tw_rx_raw_cksum_avx512 },
#endif
	};
	uint8_t *buf = aligned_alloc(64, 4096);
	unsigned int i, len, align;

	tw_rng_seed(&rng, 3);
	for (i = 0; i < 4096; i++)
		buf[i] = (uint8_t)tw_rng_u64(&rng);
	/* All ones stresses the carries. */
	memset(buf + 2048, 0xff, 2048);
	for (i = 0; i < RTE_DIM(k); i++) {
		if (!tw_simd_cpu_has(k[i].level))
			continue;
		for (align = 0; align < 64; align++)
			for (len = 0; len <= 2048; len++) {
				const uint8_t *p = buf + align +
					(len & 1 ? 2048 - 64 : 0);

				if (k[i].fn(p, len) != rte_raw_cksum(p, len))
					fail_msg("%s: len %u align %u",
						tw_simd_name(k[i].level), len,
						align);
			}
	}
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(checksum_kernels_equal_rte_raw_cksum),
		cmocka_unit_test(untagged_feed),
		cmocka_unit_test(tagged_feed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
