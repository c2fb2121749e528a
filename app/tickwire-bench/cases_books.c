/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-bench's receivers with books: a protocol's RX path (lib/rx's
 * poll step with the protocol's burst and its books as
 * ctx->proto_state) over its own generator's feed, as the RX lcore runs
 * it. Two such protocols: CME MDP 3.0 (group mdp3: lib/mdp3's SBE
 * decode and MBP books) and ITCH 5.0 (group itch: lib/itch's decoder
 * and order books over the NASDAQ-like day).
 *
 * The feed is made once, before any timing, by the protocol's
 * generator (its gen_model_create, as tickwire's generator lcore makes
 * it from the profile's defaults) through lib/gen's framer with the
 * transport's framing into mbufs: the two-process lab's market (1,000
 * symbols on 4 channels), line A only, no loops. Its open (MDP 3.0: the
 * definitions, the statuses, every book built to 10 levels; ITCH: the
 * start of day, the directories) is one frame set, applied untimed at
 * the start of each pass on fresh books; the ticks' frames are the
 * timed set. After each pass the books must be the generator's truth
 * books (their CSV rows, byte for byte) and every packet accepted, or
 * the bench stops.
 *
 *   NAME_rx        bursts of 32: messages a second (ns a message)
 *   NAME_rx_pkt    the same passes: packets a second (ns a packet)
 *   NAME_rx_1pkt   a burst of one packet at a time, each timed: p50 /
 *                  p99 ns a packet (two TSC reads in each sample)
 *
 * Both receivers are scalar at every level (neither protocol has a SIMD
 * kernel): the cases are measured at the scalar level only. MDP 3.0's
 * recovery time needs the feed's real time and the snapshot loop:
 * scripts/mdp3-recovery.sh measures it on the real binary. Owns its
 * frames and its receiver's state; never touches cases.c's feed.
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
#include "tw_book.h"
#include "tw_mdp3_apply.h"
#include "tw_protocol.h"
#include "tw_rx_path.h"
#include "tw_stats.h"

#define BK_SYMBOLS 1000
#define BK_CHANNELS 4
#define BK_BURST 32

/* A receiver with books, and what of it is its protocol's own. */
struct books_case {
	const char *group;              /* tickwire-bench's --groups */
	const char *name;               /* its cases': NAME_rx ... */
	const char *protocol, *transport;
	/* Its RX state (the books), fresh in mem each pass. */
	size_t (*state_memsize)(const struct tw_config *cfg);
	void *(*state_init)(void *mem, const struct tw_config *cfg);
};

static size_t
mdp3_memsize(const struct tw_config *cfg)
{
	return tw_mdp3_rx_state_memsize(cfg->symbols, cfg->channels);
}

static void *
mdp3_init(void *mem, const struct tw_config *cfg)
{
	return tw_mdp3_rx_state_init(mem, cfg->symbols, cfg->channels);
}

/* tickwire's RX books from [itch] max_orders and levels, as
 * itch50's rx_state_create makes them. */
static struct tw_book_params
itch_params(const struct tw_config *cfg)
{
	return (struct tw_book_params){
		.nb_symbols = cfg->symbols,
		.max_orders = cfg->itch_max_orders,
		.pool_levels = cfg->itch_levels,
		.hash_key = UINT64_C(0x9e3779b97f4a7c15),
		.zeroed = true,
	};
}

static size_t
itch_memsize(const struct tw_config *cfg)
{
	struct tw_book_params bp = itch_params(cfg);

	return tw_books_memsize(&bp);
}

static void *
itch_init(void *mem, const struct tw_config *cfg)
{
	struct tw_book_params bp = itch_params(cfg);

	return tw_books_init(mem, &bp);
}

static const struct books_case cases[] = {
	{ "mdp3", "mdp3", "mdp3", "mdp3", mdp3_memsize, mdp3_init },
	{ "itch", "itch", "itch50", "moldudp64", itch_memsize, itch_init },
};

struct bk_frames {
	struct rte_mbuf **m;
	unsigned int n, cap;
};

static struct {
	struct rte_mempool *pool;
	struct bk_frames open, ticks;
	struct bk_frames *into;       /* the set being made */
	struct tw_rx_feed feed;
	struct tw_channel_state ch[BK_CHANNELS];
	struct tw_cache *cache;
	void *cache_mem, *st_mem;
	size_t cache_size, st_size;
	const struct books_case *c;
	const struct tw_protocol *proto;
	struct tw_config cfg;
	void *st;                       /* the receiver's books */
	char *truth;                    /* the truth books' CSV rows */
	size_t truth_len;
	uint64_t msgs;                  /* SBE messages of the ticks' set */
	unsigned int passes;
} bk;

static uint8_t *
bk_get(void *arg, uint16_t ch, void **handle, uint16_t *max_msgs)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(bk.pool);

	RTE_SET_USED(arg);
	RTE_SET_USED(ch);
	RTE_SET_USED(max_msgs);
	if (m == NULL || bk.into->n == bk.into->cap) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	*handle = m;
	return rte_pktmbuf_mtod(m, uint8_t *);
}

