/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-bench's cases timed per operation, in batches of BATCH, as
 * p50 and p99 ns: a cache entry's update and its snapshot (alone and
 * with a writer on a second lcore), and what measuring latency costs the
 * RX lcore (a stamp, a histogram record). Needs no frames, no templates
 * and no feed (cases.c's).
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "bench.h"
#include "tw_cache.h"
#include "tw_hist.h"
#include "tw_stats.h"

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

void
bench_cache(void)
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
			char a[32];

			printf("writer lcore %u made %s updates\n", wl,
				tw_grouped(a, sizeof(a), writer_updates));
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
void
bench_measure(void)
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
