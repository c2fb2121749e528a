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
 *   gen_itch50    the same with the ITCH 5.0 model (its order actions
 *                 and truth books), at the best level only
 *   itch_rx*      ITCH 5.0's decode and order books (the RX lcore's
 *                 path) over its generator's NASDAQ-like day: ns a
 *                 message, a packet, p50 / p99 of a packet alone
 *                 (scalar only)
 *   mdp3_rx*      the same for CME MDP 3.0's SBE decode and MBP books
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
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_vect.h>

#include "bench.h"
#include "tw_stats.h"

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

uint64_t
allocs(void)
{
	return __atomic_load_n(&nb_allocs, __ATOMIC_RELAXED);
}

/* ---- results ---- */

struct result results[MAX_RESULTS];
unsigned int nb_results;
struct tw_clock clk;

struct result *
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

int
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

double
tsc_to_ns(uint64_t tsc)
{
	return (double)tsc * 1e9 / (double)tw_clock_hz(&clk);
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
		if (r->level < TW_SIMD_MAX && r->ratio > 0)
			fprintf(f, "\"ns_per_op\": %.4f, \"ratio_to_scalar\": "
				"%.4f, ", r->ns_per_op, r->ratio);
		else if (r->level < TW_SIMD_MAX)
			/* Measured at one level only (gen_itch50). */
			fprintf(f, "\"ns_per_op\": %.4f, \"ratio_to_scalar\": "
				"null, ", r->ns_per_op);
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
	char a[32];

	fprintf(f, "| case | level | figure | ns/op | vs scalar | "
		"allocations |\n|---|---|---|---|---|---|\n");
	for (i = 0; i < nb_results; i++) {
		const struct result *r = &results[i];

		if (r->level < TW_SIMD_MAX && r->ratio > 0)
			fprintf(f, "| %s | %s | %.2f %s | %.2f | %.2fx | %s |\n",
				r->name, tw_simd_name(r->level), r->value,
				r->unit, r->ns_per_op, r->ratio,
				tw_grouped(a, sizeof(a), r->allocs));
		else if (r->level < TW_SIMD_MAX)
			fprintf(f, "| %s | %s | %.2f %s | %.2f | - | %s |\n",
				r->name, tw_simd_name(r->level), r->value,
				r->unit, r->ns_per_op,
				tw_grouped(a, sizeof(a), r->allocs));
		else
			fprintf(f, "| %s | - | p50 %.1f ns, p99 %.1f ns | "
				"%.1f | - | %s |\n", r->name, r->p50_ns,
				r->p99_ns, r->p50_ns,
				tw_grouped(a, sizeof(a), r->allocs));
	}
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--json FILE] [--markdown FILE]\n"
		"       [--reps N] [--quick] [--levels a,b,...] "
		"[--groups parse,gen,itch,mdp3,cache]\n       [--clock tsc|tai|realtime] "
		"[--version]\n"
		"Measures the hot loops at every SIMD level this CPU has;\n"
		"--clock: the stamps' domain, as tickwire's [clock] domain.\n",
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
		{ "groups", required_argument, NULL, 'g' },
		{ "clock", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int nb_cases = bench_parse_cases();
	const char *json = NULL, *md = NULL;
	bool want[TW_SIMD_MAX] = { true, true, true, true };
	bool parse = true, gen = true, itch = true, mdp3 = true;
	bool cache = true;
	unsigned int mdp3_passes = 20, itch_passes = 8;
	unsigned int reps = 5, rep, c, l;
	uint64_t gen_ticks = 4000000;
	struct rte_mempool *pool;
	enum tw_simd best = TW_SIMD_SCALAR;
	struct tw_clock_source src = { .id = CLOCK_REALTIME };
	char cpu[128];
	FILE *f;
	int opt, ret, i;

	/* --version and --help answer without the EAL, as tickwire's. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--version") == 0) {
			printf("tickwire-bench %s\n", TW_VERSION);
			return 0;
		}
		if (strcmp(argv[i], "--help") == 0) {
			usage(argv[0]);
			return 0;
		}
	}
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
			mdp3_passes /= 4;
			itch_passes /= 4;
			bench_parse_quick();
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
		case 'g':
			parse = strstr(optarg, "parse") != NULL;
			gen = strstr(optarg, "gen") != NULL;
			/* gen_itch50 alone, or with the rest of gen. */
			itch = gen || strstr(optarg, "itch") != NULL;
			mdp3 = strstr(optarg, "mdp3") != NULL;
			cache = strstr(optarg, "cache") != NULL;
			if (!parse && !itch && !mdp3 && !cache)
				rte_exit(EXIT_FAILURE, "--groups: parse, gen, "
					"itch, mdp3 or cache, comma "
					"separated\n");
			break;
		case 'c':
			src.follow = strcmp(optarg, "tsc") != 0;
			src.id = strcmp(optarg, "tai") == 0 ? CLOCK_TAI :
				CLOCK_REALTIME;
			if (!src.follow ? 0 : strcmp(optarg, "tai") != 0 &&
			    strcmp(optarg, "realtime") != 0)
				rte_exit(EXIT_FAILURE, "--clock: tsc, tai or "
					"realtime\n");
			break;
		case 'V':
			printf("tickwire-bench %s\n", TW_VERSION);
			rte_eal_cleanup();
			return 0;
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
	if (src.follow && tw_clock_set_source(&clk, &src) != 0)
		rte_exit(EXIT_FAILURE, "--clock: the clock is unreadable\n");
	cpu_model(cpu, sizeof(cpu));
	printf("tickwire-bench: %s, TSC %.3f GHz, %u repetitions, lcore %u\n",
		cpu, tw_clock_hz(&clk) / 1e9, reps, rte_lcore_id());

	pool = rte_pktmbuf_pool_create("bench_pool", 131071, 256, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL)
		rte_exit(EXIT_FAILURE, "mempool: %s\n",
			rte_strerror(rte_errno));
	bench_feed_setup();

	for (c = 0; parse && c < nb_cases; c++) {
		bench_parse_prepare(bench_parse_case(c), pool);
		for (rep = 0; rep < reps; rep++)
			for (l = 0; l < TW_SIMD_MAX; l++) {
				if (!want[l])
					continue;
				bench_parse_run(bench_parse_case(c), l, false);
				/* The interruption recording's cost: the
				 * same step with it, interleaved. */
				if (l == best)
					bench_parse_run(bench_parse_case(c), l,
						true);
			}
		bench_parse_release(bench_parse_case(c));
	}
	for (rep = 0; gen && rep < reps; rep++)
		for (l = 0; l < TW_SIMD_MAX; l++)
			if (want[l])
				bench_gen_run(pool, l, gen_ticks, false);
	/* The same with the request server's store kept, in the same run. */
	for (rep = 0; gen && rep < reps; rep++)
		for (l = 0; l < TW_SIMD_MAX; l++)
			if (want[l])
				bench_gen_run(pool, l, gen_ticks, true);
	/* The ITCH 5.0 model's path: its cost is the model's, not SIMD's. */
	for (rep = 0; itch && rep < reps; rep++)
		bench_gen_itch_run(pool, best, gen_ticks);
	/* The receivers with books: scalar, their own frames. */
	if (itch) {
		bench_books_prepare("itch", pool, 200000, itch_passes);
		for (rep = 0; rep < reps; rep++)
			bench_books_run();
		bench_books_release();
	}
	if (mdp3) {
		bench_books_prepare("mdp3", pool, 40000, mdp3_passes);
		for (rep = 0; rep < reps; rep++)
			bench_books_run();
		bench_books_release();
	}
	if (cache) {
		bench_cache();
		bench_measure();
	}
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
