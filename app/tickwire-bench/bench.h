/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire-bench internals: the results table the cases fill (bench.c)
 * and the cases: through mbufs (cases.c), the ITCH 5.0 model's
 * generator (cases_itch.c), the receivers with books (cases_books.c),
 * timed per operation (cases_latency.c).
 */
#ifndef TW_BENCH_H
#define TW_BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mempool.h>

#include "tw_clock.h"
#include "tw_simd.h"

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

/*
 * Where a bench's framer puts its frames (cases.c): mbufs from pool,
 * freed in bursts of done's size; each frame with messages kept in
 * store (when not NULL) after the header tmpl[ch] says, as the
 * generator lcore keeps what it sends for the request server.
 */
struct tw_pkt_tmpl;
struct tw_store;

struct bench_sink {
	struct rte_mempool *pool;
	const struct tw_pkt_tmpl *tmpl; /* per channel, for the store */
	struct tw_store *store;         /* the request server's, or NULL */
	struct rte_mbuf *done[64];
	unsigned int n;
	uint64_t pkts;
};

uint8_t *bench_sink_get(void *arg, uint16_t ch, void **handle,
		uint16_t *max_msgs);
void bench_sink_put(void *arg, void *handle, uint16_t ch, uint16_t len,
		uint16_t msgs);

extern struct result results[MAX_RESULTS];
extern unsigned int nb_results;
extern struct tw_clock clk;

/* The result of case name at level (TW_SIMD_MAX: level-independent). */
struct result *result_of(const char *name, enum tw_simd level,
		const char *unit);
int cmp_double(const void *a, const void *b);
double tsc_to_ns(uint64_t tsc);
/* malloc, calloc and realloc calls so far, in the whole process. */
uint64_t allocs(void);

/* ---- the cases through mbufs (cases.c) ---- */

struct parse_case;

/* The cases' frame templates and feed; once, before any case. */
void bench_feed_setup(void);
/* How many parse cases there are, and case i of them. */
unsigned int bench_parse_cases(void);
struct parse_case *bench_parse_case(unsigned int i);
void bench_parse_quick(void);
void bench_parse_prepare(struct parse_case *pc, struct rte_mempool *pool);
void bench_parse_run(struct parse_case *pc, enum tw_simd level, bool noise);
void bench_parse_release(struct parse_case *pc);
void bench_gen_run(struct rte_mempool *pool, enum tw_simd level,
		uint64_t ticks, bool store);

/* ---- the ITCH 5.0 model's generator path (cases_itch.c) ---- */

void bench_gen_itch_run(struct rte_mempool *pool, enum tw_simd level,
		uint64_t ticks);

/* ---- receivers with books: MDP 3.0, ITCH 5.0 (cases_books.c) ---- */

/* group's (mdp3, itch) feed of ticks generated into mbufs, once,
 * before its cases. */
void bench_books_prepare(const char *group, struct rte_mempool *pool,
		uint64_t ticks, unsigned int passes);
/* One repetition of each case of the prepared group. */
void bench_books_run(void);
void bench_books_release(void);

/* ---- the cases timed per operation (cases_latency.c) ---- */

/* A cache entry's update and snapshot, alone and beside a writer. */
void bench_cache(void);
/* What a latency sample costs: a stamp, a histogram record. */
void bench_measure(void);

#endif /* TW_BENCH_H */
