/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf_core.h>

#include "tw_gen_private.h"

/* ---- random streams: xoshiro256** seeded through splitmix64 ---- */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
tw_rng_seed(struct tw_rng *r, uint64_t seed)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(r->s); i++)
		r->s[i] = splitmix64(&seed);
	r->has_spare = false;
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
tw_rng_u64(struct tw_rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double
tw_rng_uniform(struct tw_rng *r)
{
	return (double)(tw_rng_u64(r) >> 11) * 0x1.0p-53;
}

/*
 * Marsaglia's polar method: two variates per accepted pair. Not on the
 * tick path (that is tw_gen_fill.c); kept for tools and tests.
 */
double
tw_rng_normal(struct tw_rng *r)
{
	double u, v, s, f;

	if (r->has_spare) {
		r->has_spare = false;
		return r->spare;
	}
	do {
		u = 2.0 * tw_rng_uniform(r) - 1.0;
		v = 2.0 * tw_rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	f = sqrt(-2.0 * log(s) / s);
	r->spare = v * f;
	r->has_spare = true;
	return u * f;
}

/* ---- price model ---- */

int
tw_gen_params_check(const struct tw_gen_params *p)
{
	if (p->nb_symbols == 0 || p->nb_channels == 0 ||
	    p->nb_channels > TW_GEN_MAX_CHANNELS ||
	    p->quote_pct > 100 || p->price_decimals > 9 ||
	    !(p->init_price > 0) || !(p->volatility >= 0) ||
	    !(p->dt > 0) || !isfinite(p->drift) ||
	    (p->activity == TW_ACTIVITY_ZIPF && !(p->zipf_s > 0)))
		return -EINVAL;
	return 0;
}

static size_t
cl(size_t n)
{
	return RTE_ALIGN_CEIL(n, RTE_CACHE_LINE_SIZE);
}

size_t
tw_gen_memsize(const struct tw_gen_params *p)
{
	size_t sz = cl(sizeof(struct tw_gen));

	sz += cl((size_t)p->nb_channels * sizeof(struct tw_gen_stream));
	sz += cl(sizeof(struct tw_gen_sched));
	sz += cl((size_t)p->nb_symbols * sizeof(struct tw_gen_symbol));
	if (p->activity == TW_ACTIVITY_ZIPF)
		sz += (size_t)p->nb_symbols * sizeof(double);
	return sz;
}

/* Channel c's stream: its own seed, whatever else the feed holds. */
static void
stream_init(struct tw_gen_stream *st, const struct tw_gen_params *p,
		uint16_t c)
{
	struct tw_rng r;
	unsigned int l, j;

	tw_rng_seed(&r, p->seed ^ (UINT64_C(0xd1b54a32d192ed03) *
		(uint64_t)(c + 1)));
	for (l = 0; l < TW_GEN_LANES; l++) {
		for (j = 0; j < 4; j++)
			st->lanes.s[j][l] = tw_rng_u64(&r);
		st->lanes.log_drift[l] = (p->drift -
			0.5 * p->volatility * p->volatility) * p->dt;
		st->lanes.log_vol[l] = p->volatility * sqrt(p->dt);
	}
	st->blk_pos = TW_GEN_BLOCK;
	st->nb_sym = p->nb_symbols > c ?
		(p->nb_symbols - c - 1) / p->nb_channels + 1 : 0;
}

/* Each channel's share of the ticks and, for Zipf, its own law. */
static void
activity_init(struct tw_gen *g)
{
	const struct tw_gen_params *p = &g->p;
	double total = 0;
	uint32_t i;
	uint16_t c;

	if (p->activity == TW_ACTIVITY_UNIFORM) {
		for (c = 0; c < p->nb_channels; c++)
			g->stream[c].share = (double)g->stream[c].nb_sym /
				p->nb_symbols;
		return;
	}
	for (c = 0; c < p->nb_channels; c++)
		g->stream[c].share = 0;
	for (i = 0; i < p->nb_symbols; i++) {
		double w = 1.0 / pow((double)(i + 1), p->zipf_s);

		c = tw_gen_channel_of(g, i);
		g->stream[c].share += w;
		g->cdf[i] = g->stream[c].share;
		total += w;
	}
	for (i = 0; i < p->nb_symbols; i++)
		g->cdf[i] /= g->stream[tw_gen_channel_of(g, i)].share;
	for (c = 0; c < p->nb_channels; c++)
		g->stream[c].share /= total;
}

struct tw_gen *
tw_gen_init(void *mem, const struct tw_gen_params *p)
{
	struct tw_gen *g = mem;
	uint16_t all[TW_GEN_MAX_CHANNELS];
	uint8_t *next;
	uint32_t i;
	uint16_t c;

	if (mem == NULL || tw_gen_params_check(p) != 0)
		return NULL;
	memset(mem, 0, tw_gen_memsize(p));
	g->p = *p;
	tw_rng_seed(&g->rng, p->seed);
	next = (uint8_t *)g + cl(sizeof(*g));
	g->stream = (struct tw_gen_stream *)next;
	next += cl((size_t)p->nb_channels * sizeof(*g->stream));
	g->sched = (struct tw_gen_sched *)next;
	next += cl(sizeof(*g->sched));
	g->sym = (struct tw_gen_symbol *)next;
	next += cl((size_t)p->nb_symbols * sizeof(*g->sym));
	if (p->activity == TW_ACTIVITY_ZIPF)
		g->cdf = (double *)next;

	for (c = 0; c < p->nb_channels; c++) {
		stream_init(&g->stream[c], p, c);
		all[c] = c;
	}
	tw_gen_set_simd(g, TW_SIMD_SCALAR);
	g->price_scale = pow(10.0, p->price_decimals);
	for (i = 0; i < p->nb_symbols; i++) {
		char name[16];

		snprintf(name, sizeof(name), "TW%06u", i % 1000000);
		memcpy(g->sym[i].ticker, name, TW_TICKER_LEN);
		/* Spread starting prices so symbols are told apart. */
		g->sym[i].price = p->init_price *
			(0.5 + tw_rng_uniform(&g->rng));
	}
	activity_init(g);
	tw_gen_sched_init(g->sched, g, all, p->nb_channels, 0);
	return g;
}

void
tw_gen_directory(const struct tw_gen *g, uint32_t locate,
		struct tw_directory *d)
{
	d->locate = locate;
	d->price_decimals = g->p.price_decimals;
	memcpy(d->ticker, g->sym[locate].ticker, TW_TICKER_LEN);
	d->send_ns = 0;
}

static const tw_gen_fill_t fill_fns[TW_SIMD_MAX] =
	TW_SIMD_TABLE(tw_gen_fill);

int
tw_gen_set_simd(struct tw_gen *g, enum tw_simd level)
{
	tw_gen_fill_t fill = tw_simd_pick(fill_fns, level);

	if (fill == NULL)
		return -ENOTSUP;
	g->fill = fill;
	g->simd = level;
	return 0;
}

/* The next tick's slot of a stream, drawing a new block when spent. */
static inline unsigned int
next_slot(const struct tw_gen *g, struct tw_gen_stream *st)
{
	if (unlikely(st->blk_pos == TW_GEN_BLOCK)) {
		g->fill(&st->lanes, &st->blk);
		st->blk_pos = 0;
	}
	return st->blk_pos++;
}

double
tw_gen_step(struct tw_gen *g, uint32_t locate)
{
	struct tw_gen_stream *st = &g->stream[tw_gen_channel_of(g, locate)];
	unsigned int i = next_slot(g, st);

	g->sym[locate].price *= st->blk.mult[i];
	return g->sym[locate].price;
}

/* Which of channel ch's symbols a tick goes to. */
static inline uint32_t
pick_symbol(const struct tw_gen *g, const struct tw_gen_stream *st,
		uint16_t ch, uint64_t r)
{
	uint32_t n = g->p.nb_channels, lo = 0, hi;
	double u;

	if (g->cdf == NULL)
		return ch + (uint32_t)(((r >> 32) * st->nb_sym) >> 32) * n;
	u = (double)(r >> 11) * 0x1.0p-53;
	hi = st->nb_sym - 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (g->cdf[ch + mid * n] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return ch + lo * n;
}

/* A uniform integer in [0, n) from 16 random bits. */
static inline uint32_t
bits16_below(uint64_t r, unsigned int shift, uint32_t n)
{
	return (uint32_t)((((r >> shift) & 0xffff) * n) >> 16);
}

/* Channel ch's next draw (tw_gen_draw), inlined where ticks are made. */
static __rte_always_inline void
draw(struct tw_gen *g, uint16_t ch, uint32_t *locate, double *price,
		uint64_t *misc)
{
	struct tw_gen_stream *st = &g->stream[ch];
	unsigned int i = next_slot(g, st);
	uint32_t l = pick_symbol(g, st, ch, st->blk.pick[i]);

	*locate = l;
	*price = (g->sym[l].price *= st->blk.mult[i]);
	*misc = st->blk.misc[i];
}

void
tw_gen_draw(struct tw_gen *g, uint16_t ch, uint32_t *locate, double *price,
		uint64_t *misc)
{
	draw(g, ch, locate, price, misc);
}

void
tw_gen_next_on(struct tw_gen *g, uint16_t ch, struct tw_tick *t)
{
	uint32_t locate;
	uint64_t misc;
	double price;
	int64_t mid, half_spread;

	draw(g, ch, &locate, &price, &misc);
	mid = (int64_t)(price * g->price_scale + 0.5);
	half_spread = RTE_MAX(mid / 10000, (int64_t)1); /* ~1 bp */
	if (mid < 2 * half_spread)
		mid = 2 * half_spread;
	t->channel = ch;
	if (bits16_below(misc, 0, 100) < g->p.quote_pct) {
		t->type = TW_MSG_QUOTE;
		t->quote = (struct tw_quote){
			.locate = locate,
			.bid_px = mid - half_spread,
			.ask_px = mid + half_spread,
			.bid_sz = (1 + bits16_below(misc, 16, 100)) * 100,
			.ask_sz = (1 + bits16_below(misc, 32, 100)) * 100,
		};
	} else {
		bool buy = (misc >> 48) & 1;

		t->type = TW_MSG_TRADE;
		t->trade = (struct tw_trade){
			.locate = locate,
			.side = buy ? 'B' : 'S',
			.price = buy ? mid + half_spread : mid - half_spread,
			.size = (1 + bits16_below(misc, 16, 50)) * 100,
		};
	}
}

void
tw_gen_next(struct tw_gen *g, struct tw_tick *t)
{
	uint16_t ch = 0;

	tw_gen_sched_next(g->sched, 1, &ch);
	tw_gen_next_on(g, ch, t);
}

/* floor(count * share of ch): exact for uniform activity. */
static uint64_t
share_of(const struct tw_gen *g, uint64_t count, uint16_t ch)
{
	if (g->cdf == NULL)
		return (uint64_t)((unsigned __int128)count *
			g->stream[ch].nb_sym / g->p.nb_symbols);
	return (uint64_t)((double)count * g->stream[ch].share);
}

uint64_t
tw_gen_channel_count(const struct tw_gen *g, uint64_t count, uint16_t ch)
{
	uint64_t given = 0, rank = 0;
	uint16_t c;

	if (g->stream[ch].nb_sym == 0)
		return 0;
	for (c = 0; c < g->p.nb_channels; c++) {
		given += share_of(g, count, c);
		if (c < ch && g->stream[c].nb_sym != 0)
			rank++;
	}
	return share_of(g, count, ch) + (given < count &&
		rank < count - given ? 1 : 0);
}

int
tw_gen_sched_init(struct tw_gen_sched *s, const struct tw_gen *g,
		const uint16_t *ch, uint16_t nb, uint64_t count)
{
	uint16_t i;

	if (nb == 0 || nb > TW_GEN_MAX_CHANNELS)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < nb; i++) {
		const struct tw_gen_stream *st;

		if (ch[i] >= g->p.nb_channels)
			return -EINVAL;
		st = &g->stream[ch[i]];
		s->ch[i] = ch[i];
		/* A channel with no symbols never goes next. */
		s->left[i] = st->nb_sym == 0 ? 0 : count == 0 ? UINT64_MAX :
			tw_gen_channel_count(g, count, ch[i]);
		s->stride[i] = st->share > 0 ? 1.0 / st->share : 0;
		if (count != 0)
			s->total += s->left[i];
		s->limited = count != 0;
		s->share += st->share;
	}
	s->nb = nb;
	return 0;
}
