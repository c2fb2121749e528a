/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-bench: the hot loops measured on one core, every SIMD level
 * side by side in one run, as JSON and a markdown table.
 *
 *   parse_mtu_*   RX validate + decode + cache update (and the latency
 *                 stamps and histogram records of the RX lcore) over MTU frames of
 *                 mixed quotes and trades, 1 K / 10 K / 100 K symbols,
 *                 software checksums (as vdevs deliver), and 10 K with
 *                 the port's checksum verdicts GOOD (as a NIC does)
 *   parse_min     one message per frame: packets per second
 *   gen           generator ticks encoded into mbuf frames
 *   cache_*       update and snapshot read latency, p50 / p99, the read
 *                 with and without a writer on another lcore
 *   stamp_ns, hist_record  what a latency sample costs: a TSC stamp
 *                 converted to ns, a histogram record
 *
 * Frames are real mbufs from a mempool, replayed from memory; each pass
 * rewinds the channel sequence state so nothing is a duplicate. Every
 * figure is the median of --reps repetitions, levels interleaved within
 * each repetition so they share the machine's noise. Allocations inside
 * measured loops are counted by interposing malloc, calloc and realloc.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_vect.h>

#include "tw_cache.h"
#include "tw_clock.h"
#include "tw_gen.h"
#include "tw_hist.h"
#include "tw_parse.h"
#include "tw_simd.h"

/* ---- allocation counting ---- */

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t sz);
void *__libc_realloc(void *p, size_t n);

static uint64_t nb_allocs;

void *
malloc(size_t n)
{
	__atomic_fetch_add(&nb_allocs, 1, __ATOMIC_RELAXED);
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t sz)
{
	__atomic_fetch_add(&nb_allocs, 1, __ATOMIC_RELAXED);
	return __libc_calloc(n, sz);
}

void *
realloc(void *p, size_t n)
{
	__atomic_fetch_add(&nb_allocs, 1, __ATOMIC_RELAXED);
	return __libc_realloc(p, n);
}

static uint64_t
allocs(void)
{
	return __atomic_load_n(&nb_allocs, __ATOMIC_RELAXED);
}

/* ---- results ---- */

#define MAX_RESULTS 64
#define MAX_REPS 15

struct result {
	char name[32];
	enum tw_simd level;     /* TW_SIMD_MAX: level-independent */
	const char *unit;       /* of value */
	double value;           /* median over repetitions */
	double ns_per_op;
	double p50_ns, p99_ns;  /* latency cases */
	uint64_t ops;           /* per repetition */
	uint64_t allocs;        /* in all measured loops */
	double ratio;           /* value / scalar value, same case */
	double samples[MAX_REPS];
	unsigned int nb_samples;
};

static struct result results[MAX_RESULTS];
static unsigned int nb_results;
static struct tw_clock clk;

