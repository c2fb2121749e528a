/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator's SIMD levels are bit-exact: every level this CPU has
 * draws the same blocks and the same ticks as the scalar build from
 * the same seed. And the scalar build's normals are normal: moments and
 * a Kolmogorov-Smirnov test against the normal CDF. Levels the CPU
 * lacks are reported as not run.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tw_gen.h"

static struct tw_gen *
make_gen(const struct tw_gen_params *p, enum tw_simd level)
{
	void *mem = aligned_alloc(64, RTE_ALIGN_CEIL(tw_gen_memsize(p), 64));
	struct tw_gen *g = tw_gen_init(mem, p);

	assert_non_null(g);
	assert_int_equal(tw_gen_set_simd(g, level), 0);
	return g;
}

static const struct tw_gen_params base = {
	.nb_symbols = 10000, .nb_channels = 8, .seed = 12345,
	.quote_pct = 70, .activity = TW_ACTIVITY_UNIFORM, .zipf_s = 1.1,
	.drift = 0.05, .volatility = 0.4, .dt = 1e-4, .init_price = 50,
	.price_decimals = 4,
};

static bool
level_runs(unsigned int level)
{
	if (tw_simd_compiled(level) && tw_simd_cpu_has(level))
		return true;
	print_message("%s: NOT RUN, this CPU lacks it\n",
		tw_simd_name(level));
	return false;
}

static void
blocks_are_bit_identical(void **state)
{
	struct tw_gen *ref = make_gen(&base, TW_SIMD_SCALAR);
	struct tw_gen_block *want = malloc(20000 * sizeof(*want));
	unsigned int level, i;

	for (i = 0; i < 20000; i++) {
		ref->fill(&ref->stream[0].lanes, &want[i]);
		/* Sanity: multipliers near 1, finite, positive. */
		assert_true(want[i].mult[i % TW_GEN_BLOCK] > 0.5 &&
			want[i].mult[i % TW_GEN_BLOCK] < 2.0);
	}
	for (level = TW_SIMD_SCALAR + 1; level < TW_SIMD_MAX; level++) {
		struct tw_gen *g;

		if (!level_runs(level))
			continue;
		g = make_gen(&base, level);
		for (i = 0; i < 20000; i++) {
			struct tw_gen_block got;

			g->fill(&g->stream[0].lanes, &got);
			if (memcmp(&got, &want[i], sizeof(got)) != 0)
				fail_msg("%s: block %u differs from scalar",
					tw_simd_name(level), i);
		}
		print_message("%s: 20000 blocks equal scalar bit for bit\n",
			tw_simd_name(level));
		free(g);
	}
	free(want);
	free(ref);
}

static void
tick_streams_are_identical(void **state)
{
	struct tw_gen_params p = base;
	unsigned int level, act, i;

	for (act = 0; act < 2; act++) {
		p.activity = act ? TW_ACTIVITY_ZIPF : TW_ACTIVITY_UNIFORM;
		for (level = TW_SIMD_SCALAR + 1; level < TW_SIMD_MAX; level++) {
			struct tw_gen *a, *b;

			if (!level_runs(level))
				continue;
			a = make_gen(&p, TW_SIMD_SCALAR);
			b = make_gen(&p, level);
			for (i = 0; i < 200000; i++) {
				struct tw_tick ta, tb;

				memset(&ta, 0, sizeof(ta));
				memset(&tb, 0, sizeof(tb));
				tw_gen_next(a, &ta);
				tw_gen_next(b, &tb);
				if (memcmp(&ta, &tb, sizeof(ta)) != 0)
					fail_msg("%s: tick %u differs",
						tw_simd_name(level), i);
			}
			assert_memory_equal(a->sym, b->sym,
				p.nb_symbols * sizeof(*a->sym));
			free(a);
			free(b);
		}
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * With drift and volatility chosen so log_drift = -1/2 and log_vol = 1,
 * ln(mult) + 1/2 is the normal variate itself.
 */
static void
normals_are_standard_normal(void **state)
{
	enum { N = 400000 };
	struct tw_gen_params p = base;
	struct tw_gen *g;
	double *z = malloc(N * sizeof(*z));
	double mean = 0, m2 = 0, m4 = 0, d = 0;
	unsigned int i;

	p.drift = 0;
	p.volatility = 1;
	p.dt = 1;
	g = make_gen(&p, TW_SIMD_SCALAR);
	for (i = 0; i < N; i += TW_GEN_BLOCK) {
		unsigned int k;

		g->fill(&g->stream[0].lanes, &g->stream[0].blk);
		for (k = 0; k < TW_GEN_BLOCK; k++)
			z[i + k] = log(g->stream[0].blk.mult[k]) + 0.5;
	}
	for (i = 0; i < N; i++)
		mean += z[i];
	mean /= N;
	for (i = 0; i < N; i++) {
		double x = z[i] - mean;

		m2 += x * x;
		m4 += x * x * x * x;
	}
	m2 /= N;
	m4 /= N;
	print_message("mean %.5f variance %.5f kurtosis %.4f\n", mean, m2,
		m4 / (m2 * m2));
	/* Five standard errors: 1/sqrt(N), sqrt(2/N), sqrt(24/N). */
	assert_true(fabs(mean) < 5 * sqrt(1.0 / N));
	assert_true(fabs(m2 - 1) < 5 * sqrt(2.0 / N));
	assert_true(fabs(m4 / (m2 * m2) - 3) < 5 * sqrt(24.0 / N));
	qsort(z, N, sizeof(*z), cmp_double);
	for (i = 0; i < N; i++) {
		double cdf = 0.5 * erfc(-z[i] / sqrt(2.0));

		d = fmax(d, fmax(fabs(cdf - (double)i / N),
			fabs(cdf - (double)(i + 1) / N)));
	}
	/* KS critical value at alpha = 0.001: 1.95 / sqrt(N). */
	print_message("KS D = %.6f (critical %.6f)\n", d, 1.95 / sqrt(N));
	assert_true(d < 1.95 / sqrt(N));
	free(z);
	free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blocks_are_bit_identical),
		cmocka_unit_test(tick_streams_are_identical),
		cmocka_unit_test(normals_are_standard_normal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
