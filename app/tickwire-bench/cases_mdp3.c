/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-bench's mdp3 group: CME MDP 3.0's receiver (lib/mdp3: the
 * SBE decode, the MBP books, the cache) over its generator's
 * incremental feed, as the RX lcore runs it (lib/rx's poll step with
 * the protocol's burst and its books as ctx->proto_state).
 *
 * The feed is made once, before any timing, by lib/mdp3's generator
 * through lib/gen's framer with MDP 3.0's framing into mbufs: the
 * two-process lab's market (drivers-config/mdp3-memif-gen.ini: 1,000
 * instruments on 4 channels), line A only, no loops. Its open (the
 * definitions, the statuses, every book built to 10 levels) is one
 * frame set, applied untimed at the start of each pass on fresh books;
 * the ticks' frames are the timed set. After each pass the books must
 * be the generator's truth books (their CSV rows, byte for byte) and
 * every packet accepted, or the bench stops.
 *
 *   mdp3_rx        bursts of 32: SBE messages a second (ns a message)
 *   mdp3_rx_pkt    the same passes: packets a second (ns a packet)
 *   mdp3_rx_1pkt   a burst of one packet at a time, each timed: p50 /
 *                  p99 ns a packet (two TSC reads in each sample)
 *
 * The receiver is scalar at every level (lib/mdp3 has no SIMD kernel):
 * the cases are measured at the scalar level only. Recovery time needs
 * the feed's real time and the snapshot loop: scripts/mdp3-recovery.sh
 * measures it on the real binary. Owns its frames and its receiver's
 * state; never touches cases.c's feed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "bench.h"
#include "tw_cache.h"
#include "tw_config.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_mdp3_gen.h"
#include "tw_mdp3_msg_rx.h"
#include "tw_protocol.h"
#include "tw_rx_path.h"
#include "tw_stats.h"

#define MDP3_SYMBOLS 1000
#define MDP3_CHANNELS 4
#define MDP3_BURST 32

struct mdp3_frames {
	struct rte_mbuf **m;
	unsigned int n, cap;
};

static struct {
	struct rte_mempool *pool;
	struct mdp3_frames open, ticks;
	struct mdp3_frames *into;       /* the set being made */
	struct tw_rx_feed feed;
	struct tw_channel_state ch[MDP3_CHANNELS];
	struct tw_cache *cache;
	void *cache_mem, *st_mem;
	size_t cache_size, st_size;
	struct tw_mdp3_rx_state *st;
	char *truth;                    /* the truth books' CSV rows */
	size_t truth_len;
	uint64_t msgs;                  /* SBE messages of the ticks' set */
	unsigned int passes;
} m3;

static uint8_t *
mdp3_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(m3.pool);

	RTE_SET_USED(arg);
	RTE_SET_USED(ch);
	RTE_SET_USED(max_msgs);
	if (m == NULL || m3.into->n == m3.into->cap) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	*handle = m;
	return rte_pktmbuf_mtod(m, uint8_t *);
}

static void
mdp3_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	struct rte_mbuf *m = handle;

	RTE_SET_USED(arg);
	RTE_SET_USED(ch);
	RTE_SET_USED(msgs);
	m->data_len = len;
	m->pkt_len = len;
	m->ol_flags = 0;        /* software checksums, as vdevs deliver */
	m3.into->m[m3.into->n++] = m;
}

static void
frames_alloc(struct mdp3_frames *f, unsigned int cap)
{
	f->cap = cap;
	f->n = 0;
	f->m = rte_zmalloc(NULL, cap * sizeof(*f->m), 0);
	if (f->m == NULL)
		rte_exit(EXIT_FAILURE, "mdp3: no memory for the frames\n");
}

/* The books of st (or the generator's) as CSV rows, into *out. */
static size_t
books_csv(const struct tw_mdp3_book *books, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	uint32_t l;

	if (f == NULL)
		rte_exit(EXIT_FAILURE, "mdp3: open_memstream failed\n");
	for (l = 0; l < MDP3_SYMBOLS; l++)
		tw_mdp3_book_csv_row(&books[l], f);
	fclose(f);
	return len;
}