static struct result *
result_of(const char *name, enum tw_simd level, const char *unit)
{
	unsigned int i;

	for (i = 0; i < nb_results; i++)
		if (strcmp(results[i].name, name) == 0 &&
		    results[i].level == level)
			return &results[i];
	if (nb_results == MAX_RESULTS)
		rte_exit(EXIT_FAILURE, "too many results\n");
	snprintf(results[nb_results].name, sizeof(results[0].name), "%s",
		name);
	results[nb_results].level = level;
	results[nb_results].unit = unit;
	return &results[nb_results++];
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double
tsc_to_ns(uint64_t tsc)
{
	return (double)tsc * 1e9 / (double)tw_clock_hz(&clk);
}

/* ---- frames in mbufs ---- */

struct frames {
	struct rte_mempool *pool;
	struct rte_mbuf **m;
	unsigned int n, cap;
	uint64_t msgs;
	struct rte_mbuf *open[TW_RX_MAX_CHANNELS]; /* being built */
	bool recycle;           /* gen bench: free frames as they complete */
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
	if (f->recycle && f->n == f->cap) {
		rte_pktmbuf_free_bulk(f->m, f->n);
		f->n = 0;
	}
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

static void
feed_setup(struct tw_rx_feed *feed, struct tw_pkt_tmpl *tmpl,
		uint16_t channels)
{
	struct tw_frame_params fp = {
		.src_mac = {{ 0x02, 0, 0, 0, 0, 1 }},
		.src_ip = RTE_IPV4(10, 0, 0, 1),
		.group_base = RTE_IPV4(239, 1, 1, 1),
		.src_port = 30000, .dst_port = 30001, .mtu = 1500, .ttl = 1,
		.session = "BENCH00001",
	};
	uint16_t c;

	memset(feed, 0, sizeof(*feed));
	memcpy(feed->session, fp.session, TW_MOLD_SESSION_LEN);
	feed->group_base = fp.group_base;
	feed->nb_channels = channels;
	feed->udp_port = fp.dst_port;
	if (tw_rx_feed_prepare(feed) != 0)
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
	struct frames f;
	struct tw_cache *cache;
};

static struct tw_rx_feed feed;
static struct tw_pkt_tmpl tmpl[CHANNELS];

static void
parse_prepare(struct parse_case *pc, struct rte_mempool *pool)
{
	struct tw_gen *g = make_gen(pc->symbols, CHANNELS, TW_SIMD_SCALAR);
	struct tw_gen_feed_opts o = {
		.nb_ticks = pc->ticks, .max_msgs = pc->max_msgs, .send_ns = 1,
	};
	unsigned int i;

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
}

static void
parse_release(struct parse_case *pc)
{
	rte_pktmbuf_free_bulk(pc->f.m, pc->f.n);
	rte_free(pc->f.m);
	rte_free(pc->cache);
}

/*
 * The RX lcore's loop, minus the port: stamp, burst, stamp again,
 * record the burst's latency samples (as rx_lcore.c does).
 */
static void
parse_run(struct parse_case *pc, enum tw_simd level)
{
	static struct tw_hist lat[TW_SPAN_MAX];
	struct tw_channel_state ch[CHANNELS];
	struct tw_rx_counters ctr;
	struct tw_rx_ctx ctx;
	uint64_t sent[BURST];
	uint16_t late[BURST];
	struct result *r;
	uint64_t t0, t1, a0;
	unsigned int p, i, c;

	memset(&ctr, 0, sizeof(ctr));
	if (tw_rx_ctx_init(&ctx, &feed, pc->cache, ch, &ctr, level) != 0)
		rte_exit(EXIT_FAILURE, "no RX kernel for %s\n",
			tw_simd_name(level));
	for (i = 0; i < TW_SPAN_MAX; i++)
		tw_hist_init(&lat[i]);
	ctx.lat = &lat[TW_SPAN_SEND_POLL];
	ctx.sent = sent;
	ctx.late = late;
	ctx.sent_cap = BURST;
	a0 = allocs();
	t0 = rte_rdtsc();
	for (p = 0; p < pc->passes; p++) {
		for (c = 0; c < CHANNELS; c++)
			tw_channel_init(&ch[c]);
		for (i = 0; i < pc->f.n; i += BURST) {
			uint64_t poll_ns = tw_clock_ns(&clk, rte_rdtsc());

			tw_rx_burst(&ctx, pc->f.m + i,
				(uint16_t)RTE_MIN((unsigned int)BURST, pc->f.n - i),
				poll_ns);
			tw_rx_record_burst(&ctx, lat, poll_ns,
				tw_clock_ns(&clk, rte_rdtsc()));
		}
	}
	t1 = rte_rdtsc();
	if (ctr.msgs != pc->f.msgs * pc->passes ||
	    ctr.pkts_accepted != ctr.pkts)
		rte_exit(EXIT_FAILURE, "%s/%s: applied %" PRIu64 " of %" PRIu64
			" messages\n", pc->name, tw_simd_name(level), ctr.msgs,
			pc->f.msgs * pc->passes);
	r = result_of(pc->name, level, pc->max_msgs == 1 ? "Mpps" : "Mmsg/s");
	r->allocs += allocs() - a0;
	r->ops = ctr.msgs;
	r->samples[r->nb_samples++] = (pc->max_msgs == 1 ? ctr.pkts :
		ctr.msgs) / (tsc_to_ns(t1 - t0) / 1e9) / 1e6;
}

/* ---- generator ---- */

static void
gen_run(struct rte_mempool *pool, enum tw_simd level, uint64_t ticks)
{
	static struct rte_mbuf *done[64];
	struct tw_gen *g = make_gen(10000, CHANNELS, level);
	struct frames f = {
		.pool = pool, .m = done, .cap = RTE_DIM(done), .recycle = true,
	};
	struct tw_gen_feed_opts o = { .nb_ticks = ticks, .max_msgs = 1000 };
	struct result *r;
	uint64_t t0, t1, a0;

	a0 = allocs();
	t0 = rte_rdtsc();
	if (tw_gen_feed_frames(g, tmpl, &o, frame_buf, frame_done, &f) != 0)
		rte_exit(EXIT_FAILURE, "gen: out of mbufs\n");
	t1 = rte_rdtsc();
	rte_pktmbuf_free_bulk(f.m, f.n);
	r = result_of("gen", level, "Mticks/s");
	r->allocs += allocs() - a0;
	r->ops = ticks;
	r->samples[r->nb_samples++] = ticks / (tsc_to_ns(t1 - t0) / 1e9) / 1e6;
	rte_free(g);
}

/* ---- cache update and snapshot latency ---- */

#define BATCH 64
#define NB_BATCHES 20000
#define CACHE_SYMBOLS 10000

static struct tw_cache *lat_cache;
static uint32_t *locates;       /* NB_BATCHES * BATCH random locates */
static volatile bool writer_stop;
static uint64_t writer_updates;

static int
writer_main(void *arg)
{
	struct tw_quote q = { .bid_px = 1, .ask_px = 2, .bid_sz = 3 };
	uint64_t i = 0;

	RTE_SET_USED(arg);
	while (!writer_stop) {
		q.locate = locates[i % (NB_BATCHES * BATCH)];
		q.bid_px++;
		tw_cache_update_quote(lat_cache, &q, i, i);
		i++;
	}
	writer_updates = i;
	return 0;
}

/* ns per operation of each batch, as p50 and p99. */
static void
batch_percentiles(struct result *r, uint64_t *tsc)
{
	static double ns[NB_BATCHES];
	unsigned int b;

	for (b = 0; b < NB_BATCHES; b++)
		ns[b] = tsc_to_ns(tsc[b]) / BATCH;
	qsort(ns, NB_BATCHES, sizeof(ns[0]), cmp_double);
	r->p50_ns = ns[NB_BATCHES / 2];
	r->p99_ns = ns[NB_BATCHES * 99 / 100];
	r->ops = NB_BATCHES * BATCH;
	r->value = r->p50_ns;
}

static void
cache_bench(void)
{
	static uint64_t tsc[NB_BATCHES];
	struct tw_cache_snapshot snap;
	struct tw_quote q = { .bid_px = 10, .ask_px = 11 };
	unsigned int b, k, worker;
	uint64_t a0, sink = 0;
	struct result *r;

	lat_cache = tw_cache_init(rte_zmalloc(NULL,
		tw_cache_memsize(CACHE_SYMBOLS), 64), CACHE_SYMBOLS, 0);
	locates = rte_malloc(NULL, sizeof(*locates) * NB_BATCHES * BATCH, 0);
	if (lat_cache == NULL || locates == NULL)
		rte_exit(EXIT_FAILURE, "cache bench: no memory\n");
	for (b = 0; b < NB_BATCHES * BATCH; b++)
		locates[b] = (uint32_t)(((uint64_t)rte_rand() >> 32) *
			CACHE_SYMBOLS >> 32);

	a0 = allocs();
	for (b = 0; b < NB_BATCHES; b++) {
		uint64_t t0 = rte_rdtsc_precise();

		for (k = 0; k < BATCH; k++) {
			q.locate = locates[b * BATCH + k];
			q.bid_px++;
			tw_cache_update_quote(lat_cache, &q, b, b);
		}
		tsc[b] = rte_rdtsc_precise() - t0;
	}
	r = result_of("cache_update", TW_SIMD_MAX, "ns p50");
	r->allocs = allocs() - a0;
	batch_percentiles(r, tsc);

	for (worker = 0; worker < 2; worker++) {
		unsigned int wl = rte_get_next_lcore(-1, 1, 0);

		if (worker && wl >= RTE_MAX_LCORE) {
			printf("cache_read_with_writer: NOT RUN, needs a "
				"second lcore\n");
			break;
		}
		if (worker) {
			writer_stop = false;
			rte_eal_remote_launch(writer_main, NULL, wl);
			rte_delay_ms(10);
		}
		a0 = allocs();
		for (b = 0; b < NB_BATCHES; b++) {
			uint64_t t0 = rte_rdtsc_precise();

			for (k = 0; k < BATCH; k++) {
				tw_cache_snapshot(lat_cache,
					locates[(b * BATCH + k + 7777) %
						(NB_BATCHES * BATCH)], &snap);
				sink += snap.bid_px;
			}
			tsc[b] = rte_rdtsc_precise() - t0;
		}
		r = result_of(worker ? "cache_read_with_writer" :
			"cache_read", TW_SIMD_MAX, "ns p50");
		r->allocs = allocs() - a0;
		batch_percentiles(r, tsc);
		if (worker) {
			writer_stop = true;
			rte_eal_wait_lcore(wl);
			printf("writer lcore %u made %" PRIu64 " updates\n", wl,
				writer_updates);
		}
	}
	if (sink == 42)
		printf(" ");    /* keeps the reads */
	rte_free(locates);
	rte_free(lat_cache);
}

/* ---- cost of measuring latency ---- */

/*
 * What one latency sample costs the RX lcore: a TSC read converted to
 * ns (twice per burst) and a histogram record (per packet), as batch
 * means like the cache cases.
 */
static void
measure_bench(void)
{
	static uint64_t tsc[NB_BATCHES];
	struct tw_hist *h = rte_zmalloc(NULL, sizeof(*h), 64);
	uint64_t a0, sink = 0, v = 12345;
	unsigned int b, k;
	struct result *r;

	if (h == NULL)
		rte_exit(EXIT_FAILURE, "no memory\n");
	tw_hist_init(h);
	a0 = allocs();
	for (b = 0; b < NB_BATCHES; b++) {
		uint64_t t0 = rte_rdtsc_precise();

		for (k = 0; k < BATCH; k++)
			sink += tw_clock_ns(&clk, rte_rdtsc());
		tsc[b] = rte_rdtsc_precise() - t0;
	}
	r = result_of("stamp_ns", TW_SIMD_MAX, "ns p50");
	r->allocs = allocs() - a0;
	batch_percentiles(r, tsc);
	a0 = allocs();
	for (b = 0; b < NB_BATCHES; b++) {
		uint64_t t0 = rte_rdtsc_precise();

		for (k = 0; k < BATCH; k++) {
			/* Latencies spread over 1..1000 us, like a real run. */
			v = v * 6364136223846793005ULL + 1442695040888963407ULL;
			tw_hist_record(h, 1000 + (v >> 44));
		}
		tsc[b] = rte_rdtsc_precise() - t0;
	}
	r = result_of("hist_record", TW_SIMD_MAX, "ns p50");
	r->allocs = allocs() - a0;
	batch_percentiles(r, tsc);
	if (sink == 42)
		printf(" ");
	rte_free(h);
}

/* ---- output ---- */

static void
finish_results(void)
{
	unsigned int i, j;

	for (i = 0; i < nb_results; i++) {
		struct result *r = &results[i];

		if (r->nb_samples == 0)
			continue;
		r->value = median(r->samples, r->nb_samples);
		r->ns_per_op = 1e3 / r->value;
	}
	for (i = 0; i < nb_results; i++) {
		results[i].ratio = 0;
		for (j = 0; j < nb_results; j++)
			if (results[j].level == TW_SIMD_SCALAR &&
			    results[i].level < TW_SIMD_MAX &&
			    strcmp(results[i].name, results[j].name) == 0)
				results[i].ratio = results[i].value /
					results[j].value;
	}
}

static void
cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "model name", 10) == 0) {
			char *c = strchr(line, ':');

			if (c != NULL) {
				snprintf(buf, len, "%s", c + 2);
				buf[strcspn(buf, "\n")] = '\0';
			}
			break;
		}
	fclose(f);
}

