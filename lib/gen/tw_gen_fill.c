/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator's vector kernel: for a block of TW_GEN_BLOCK ticks,
 * draw the random words of eight xoshiro256** lanes, turn pairs into
 * normal variates (Box-Muller) and those into GBM price multipliers
 * exp(log_drift + log_vol * z).
 *
 * This one source is built once per SIMD level with that level's flags
 * and a lane width W (TW_GEN_W: 1 scalar, 2 SSE, 4 AVX2, 8 AVX-512),
 * using GCC vector types of W doubles. Every step is an IEEE operation
 * (+ - * / sqrt, compares, bit moves) in the same order at every width,
 * and contraction into FMA is off (-ffp-contract=off), so every level
 * produces bit-identical blocks: the scalar build is the reference.
 * log, sin, cos and exp are our own polynomials for that reason: libm
 * would give the scalar build different bits from the vector builds.
 */
#include <stdint.h>
#include <string.h>

#include "tw_gen_private.h"

#ifndef TW_GEN_W
#error "build with -DTW_GEN_W=lanes -DTW_GEN_LEVEL=name"
#endif

#define CAT_(a, b) a ## b
#define CAT(a, b) CAT_(a, b)
#define FILL_FN CAT(tw_gen_fill_, TW_GEN_LEVEL)

typedef double vd __attribute__((vector_size(8 * TW_GEN_W)));
typedef uint64_t vu __attribute__((vector_size(8 * TW_GEN_W)));
typedef int64_t vi __attribute__((vector_size(8 * TW_GEN_W)));

#define ONE_BITS UINT64_C(0x3ff0000000000000)
#define MANT_MASK UINT64_C(0x000fffffffffffff)
#define SIGN_BIT UINT64_C(0x8000000000000000)
#define MAGIC 0x1.8p52          /* adding it rounds to an integer */
#define LN2 0x1.62e42fefa39efp-1
#define LN2_HI 0x1.62e42fee00000p-1
#define LN2_LO 0x1.a39ef35793c76p-33
#define INV_LN2 0x1.71547652b82fep0
#define SQRT2 0x1.6a09e667f3bcdp0
#define HALF_PI 0x1.921fb54442d18p0

static inline vd
splat(double x)
{
	return (vd){ 0 } + x;
}

static inline vd
as_d(vu x)
{
	return (vd)x;
}

static inline vu
as_u(vd x)
{
	return (vu)x;
}

/* mask lanes are all ones or all zeros */
static inline vd
select_d(vi mask, vd yes, vd no)
{
	return as_d((as_u(yes) & (vu)mask) | (as_u(no) & ~(vu)mask));
}

static inline vd
vsqrt(vd x)
{
	vd r;
	unsigned int i;

	/* One sqrtpd per vector at -O3; exact in IEEE at any width. */
	for (i = 0; i < TW_GEN_W; i++)
		r[i] = __builtin_sqrt(x[i]);
	return r;
}