static void
bk_put(void *arg, void *handle, uint16_t ch, uint16_t len, uint16_t msgs)
{
	struct rte_mbuf *m = handle;

	RTE_SET_USED(arg);
	RTE_SET_USED(ch);
	RTE_SET_USED(msgs);
	m->data_len = len;
	m->pkt_len = len;
	m->ol_flags = 0;        /* software checksums, as vdevs deliver */
	bk.into->m[bk.into->n++] = m;
}

static void
frames_alloc(struct bk_frames *f, unsigned int cap)
{
	f->cap = cap;
	f->n = 0;
	f->m = rte_zmalloc(NULL, cap * sizeof(*f->m), 0);
	if (f->m == NULL)
		rte_exit(EXIT_FAILURE, "%s: no memory for the frames\n",
			bk.c->name);
}

/* Every symbol's book as CSV rows into *out: row(state, l, f). */
static size_t
books_csv(void (*row)(const void *state, uint32_t l, FILE *f),
		const void *state, char **out)
{
	size_t len = 0;
	FILE *f = open_memstream(out, &len);
	uint32_t l;

	if (f == NULL)
		rte_exit(EXIT_FAILURE, "%s: open_memstream failed\n",
			bk.c->name);
	for (l = 0; l < BK_SYMBOLS; l++)
		row(state, l, f);
	fclose(f);
	return len;
}

