/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-bench's cases through mbufs. The parse cases call the RX
 * lcore's poll step (lib/rx) and the gen case the generator lcore's
 * framer and protocol (lib/gen, lib/protocol): the functions production
 * runs, not copies. Owns the frame templates and the feed they share;
 * the cases timed per operation (cache, measuring) are
 * cases_latency.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "bench.h"
#include "tw_cache.h"
#include "tw_config.h"
#include "tw_tickwire_gen.h"
#include "tw_gen.h"
#include "tw_protocol.h"
#include "tw_rx_path.h"
#include "tw_stats.h"
#include "tw_store.h"

/* ---- frames in mbufs ---- */

struct frames {
	struct rte_mempool *pool;
	struct rte_mbuf **m;
	unsigned int n, cap;
	uint64_t msgs;
	struct rte_mbuf *open[TW_RX_MAX_CHANNELS]; /* being built */
};

static uint8_t *
frame_buf(void *arg)
{
	struct frames *f = arg;
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->pool);
	unsigned int i;

	if (m == NULL)
		return NULL;
	for (i = 0; i < RTE_DIM(f->open); i++)
		if (f->open[i] == NULL) {
			f->open[i] = m;
			return rte_pktmbuf_mtod(m, uint8_t *);
		}
	rte_pktmbuf_free(m);
	return NULL;
}

static void
frame_done(void *arg, uint8_t *buf, uint16_t len, uint16_t msgs)
{
	struct frames *f = arg;
	struct rte_mbuf *m = NULL;
	unsigned int i;

	for (i = 0; i < RTE_DIM(f->open); i++)
		if (f->open[i] != NULL &&
		    rte_pktmbuf_mtod(f->open[i], uint8_t *) == buf) {
			m = f->open[i];
			f->open[i] = NULL;
			break;
		}
	m->data_len = len;
	m->pkt_len = len;
	f->msgs += msgs;
	f->m[f->n++] = m;
}

static struct tw_gen *
make_gen(uint32_t symbols, uint16_t channels, enum tw_simd level)
{
	struct tw_gen_params gp = {
		.nb_symbols = symbols, .nb_channels = channels, .seed = 1,
		.quote_pct = 70, .activity = TW_ACTIVITY_UNIFORM,
		.volatility = 0.3, .dt = 1e-6, .init_price = 100,
		.price_decimals = 4,
	};
	void *mem = rte_zmalloc(NULL, tw_gen_memsize(&gp), 64);
	struct tw_gen *g = tw_gen_init(mem, &gp);

	if (g == NULL || tw_gen_set_simd(g, level) != 0)
		rte_exit(EXIT_FAILURE, "generator set-up failed\n");
	return g;
}

/* The profile's defaults with the bench's channels: tickwire's set-up. */
static void
feed_setup(struct tw_rx_feed *feed, struct tw_pkt_tmpl *tmpl,
		uint16_t channels)
{
	struct tw_config cfg;
	struct tw_frame_params fp;
	uint16_t c;

	tw_config_defaults(&cfg);
	cfg.channels = channels;
	memcpy(cfg.session, "BENCH00001", TW_MOLD_SESSION_LEN);
	tw_config_frame_params(&cfg, &fp);
	if (tw_config_rx_feed(&cfg, feed) != 0)
		rte_exit(EXIT_FAILURE, "feed set-up failed\n");
	for (c = 0; c < channels; c++)
		tw_pkt_tmpl_init(&tmpl[c], &fp, c);
}

/* ---- RX parse + cache update ---- */

#define CHANNELS 8
#define BURST 32
/*
 * Frame sets about the size of a 2048-descriptor RX ring: what a PMD
 * cycles through (mempool caches recycle buffers LIFO), so the frames
 * sit in the last-level cache as they would after the NIC's DMA.
 */
#define MTU_TICKS 80000         /* about 2000 frames of ~40 messages */
#define MIN_TICKS 2048          /* one message a frame */

struct parse_case {
	const char *name;
	uint32_t symbols;
	uint64_t ticks;         /* in the frame set */
	uint16_t max_msgs;      /* 1: minimum-size frames */
	uint64_t ol_flags;
	unsigned int passes;
	bool recovery;          /* gap tracking on, as the RX lcores run */
	struct frames f;
	struct tw_cache *cache;
	struct tw_rx_side *side;
};

static struct tw_rx_feed feed;
static struct tw_pkt_tmpl tmpl[CHANNELS];

static struct parse_case cases[] = {
	{ "parse_mtu_1k", 1000, MTU_TICKS, 1000, 0, 20 },
	{ "parse_mtu_10k", 10000, MTU_TICKS, 1000, 0, 20 },
	{ "parse_mtu_10k_recovery", 10000, MTU_TICKS, 1000, 0, 20, true },
	{ "parse_mtu_100k", 100000, MTU_TICKS, 1000, 0, 20 },
	{ "parse_mtu_10k_csum_ok", 10000, MTU_TICKS, 1000,
		RTE_MBUF_F_RX_IP_CKSUM_GOOD | RTE_MBUF_F_RX_L4_CKSUM_GOOD, 20 },
	{ "parse_min_10k", 10000, MIN_TICKS, 1, 0, 20 },
};