static inline vu
rotl(vu x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256** on W lanes; * 5 and * 9 as shifts and adds. */
static inline vu
next(vu s[4])
{
	vu x = (s[1] << 2) + s[1];
	vu result = rotl(x, 7);
	vu t = s[1] << 17;

	result = (result << 3) + result;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/*
 * Taylor coefficients, highest power first, for Horner's rule. Each is
 * folded to a double once, at compile time: the same bits at every level.
 */
/* sin x = x sum (-1)^k z^k / (2k + 1)!, z = x^2, to x^23 */
static const double sin_c[] = {
	-1.0 / 25852016738884976640000.0, 1.0 / 51090942171709440000.0,
	-1.0 / 121645100408832000.0, 1.0 / 355687428096000.0,
	-1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0,
	1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0, 1.0,
};

/* cos x = sum (-1)^k z^k / (2k)!, to x^22 */
static const double cos_c[] = {
	-1.0 / 1124000727777607680000.0, 1.0 / 2432902008176640000.0,
	-1.0 / 6402373705728000.0, 1.0 / 20922789888000.0,
	-1.0 / 87178291200.0, 1.0 / 479001600.0, -1.0 / 3628800.0,
	1.0 / 40320.0, -1.0 / 720.0, 1.0 / 24.0, -1.0 / 2.0, 1.0,
};

/* e^r = sum r^k / k!, |r| <= ln(2) / 2, to r^14 */
static const double exp_c[] = {
	1.0 / 87178291200.0, 1.0 / 6227020800.0, 1.0 / 479001600.0,
	1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
	1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0,
	1.0 / 2.0, 1.0, 1.0,
};

static inline vd
horner(const double *c, unsigned int n, vd x)
{
	vd p = splat(c[0]);
	unsigned int i;

	for (i = 1; i < n; i++)
		p = p * x + c[i];
	return p;
}

/* ln x for x in (0, 1]: x = 2^e m, m in [sqrt(1/2), sqrt(2)). */
static inline vd
vlog(vd x)
{
	/* 2 atanh(s) = ln((1 + s) / (1 - s)): coefficients 2 / (2k + 1). */
	static const double c[] = {
		2.0 / 23, 2.0 / 21, 2.0 / 19, 2.0 / 17, 2.0 / 15, 2.0 / 13,
		2.0 / 11, 2.0 / 9, 2.0 / 7, 2.0 / 5, 2.0 / 3, 2.0,
	};
	vu bits = as_u(x);
	vi e = (vi)(bits >> 52) - 1023;
	vd m = as_d((bits & MANT_MASK) | ONE_BITS);
	vi big = m > splat(SQRT2);
	vd f, s, z, p, ed;

	m = select_d(big, m * 0.5, m);
	e -= big;               /* big is -1 where m was halved */
	f = m - 1.0;
	s = f / (f + 2.0);
	z = s * s;
	p = horner(c, RTE_DIM(c), z);
	ed = as_d((vu)e + as_u(splat(MAGIC))) - MAGIC;
	return ed * LN2 + s * p;
}

/* sin and cos of x in [0, pi/2). */
static inline void
vsincos(vd x, vd *sn, vd *cs)
{
	vd z = x * x;

	*sn = x * horner(sin_c, RTE_DIM(sin_c), z);
	*cs = horner(cos_c, RTE_DIM(cos_c), z);
}

/* e^x, x clamped to [-700, 700]: 2^k e^r with r = x - k ln 2. */
static inline vd
vexp(vd x)
{
	vd t, kf, r;
	vu scale;

	x = select_d(x > 700.0, splat(700.0), x);
	x = select_d(x < -700.0, splat(-700.0), x);
	t = x * INV_LN2 + MAGIC;
	kf = t - MAGIC;
	r = (x - kf * LN2_HI) - kf * LN2_LO;
	scale = (as_u(t) - as_u(splat(MAGIC)) + 1023) << 52;
	return horner(exp_c, RTE_DIM(exp_c), r) * as_d(scale);
}

static inline vd
load_d(const double *p)
{
	vd v;

	memcpy(&v, p, sizeof(v));
	return v;
}

void FILL_FN(struct tw_gen_lanes *st, struct tw_gen_block *out);

void
FILL_FN(struct tw_gen_lanes *st, struct tw_gen_block *out)
{
	vd drift = load_d(st->log_drift), vol = load_d(st->log_vol);
	unsigned int l;

	for (l = 0; l < TW_GEN_LANES; l += TW_GEN_W) {
		vu s[4], a, b, q, swap;
		vd u1, r, x, sn, cs, c0, s0;
		unsigned int j;

		for (j = 0; j < 4; j++)
			memcpy(&s[j], &st->s[j][l], sizeof(vu));
		a = next(s);
		b = next(s);
		/* u1 in (0, 1]: 2 - [1, 2); the angle's quadrant from b's top. */
		u1 = 2.0 - as_d((a >> 12) | ONE_BITS);
		r = -2.0 * vlog(u1);
		r = vsqrt(select_d(r < 0.0, splat(0.0), r));
		x = (as_d(((b >> 10) & MANT_MASK) | ONE_BITS) - 1.0) * HALF_PI;
		vsincos(x, &sn, &cs);
		q = b >> 62;
		swap = (vu){ 0 } - (q & 1);
		c0 = as_d((as_u(sn) & swap) | (as_u(cs) & ~swap));
		s0 = as_d((as_u(cs) & swap) | (as_u(sn) & ~swap));
		c0 = as_d(as_u(c0) ^ (((q + 1) & 2) << 62));
		s0 = as_d(as_u(s0) ^ ((q & 2) << 62));
		c0 = vexp(drift + vol * (r * c0));
		s0 = vexp(drift + vol * (r * s0));
		memcpy(&out->mult[l], &c0, sizeof(vd));
		memcpy(&out->mult[TW_GEN_LANES + l], &s0, sizeof(vd));
		a = next(s);
		b = next(s);
		memcpy(&out->pick[l], &a, sizeof(vu));
		memcpy(&out->pick[TW_GEN_LANES + l], &b, sizeof(vu));
		a = next(s);
		b = next(s);
		memcpy(&out->misc[l], &a, sizeof(vu));
		memcpy(&out->misc[TW_GEN_LANES + l], &b, sizeof(vu));
		for (j = 0; j < 4; j++)
			memcpy(&st->s[j][l], &s[j], sizeof(vu));
	}
}