static void
write_json(FILE *f, const char *cpu, unsigned int reps, enum tw_simd best)
{
	unsigned int i, l;

	fprintf(f, "{\n  \"machine\": {\n    \"cpu\": \"%s\",\n", cpu);
	fprintf(f, "    \"cores\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "    \"tsc_hz\": %" PRIu64 ",\n", tw_clock_hz(&clk));
	fprintf(f, "    \"simd_levels\": [");
	for (l = 0; l < TW_SIMD_MAX; l++)
		if (tw_simd_cpu_has(l))
			fprintf(f, "%s\"%s\"", l ? ", " : "", tw_simd_name(l));
	fprintf(f, "],\n    \"eal_max_simd_bitwidth\": %u\n  },\n",
		rte_vect_get_max_simd_bitwidth());
	fprintf(f, "  \"repetitions\": %u,\n  \"best_level\": \"%s\",\n",
		reps, tw_simd_name(best));
	fprintf(f, "  \"results\": [\n");
	for (i = 0; i < nb_results; i++) {
		const struct result *r = &results[i];

		fprintf(f, "    { \"case\": \"%s\", \"level\": \"%s\", "
			"\"unit\": \"%s\", \"value\": %.4f, ", r->name,
			r->level < TW_SIMD_MAX ? tw_simd_name(r->level) : "-",
			r->unit, r->value);
		if (r->level < TW_SIMD_MAX)
			fprintf(f, "\"ns_per_op\": %.4f, \"ratio_to_scalar\": "
				"%.4f, ", r->ns_per_op, r->ratio);
		else
			fprintf(f, "\"p50_ns\": %.3f, \"p99_ns\": %.3f, ",
				r->p50_ns, r->p99_ns);
		fprintf(f, "\"ops\": %" PRIu64 ", \"allocations\": %" PRIu64
			" }%s\n", r->ops, r->allocs,
			i + 1 < nb_results ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
}

static void
write_markdown(FILE *f)
{
	unsigned int i;

	fprintf(f, "| case | level | figure | ns/op | vs scalar | "
		"allocations |\n|---|---|---|---|---|---|\n");
	for (i = 0; i < nb_results; i++) {
		const struct result *r = &results[i];

		if (r->level < TW_SIMD_MAX)
			fprintf(f, "| %s | %s | %.2f %s | %.2f | %.2fx | %"
				PRIu64 " |\n", r->name, tw_simd_name(r->level),
				r->value, r->unit, r->ns_per_op, r->ratio,
				r->allocs);
		else
			fprintf(f, "| %s | - | p50 %.1f ns, p99 %.1f ns | "
				"%.1f | - | %" PRIu64 " |\n", r->name,
				r->p50_ns, r->p99_ns, r->p50_ns, r->allocs);
	}
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--json FILE] [--markdown FILE]\n"
		"       [--reps N] [--quick] [--levels a,b,...]\n"
		"Measures the hot loops at every SIMD level this CPU has.\n",
		prog);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", required_argument, NULL, 'j' },
		{ "markdown", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "quick", no_argument, NULL, 'q' },
		{ "levels", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct parse_case cases[] = {
		{ "parse_mtu_1k", 1000, MTU_TICKS, 1000, 0, 20 },
		{ "parse_mtu_10k", 10000, MTU_TICKS, 1000, 0, 20 },
		{ "parse_mtu_100k", 100000, MTU_TICKS, 1000, 0, 20 },
		{ "parse_mtu_10k_csum_ok", 10000, MTU_TICKS, 1000,
			RTE_MBUF_F_RX_IP_CKSUM_GOOD |
			RTE_MBUF_F_RX_L4_CKSUM_GOOD, 20 },
		{ "parse_min_10k", 10000, MIN_TICKS, 1, 0, 20 },
	};
	const char *json = NULL, *md = NULL;
	bool want[TW_SIMD_MAX] = { true, true, true, true };
	unsigned int reps = 5, rep, c, l;
	uint64_t gen_ticks = 4000000;
	struct rte_mempool *pool;
	enum tw_simd best = TW_SIMD_SCALAR;
	char cpu[128];
	FILE *f;
	int opt, ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	argc -= ret;
	argv += ret;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = optarg;
			break;
		case 'm':
			md = optarg;
			break;
		case 'r':
			reps = RTE_MIN((unsigned int)atoi(optarg),
				(unsigned int)MAX_REPS);
			reps = RTE_MAX(reps, 1u);
			break;
		case 'q':
			reps = 3;
			gen_ticks /= 4;
			for (c = 0; c < RTE_DIM(cases); c++)
				cases[c].passes /= 4;
			break;
		case 'l': {
			char *tok, *save = NULL;

			memset(want, 0, sizeof(want));
			for (tok = strtok_r(optarg, ",", &save); tok != NULL;
			     tok = strtok_r(NULL, ",", &save)) {
				int v = tw_simd_from_name(tok);

				if (v < 0 || v >= TW_SIMD_MAX)
					rte_exit(EXIT_FAILURE, "--levels: "
						"unknown level '%s'\n", tok);
				want[v] = true;
			}
			want[TW_SIMD_SCALAR] = true; /* ratios need it */
			break;
		}
		default:
			usage("tickwire-bench");
			return opt == 'h' ? 0 : 2;
		}
	}
	for (l = 0; l < TW_SIMD_MAX; l++) {
		if (want[l] && !(tw_simd_compiled(l) && tw_simd_cpu_has(l))) {
			printf("%s: NOT RUN, this CPU lacks it\n",
				tw_simd_name(l));
			want[l] = false;
		}
		if (want[l])
			best = l;
	}
	tw_clock_init(&clk, 100);
	cpu_model(cpu, sizeof(cpu));
	printf("tickwire-bench: %s, TSC %.3f GHz, %u repetitions, lcore %u\n",
		cpu, tw_clock_hz(&clk) / 1e9, reps, rte_lcore_id());

	pool = rte_pktmbuf_pool_create("bench_pool", 131071, 256, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL)
		rte_exit(EXIT_FAILURE, "mempool: %s\n",
			rte_strerror(rte_errno));
	feed_setup(&feed, tmpl, CHANNELS);

	for (c = 0; c < RTE_DIM(cases); c++) {
		parse_prepare(&cases[c], pool);
		printf("%s: %u frames, %" PRIu64 " messages a pass\n",
			cases[c].name, cases[c].f.n, cases[c].f.msgs);
		for (rep = 0; rep < reps; rep++)
			for (l = 0; l < TW_SIMD_MAX; l++)
				if (want[l])
					parse_run(&cases[c], l);
		parse_release(&cases[c]);
	}
	for (rep = 0; rep < reps; rep++)
		for (l = 0; l < TW_SIMD_MAX; l++)
			if (want[l])
				gen_run(pool, l, gen_ticks);
	cache_bench();
	measure_bench();
	finish_results();

	write_markdown(stdout);
	if (json != NULL) {
		f = fopen(json, "w");
		if (f == NULL)
			rte_exit(EXIT_FAILURE, "%s: %s\n", json,
				strerror(errno));
		write_json(f, cpu, reps, best);
		fclose(f);
	}
	if (md != NULL) {
		f = fopen(md, "w");
		if (f == NULL)
			rte_exit(EXIT_FAILURE, "%s: %s\n", md,
				strerror(errno));
		write_markdown(f);
		fclose(f);
	}
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}