void
bench_mdp3_prepare(struct rte_mempool *pool, uint64_t ticks,
		unsigned int passes)
{
	const struct tw_protocol *proto = tw_protocol_find("mdp3");
	const struct tw_transport *xp = tw_transport_find("mdp3");
	const uint16_t all[MDP3_CHANNELS] = { 0, 1, 2, 3 };
	struct tw_pkt_tmpl tmpl[MDP3_CHANNELS];
	struct tw_framer_chan chans[MDP3_CHANNELS];
	const struct tw_frame_src src = {
		.get = mdp3_get, .put = mdp3_put, .arg = NULL,
	};
	const struct tw_gen_model_env env = { .socket = -1, .nb = 1 };
	struct tw_gen_counters ctr = { 0 };
	struct tw_frame_params fp;
	struct tw_gen_params gp;
	struct tw_gen_sched sched;
	struct tw_config cfg;
	struct tw_framer fr;
	struct tw_emitter em;
	struct tw_mdp3_gen *mg;
	struct tw_gen *g;
	char err[256], a[32], b[32];
	uint64_t now;
	uint16_t c;

	m3.pool = pool;
	m3.passes = passes;
	tw_config_defaults(&cfg);
	snprintf(cfg.protocol, sizeof(cfg.protocol), "mdp3");
	snprintf(cfg.transport, sizeof(cfg.transport), "mdp3");
	cfg.symbols = MDP3_SYMBOLS;
	cfg.channels = MDP3_CHANNELS;
	tw_config_frame_params(&cfg, &fp);
	tw_config_gen_params(&cfg, &gp);
	if (proto == NULL || xp == NULL || xp->framing == NULL ||
	    tw_config_rx_feed(&cfg, &m3.feed) != 0)
		rte_exit(EXIT_FAILURE, "mdp3: feed set-up failed\n");
	g = tw_gen_init(rte_zmalloc(NULL, tw_gen_memsize(&gp), 64), &gp);
	mg = proto->gen_model_create(&cfg, &env, err, sizeof(err));
	if (g == NULL || mg == NULL ||
	    tw_gen_sched_init(&sched, g, all, MDP3_CHANNELS, ticks) != 0)
		rte_exit(EXIT_FAILURE, "mdp3: generator set-up failed\n");
	for (c = 0; c < MDP3_CHANNELS; c++)
		tw_pkt_tmpl_init_framing(&tmpl[c], &fp, c, xp->framing);
	tw_framer_init(&fr, tmpl, chans, MDP3_CHANNELS, TW_CSUM_SOFTWARE,
		&src, &ctr);
	tw_framer_framing(&fr, xp->framing, &clk);
	/* Packets close when full: the frames as a busy feed has them. */
	fr.flush_tsc = UINT64_MAX / 4;
	fr.heartbeat_tsc = UINT64_MAX / 4;
	em = (struct tw_emitter){
		.fr = &fr, .gen = g, .sched = &sched, .ctr = &ctr,
		.proto_state = mg,
	};
	/* Definitions, statuses and 20 New entries an instrument: a few
	 * hundred bytes an instrument. */
	frames_alloc(&m3.open, MDP3_SYMBOLS);
	frames_alloc(&m3.ticks, (unsigned int)(ticks / 4 + 64));
	m3.into = &m3.open;
	now = rte_rdtsc();
	proto->gen_open(&em, now, tw_clock_ns(&clk, now));
	tw_framer_close_all(&fr, rte_rdtsc());
	m3.into = &m3.ticks;
	while (ctr.ticks < ticks) {
		unsigned int n = (unsigned int)RTE_MIN(ticks - ctr.ticks,
			(uint64_t)TW_GEN_BATCH);
		uint64_t before = ctr.ticks;

		now = rte_rdtsc();
		proto->gen_ticks(&em, n, now, tw_clock_ns(&clk, now),
			tw_clock_ns(&clk, now), 0);
		if (ctr.ticks == before)
			rte_exit(EXIT_FAILURE, "mdp3: out of mbufs or "
				"frames\n");
	}
	tw_framer_close_all(&fr, rte_rdtsc());
	if (ctr.truth_refused != 0)
		rte_exit(EXIT_FAILURE, "mdp3: the truth refused messages\n");
	m3.truth_len = books_csv(mg->books, &m3.truth);

	m3.cache_size = tw_cache_memsize(MDP3_SYMBOLS);
	m3.cache_mem = rte_zmalloc(NULL, m3.cache_size, 64);
	m3.st_size = tw_mdp3_rx_state_memsize(MDP3_SYMBOLS, MDP3_CHANNELS);
	m3.st_mem = rte_zmalloc(NULL, m3.st_size, 64);
	if (m3.cache_mem == NULL || m3.st_mem == NULL)
		rte_exit(EXIT_FAILURE, "mdp3: no memory for the books\n");
	printf("mdp3: %s frames of %s ticks (after an open of %u frames), "
		"%u passes\n", tw_grouped(a, sizeof(a), m3.ticks.n),
		tw_grouped(b, sizeof(b), ticks), m3.open.n, passes);
	rte_free(mg);
	rte_free(g);
}

void
bench_mdp3_release(void)
{
	rte_pktmbuf_free_bulk(m3.open.m, m3.open.n);
	rte_pktmbuf_free_bulk(m3.ticks.m, m3.ticks.n);
	rte_free(m3.open.m);
	rte_free(m3.ticks.m);
	rte_free(m3.cache_mem);
	rte_free(m3.st_mem);
	free(m3.truth);
}