void
bench_feed_setup(void)
{
	feed_setup(&feed, tmpl, CHANNELS);
}

unsigned int
bench_parse_cases(void)
{
	return RTE_DIM(cases);
}

struct parse_case *
bench_parse_case(unsigned int i)
{
	return &cases[i];
}

void
bench_parse_quick(void)
{
	unsigned int c;

	for (c = 0; c < RTE_DIM(cases); c++)
		cases[c].passes /= 4;
}

void
bench_parse_prepare(struct parse_case *pc, struct rte_mempool *pool)
{
	struct tw_gen *g = make_gen(pc->symbols, CHANNELS, TW_SIMD_SCALAR);
	struct tw_gen_feed_opts o = {
		.nb_ticks = pc->ticks, .max_msgs = pc->max_msgs, .send_ns = 1,
	};
	unsigned int i;
	char a[32], b[32];

	pc->f.pool = pool;
	pc->f.cap = (unsigned int)pc->ticks;
	pc->f.m = rte_zmalloc(NULL, pc->f.cap * sizeof(*pc->f.m), 0);
	if (pc->f.m == NULL ||
	    tw_gen_feed_frames(g, tmpl, &o, frame_buf, frame_done,
			&pc->f) != 0)
		rte_exit(EXIT_FAILURE, "%s: not enough mbufs for the frames\n",
			pc->name);
	for (i = 0; i < pc->f.n; i++)
		pc->f.m[i]->ol_flags = pc->ol_flags;
	pc->cache = tw_cache_init(rte_zmalloc(NULL,
		tw_cache_memsize(pc->symbols), 64), pc->symbols, 0);
	rte_free(g);
	printf("%s: %s frames, %s messages a pass\n", pc->name,
		tw_grouped(a, sizeof(a), pc->f.n),
		tw_grouped(b, sizeof(b), pc->f.msgs));
}

void
bench_parse_release(struct parse_case *pc)
{
	rte_pktmbuf_free_bulk(pc->f.m, pc->f.n);
	rte_free(pc->f.m);
	rte_free(pc->cache);
	rte_free(pc->side);
	pc->side = NULL;
}

/*
 * The RX lcore's poll step itself (lib/rx, tw_rx_path_frames): stamp,
 * burst, stamp again, record the latency samples. With noise, as the
 * RX lcores run it: the loop's interruptions recorded from the same
 * stamps (lib/noise), and each packet checked against the last one's
 * end ("+noise" in the result's name).
 */
void
bench_parse_run(struct parse_case *pc, enum tw_simd level, bool noise)
{
	static struct tw_rx_path path;
	static struct tw_noise nr;
	char name[64];
	struct tw_channel_state ch[CHANNELS];
	struct tw_rx_counters *ctr = &path.ctr;
	struct result *r;
	uint64_t t0, t1, a0;
	unsigned int p, i, c;
	char a[32], b[32];

	if (tw_rx_path_init(&path, tw_protocol_find("tickwire"), &feed,
			pc->cache,
			ch, level, &clk, false) != 0)
		rte_exit(EXIT_FAILURE, "no RX kernel for %s\n",
			tw_simd_name(level));
	tw_noise_init(&nr, 1000, tw_clock_hz(&clk));
	tw_rx_path_noise(&path, noise ? &nr : NULL);
	tw_noise_begin(&nr, rte_rdtsc());
	if (pc->recovery) {
		if (pc->side == NULL)
			pc->side = rte_zmalloc("bench_side", pc->symbols *
				sizeof(*pc->side), RTE_CACHE_LINE_SIZE);
		if (pc->side == NULL)
			rte_exit(EXIT_FAILURE, "no memory for the side table\n");
		path.ctx.side = pc->side;
	}
	a0 = allocs();
	t0 = rte_rdtsc();
	for (p = 0; p < pc->passes; p++) {
		for (c = 0; c < CHANNELS; c++)
			tw_channel_init(&ch[c]);
		for (i = 0; i < pc->f.n; i += BURST)
			tw_rx_path_frames(&path, pc->f.m + i,
				(uint16_t)RTE_MIN((unsigned int)BURST,
					pc->f.n - i));
	}
	t1 = rte_rdtsc();
	if (ctr->msgs != pc->f.msgs * pc->passes ||
	    ctr->pkts_accepted != ctr->pkts)
		rte_exit(EXIT_FAILURE, "%s/%s: applied %s of %s messages\n",
			pc->name, tw_simd_name(level),
			tw_grouped(a, sizeof(a), ctr->msgs),
			tw_grouped(b, sizeof(b), pc->f.msgs * pc->passes));
	snprintf(name, sizeof(name), "%s%s", pc->name, noise ? "+noise" : "");
	r = result_of(name, level, pc->max_msgs == 1 ? "Mpps" : "Mmsg/s");
	r->allocs += allocs() - a0;
	r->ops = ctr->msgs;
	r->samples[r->nb_samples++] = (pc->max_msgs == 1 ? ctr->pkts :
		ctr->msgs) / (tsc_to_ns(t1 - t0) / 1e9) / 1e6;
}