void
bench_books_prepare(const char *group, struct rte_mempool *pool,
		uint64_t ticks, unsigned int passes)
{
	const struct tw_transport *xp;
	const uint16_t all[BK_CHANNELS] = { 0, 1, 2, 3 };
	struct tw_pkt_tmpl tmpl[BK_CHANNELS];
	struct tw_framer_chan chans[BK_CHANNELS];
	const struct tw_frame_src src = {
		.get = bk_get, .put = bk_put, .arg = NULL,
	};
	const struct tw_gen_model_env env = { .socket = -1, .nb = 1 };
	struct tw_config *cfg = &bk.cfg;
	struct tw_gen_counters ctr = { 0 };
	struct tw_frame_params fp;
	struct tw_gen_params gp;
	struct tw_gen_sched sched;
	struct tw_framer fr;
	struct tw_emitter em;
	struct tw_gen *g;
	char err[256] = "", a[32], b[32];
	unsigned int i;
	uint64_t now;
	void *model;
	uint16_t c;

	for (i = 0; i < RTE_DIM(cases) &&
	     strcmp(cases[i].group, group) != 0; i++)
		;
	if (i == RTE_DIM(cases))
		rte_exit(EXIT_FAILURE, "%s: no receiver with books\n", group);
	bk.c = &cases[i];
	bk.pool = pool;
	bk.passes = passes;
	bk.msgs = 0;
	bk.proto = tw_protocol_find(bk.c->protocol);
	xp = tw_transport_find(bk.c->transport);
	tw_config_defaults(cfg);
	snprintf(cfg->protocol, sizeof(cfg->protocol), "%s", bk.c->protocol);
	snprintf(cfg->transport, sizeof(cfg->transport), "%s",
		bk.c->transport);
	cfg->symbols = BK_SYMBOLS;
	cfg->channels = BK_CHANNELS;
	tw_config_frame_params(cfg, &fp);
	tw_config_gen_params(cfg, &gp);
	if (bk.proto == NULL || xp == NULL || xp->framing == NULL ||
	    bk.proto->gen_books_csv_row == NULL ||
	    bk.proto->books_csv_row == NULL ||
	    tw_config_rx_feed(cfg, &bk.feed) != 0)
		rte_exit(EXIT_FAILURE, "%s: feed set-up failed\n", bk.c->name);
	g = tw_gen_init(rte_zmalloc(NULL, tw_gen_memsize(&gp), 64), &gp);
	model = bk.proto->gen_model_create(cfg, &env, err, sizeof(err));
	if (g == NULL || model == NULL ||
	    tw_gen_sched_init(&sched, g, all, BK_CHANNELS, ticks) != 0)
		rte_exit(EXIT_FAILURE, "%s: generator set-up failed %s\n",
			bk.c->name, err);
	for (c = 0; c < BK_CHANNELS; c++)
		tw_pkt_tmpl_init_framing(&tmpl[c], &fp, c, xp->framing);
	tw_framer_init(&fr, tmpl, chans, BK_CHANNELS, TW_CSUM_SOFTWARE,
		&src, &ctr);
	tw_framer_framing(&fr, xp->framing, &clk);
	/* Packets close when full: the frames as a busy feed has them. */
	fr.flush_tsc = UINT64_MAX / 4;
	fr.heartbeat_tsc = UINT64_MAX / 4;
	em = (struct tw_emitter){
		.fr = &fr, .gen = g, .sched = &sched, .ctr = &ctr,
		.proto_state = model,
	};
	/* The open: MDP 3.0's definitions, statuses and 20 New entries an
	 * instrument (a few hundred bytes), ITCH's directories. */
	frames_alloc(&bk.open, BK_SYMBOLS);
	frames_alloc(&bk.ticks, (unsigned int)(ticks / 4 + 64));
	bk.into = &bk.open;
	now = rte_rdtsc();
	bk.proto->gen_open(&em, now, tw_clock_ns(&clk, now));
	tw_framer_close_all(&fr, rte_rdtsc());
	bk.into = &bk.ticks;
	while (ctr.ticks < ticks) {
		unsigned int n = (unsigned int)RTE_MIN(ticks - ctr.ticks,
			(uint64_t)TW_GEN_BATCH);
		uint64_t before = ctr.ticks;

		now = rte_rdtsc();
		bk.proto->gen_ticks(&em, n, now, tw_clock_ns(&clk, now),
			tw_clock_ns(&clk, now), 0);
		if (ctr.ticks == before)
			rte_exit(EXIT_FAILURE, "%s: out of mbufs or frames\n",
				bk.c->name);
	}
	tw_framer_close_all(&fr, rte_rdtsc());
	if (ctr.truth_refused != 0)
		rte_exit(EXIT_FAILURE, "%s: the truth refused messages\n",
			bk.c->name);
	bk.truth_len = books_csv(bk.proto->gen_books_csv_row, model,
		&bk.truth);

	bk.cache_size = tw_cache_memsize(BK_SYMBOLS);
	bk.cache_mem = rte_zmalloc(NULL, bk.cache_size, 64);
	bk.st_size = bk.c->state_memsize(cfg);
	bk.st_mem = rte_zmalloc(NULL, bk.st_size, 64);
	if (bk.cache_mem == NULL || bk.st_mem == NULL)
		rte_exit(EXIT_FAILURE, "%s: no memory for the books\n",
			bk.c->name);
	printf("%s: %s frames of %s ticks (after an open of %u frames), "
		"%u passes\n", bk.c->name, tw_grouped(a, sizeof(a),
		bk.ticks.n), tw_grouped(b, sizeof(b), ticks), bk.open.n,
		passes);
	rte_free(model);
	rte_free(g);
}

void
bench_books_release(void)
{
	rte_pktmbuf_free_bulk(bk.open.m, bk.open.n);
	rte_pktmbuf_free_bulk(bk.ticks.m, bk.ticks.n);
	rte_free(bk.open.m);
	rte_free(bk.ticks.m);
	rte_free(bk.cache_mem);
	rte_free(bk.st_mem);
	free(bk.truth);
}