/* Fresh books, cache and channels on path, the open applied. */
static void
pass_begin(struct tw_rx_path *path)
{
	unsigned int i, c;

	memset(m3.cache_mem, 0, m3.cache_size);
	m3.cache = tw_cache_init(m3.cache_mem, MDP3_SYMBOLS, 0);
	m3.st = tw_mdp3_rx_state_init(m3.st_mem, MDP3_SYMBOLS, MDP3_CHANNELS);
	if (m3.cache == NULL || m3.st == NULL ||
	    tw_rx_path_init(path, tw_protocol_find("mdp3"), &m3.feed,
			m3.cache, m3.ch, TW_SIMD_SCALAR, &clk, false) != 0)
		rte_exit(EXIT_FAILURE, "mdp3: receiver set-up failed\n");
	path->ctx.proto_state = m3.st;
	for (c = 0; c < MDP3_CHANNELS; c++)
		tw_channel_init(&m3.ch[c]);
	for (i = 0; i < m3.open.n; i += MDP3_BURST)
		tw_rx_path_frames(path, m3.open.m + i, (uint16_t)RTE_MIN(
			(unsigned int)MDP3_BURST, m3.open.n - i));
	memset(&path->ctr, 0, sizeof(path->ctr));
}

/* Every tick frame accepted, every message applied, books == truth. */
static void
pass_check(const struct tw_rx_path *path, const char *what)
{
	uint64_t drops = 0;
	char *rows = NULL;
	size_t len;
	unsigned int i;

	for (i = 0; i < TW_DROP_MAX; i++)
		drops += path->ctr.drops[i];
	if (path->ctr.pkts != m3.ticks.n ||
	    path->ctr.pkts_accepted != m3.ticks.n || drops != 0)
		rte_exit(EXIT_FAILURE, "%s: %lu of %u frames accepted, %lu "
			"dropped\n", what,
			(unsigned long)path->ctr.pkts_accepted, m3.ticks.n,
			(unsigned long)drops);
	if (m3.msgs == 0)
		m3.msgs = path->ctr.msgs;
	if (path->ctr.msgs != m3.msgs || m3.msgs == 0)
		rte_exit(EXIT_FAILURE, "%s: %lu messages applied, %lu before\n",
			what, (unsigned long)path->ctr.msgs,
			(unsigned long)m3.msgs);
	len = books_csv(m3.st->books, &rows);
	if (len != m3.truth_len || memcmp(rows, m3.truth, len) != 0)
		rte_exit(EXIT_FAILURE, "%s: the books are not the truth "
			"books\n", what);
	free(rows);
}

/* One repetition of each case. */
void
bench_mdp3_run(void)
{
	static struct tw_rx_path path;
	static struct tw_hist one;
	static double p50s[MAX_REPS], p99s[MAX_REPS], sorted[MAX_REPS];
	static unsigned int reps;
	uint64_t tsc = 0, a0, t0, frames = 0, nb_allocs = 0;
	struct result *r;
	unsigned int p, i;

	for (p = 0; p < m3.passes; p++) {
		pass_begin(&path);
		a0 = allocs();
		t0 = rte_rdtsc();
		for (i = 0; i < m3.ticks.n; i += MDP3_BURST)
			tw_rx_path_frames(&path, m3.ticks.m + i,
				(uint16_t)RTE_MIN((unsigned int)MDP3_BURST,
					m3.ticks.n - i));
		tsc += rte_rdtsc() - t0;
		nb_allocs += allocs() - a0;
		pass_check(&path, "mdp3_rx");
		frames += m3.ticks.n;
	}
	r = result_of("mdp3_rx", TW_SIMD_SCALAR, "Mmsg/s");
	r->allocs += nb_allocs;
	r->ops = m3.msgs * m3.passes;
	r->samples[r->nb_samples++] = (double)r->ops / (tsc_to_ns(tsc) / 1e9)
		/ 1e6;
	r = result_of("mdp3_rx_pkt", TW_SIMD_SCALAR, "Mpps");
	r->ops = frames;
	r->samples[r->nb_samples++] = (double)frames / (tsc_to_ns(tsc) / 1e9)
		/ 1e6;

	/* A packet at a time: its own cost, sample by sample. */
	tw_hist_init(&one);
	pass_begin(&path);
	a0 = allocs();
	for (i = 0; i < m3.ticks.n; i++) {
		t0 = rte_rdtsc();
		tw_rx_path_frames(&path, m3.ticks.m + i, 1);
		tw_hist_record(&one, (uint64_t)tsc_to_ns(rte_rdtsc() - t0));
	}
	nb_allocs = allocs() - a0;
	pass_check(&path, "mdp3_rx_1pkt");
	r = result_of("mdp3_rx_1pkt", TW_SIMD_MAX, "ns p50");
	r->allocs += nb_allocs;
	r->ops = m3.ticks.n;
	/* The median over the repetitions so far of each percentile. */
	p50s[reps] = (double)tw_hist_quantile(&one, 0.5);
	p99s[reps] = (double)tw_hist_quantile(&one, 0.99);
	reps++;
	memcpy(sorted, p50s, reps * sizeof(sorted[0]));
	qsort(sorted, reps, sizeof(sorted[0]), cmp_double);
	r->p50_ns = sorted[reps / 2];
	memcpy(sorted, p99s, reps * sizeof(sorted[0]));
	qsort(sorted, reps, sizeof(sorted[0]), cmp_double);
	r->p99_ns = sorted[reps / 2];
	r->value = r->p50_ns;
}