/* ---- generator ---- */

/*
 * A bench framer's frames: mbufs from the pool, kept in the store (if
 * any) as the generator lcore keeps each frame it sends, freed in
 * bursts where the lcore would hand them to tx_burst.
 */
uint8_t *
bench_sink_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	struct bench_sink *s = arg;
	struct rte_mbuf *m = rte_pktmbuf_alloc(s->pool);

	RTE_SET_USED(ch);
	RTE_SET_USED(max_msgs);
	if (m == NULL)
		return NULL;
	*handle = m;
	return rte_pktmbuf_mtod(m, uint8_t *);
}

void
bench_sink_put(void *arg, void *handle, uint16_t ch, uint16_t len,
		uint16_t msgs)
{
	struct bench_sink *s = arg;
	struct rte_mbuf *m = handle;

	m->data_len = len;
	m->pkt_len = len;
	if (s->store != NULL && msgs > 0) {
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
		uint16_t hl = s->tmpl[ch].hdr_len;
		const struct tw_mold_hdr *mold = (const struct tw_mold_hdr *)
			(f + hl - TW_MOLD_HDR_LEN);

		tw_store_put(s->store, ch, rte_be_to_cpu_64(mold->seq),
			f + hl, msgs);
	}
	s->done[s->n++] = m;
	s->pkts++;
	if (s->n == RTE_DIM(s->done)) {
		rte_pktmbuf_free_bulk(s->done, s->n);
		s->n = 0;
	}
}

/*
 * The generator lcore's own path at an unlimited rate: the protocol's
 * gen_ticks through lib/gen's framer (flush 20 us, the default, with
 * housekeeping on the lcore's period) into mbufs (bench_sink).
 */
void
bench_gen_run(struct rte_mempool *pool, enum tw_simd level, uint64_t ticks,
		bool store)
{
	struct tw_gen *g = make_gen(10000, CHANNELS, level);
	struct bench_sink sink = { .pool = pool, .tmpl = tmpl };
	void *store_mem = NULL, *state_mem = NULL;
	const struct tw_frame_src src = {
		.get = bench_sink_get, .put = bench_sink_put, .arg = &sink,
	};
	/* The cases time tickwire's own messages. */
	const struct tw_protocol *proto = tw_protocol_find("tickwire");
	uint64_t hz = tw_clock_hz(&clk), house_period, next_house;
	struct tw_framer_chan chans[CHANNELS];
	struct tw_gen_counters ctr = { 0 };
	struct tw_framer fr;
	struct tw_emitter em = {
		.fr = &fr, .gen = g, .sched = g->sched, .ctr = &ctr,
	};
	struct result *r;
	uint64_t t0, t1, a0;

	if (store) {
		/*
		 * [recovery] store_messages = 65536, as memif-gen.ini, and
		 * the state the snapshot server serves from (a cache update
		 * a tick).
		 */
		store_mem = rte_zmalloc("bench_store",
			tw_store_memsize(CHANNELS, 65536), RTE_CACHE_LINE_SIZE);
		sink.store = tw_store_init(store_mem, CHANNELS, 65536);
		state_mem = rte_zmalloc("bench_state", tw_cache_memsize(10000),
			RTE_CACHE_LINE_SIZE);
		em.truth = tw_cache_init(state_mem, 10000, 0);
		if (sink.store == NULL || em.truth == NULL)
			rte_exit(EXIT_FAILURE, "no memory for the store\n");
	}
	tw_framer_init(&fr, tmpl, chans, CHANNELS, TW_CSUM_SOFTWARE, &src,
		&ctr);
	fr.flush_tsc = hz / 1000000 * 20;
	fr.heartbeat_tsc = hz / 1000 * 100;
	house_period = RTE_MAX(fr.flush_tsc / 2, hz / 1000000);
	a0 = allocs();
	t0 = next_house = rte_rdtsc();
	while (ctr.ticks < ticks) {
		uint64_t now = rte_rdtsc();
		uint64_t now_ns = tw_clock_ns(&clk, now);
		unsigned int n = (unsigned int)RTE_MIN(ticks - ctr.ticks,
			(uint64_t)TW_GEN_BATCH);

		proto->gen_ticks(&em, n, now, now_ns, now_ns, 0);
		if (now >= next_house) {
			tw_framer_housekeeping(&fr, now);
			next_house = now + house_period;
		}
		if (unlikely(ctr.ticks == 0))
			rte_exit(EXIT_FAILURE, "gen: out of mbufs\n");
	}
	tw_framer_close_all(&fr, rte_rdtsc());
	t1 = rte_rdtsc();
	rte_pktmbuf_free_bulk(sink.done, sink.n);
	r = result_of(store ? "gen_store" : "gen", level, "Mticks/s");
	r->allocs += allocs() - a0;
	r->ops = ticks;
	r->samples[r->nb_samples++] = ticks / (tsc_to_ns(t1 - t0) / 1e9) / 1e6;
	rte_free(g);
	rte_free(store_mem);
	rte_free(state_mem);
}