/* Fresh books, cache and channels on path, the open applied. */
static void
pass_begin(struct tw_rx_path *path)
{
	unsigned int i, c;

	memset(bk.cache_mem, 0, bk.cache_size);
	memset(bk.st_mem, 0, bk.st_size);
	bk.cache = tw_cache_init(bk.cache_mem, BK_SYMBOLS, 0);
	bk.st = bk.c->state_init(bk.st_mem, &bk.cfg);
	if (bk.cache == NULL || bk.st == NULL ||
	    tw_rx_path_init(path, bk.proto, &bk.feed, bk.cache, bk.ch,
			TW_SIMD_SCALAR, &clk, false) != 0)
		rte_exit(EXIT_FAILURE, "%s: receiver set-up failed\n",
			bk.c->name);
	path->ctx.proto_state = bk.st;
	for (c = 0; c < BK_CHANNELS; c++)
		tw_channel_init(&bk.ch[c]);
	for (i = 0; i < bk.open.n; i += BK_BURST)
		tw_rx_path_frames(path, bk.open.m + i, (uint16_t)RTE_MIN(
			(unsigned int)BK_BURST, bk.open.n - i));
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
	if (path->ctr.pkts != bk.ticks.n ||
	    path->ctr.pkts_accepted != bk.ticks.n || drops != 0)
		rte_exit(EXIT_FAILURE, "%s: %lu of %u frames accepted, %lu "
			"dropped\n", what,
			(unsigned long)path->ctr.pkts_accepted, bk.ticks.n,
			(unsigned long)drops);
	if (bk.msgs == 0)
		bk.msgs = path->ctr.msgs;
	if (path->ctr.msgs != bk.msgs || bk.msgs == 0)
		rte_exit(EXIT_FAILURE, "%s: %lu messages applied, %lu before\n",
			what, (unsigned long)path->ctr.msgs,
			(unsigned long)bk.msgs);
	len = books_csv(bk.proto->books_csv_row, bk.st, &rows);
	if (len != bk.truth_len || memcmp(rows, bk.truth, len) != 0)
		rte_exit(EXIT_FAILURE, "%s: the books are not the truth "
			"books\n", what);
	free(rows);
}

/* One repetition of each case of the prepared group. */
void
bench_books_run(void)
{
	static struct tw_rx_path path;
	static struct tw_hist one;
	static double p50s[MAX_REPS], p99s[MAX_REPS], sorted[MAX_REPS];
	static unsigned int reps;
	static const struct books_case *reps_of;
	uint64_t tsc = 0, a0, t0, frames = 0, nb_allocs = 0;
	char name[3][32];
	struct result *r;
	unsigned int p, i;

	snprintf(name[0], sizeof(name[0]), "%s_rx", bk.c->name);
	snprintf(name[1], sizeof(name[1]), "%s_rx_pkt", bk.c->name);
	snprintf(name[2], sizeof(name[2]), "%s_rx_1pkt", bk.c->name);
	if (reps_of != bk.c) {
		reps_of = bk.c;
		reps = 0;
	}
	for (p = 0; p < bk.passes; p++) {
		pass_begin(&path);
		a0 = allocs();
		t0 = rte_rdtsc();
		for (i = 0; i < bk.ticks.n; i += BK_BURST)
			tw_rx_path_frames(&path, bk.ticks.m + i,
				(uint16_t)RTE_MIN((unsigned int)BK_BURST,
					bk.ticks.n - i));
		tsc += rte_rdtsc() - t0;
		nb_allocs += allocs() - a0;
		pass_check(&path, name[0]);
		frames += bk.ticks.n;
	}
	r = result_of(name[0], TW_SIMD_SCALAR, "Mmsg/s");
	r->allocs += nb_allocs;
	r->ops = bk.msgs * bk.passes;
	r->samples[r->nb_samples++] = (double)r->ops / (tsc_to_ns(tsc) / 1e9)
		/ 1e6;
	r = result_of(name[1], TW_SIMD_SCALAR, "Mpps");
	r->ops = frames;
	r->samples[r->nb_samples++] = (double)frames / (tsc_to_ns(tsc) / 1e9)
		/ 1e6;

	/* A packet at a time: its own cost, sample by sample. */
	tw_hist_init(&one);
	pass_begin(&path);
	a0 = allocs();
	for (i = 0; i < bk.ticks.n; i++) {
		t0 = rte_rdtsc();
		tw_rx_path_frames(&path, bk.ticks.m + i, 1);
		tw_hist_record(&one, (uint64_t)tsc_to_ns(rte_rdtsc() - t0));
	}
	nb_allocs = allocs() - a0;
	pass_check(&path, name[2]);
	r = result_of(name[2], TW_SIMD_MAX, "ns p50");
	r->allocs += nb_allocs;
	r->ops = bk.ticks.n;
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
