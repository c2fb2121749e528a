/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ITCH model's stocks: each one's traits for the day, drawn from
 * the seed (hash_key) and its locate, so the same seed gives the same
 * universe. Its price level ($0.05 to $1,200: sub-penny ticks below $1
 * as Reg NMS Rule 612 allows, whole cents above), the price step its
 * book is built on (wider for dearer stocks), its share of its
 * channel's activity (a Zipf law: the most active stocks rest
 * thousands of orders, the median one a few), its Stock Directory
 * fields, its Market Participants, and the size law of the day's
 * orders. docs/protocol.md says which figure each follows.
 *
 * Owns: struct tw_itch_stock, the Zipf law, the MPID set, the size
 * law. Never touches: frames, books, the session clock.
 */
#include <math.h>
#include <string.h>

#include <rte_common.h>

#include "tw_itch_gen_private.h"

#define MIN_CAP 16u
#define MAX_CAP 65536u

/* The model's Market Participants: made-up four-letter MPIDs. */
static const char *const mpids[TW_ITCH_MPIDS] = {
	"TWMA", "TWMB", "TWMC", "TWMD", "TWME", "TWMF", "TWMG", "TWMH",
};

const char *
itch_mpid(unsigned int i)
{
	return mpids[i % TW_ITCH_MPIDS];
}

/* A well-mixed 64-bit value of a stock's locate and a salt. */
static uint64_t
mix(uint64_t key, uint32_t l, uint32_t salt)
{
	uint64_t z = key ^ ((uint64_t)salt << 40) ^ (l + 1) *
		UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static double
unit(uint64_t r)
{
	return (double)(r >> 11) * 0x1.0p-53;
}

static uint32_t
stocks_on(const struct tw_itch_gen_params *p, uint16_t ch)
{
	return ch < p->nb_symbols ?
		(p->nb_symbols - ch + p->nb_channels - 1) / p->nb_channels : 0;
}

/* Stock l's share of the whole feed's ticks (channels by their size). */
static double
share_of(const struct tw_itch_gen_params *p, uint32_t l)
{
	uint16_t ch = (uint16_t)(l % p->nb_channels);
	uint32_t n = stocks_on(p, ch), r;
	double h = 0, ch_share = (double)n / p->nb_symbols;

	if (!(p->zipf_s > 0))
		return 1.0 / p->nb_symbols;
	for (r = 0; r < n; r++)
		h += 1.0 / pow((double)(r + 1), p->zipf_s);
	r = l / p->nb_channels;
	return ch_share / pow((double)(r + 1), p->zipf_s) / h;
}

static uint32_t
cap_of(const struct tw_itch_gen_params *p, uint32_t l, const double *norm)
{
	double c = (double)p->nb_symbols * p->orders_per_symbol;

	if (!(p->zipf_s > 0))
		return p->orders_per_symbol;
	c *= norm[l % p->nb_channels] / pow((double)(l / p->nb_channels + 1),
		p->zipf_s);
	return (uint32_t)RTE_MIN(RTE_MAX(c + 0.5, (double)MIN_CAP),
		(double)MAX_CAP);
}

/* Per channel: its share / its harmonic sum (cap_of's factor). */
static void
norms(const struct tw_itch_gen_params *p, double *norm)
{
	uint16_t ch;

	for (ch = 0; ch < p->nb_channels && ch < 256; ch++)
		norm[ch] = ch < p->nb_symbols ? share_of(p, ch) : 0;
}

uint64_t
itch_stocks_slots(const struct tw_itch_gen_params *p)
{
	double norm[256];
	uint64_t n = 0;
	uint32_t l;

	if (!(p->zipf_s > 0) || p->nb_channels > 256)
		return (uint64_t)p->nb_symbols * p->orders_per_symbol;
	norms(p, norm);
	for (l = 0; l < p->nb_symbols; l++)
		n += cap_of(p, l, norm);
	return n;
}

/* Guide entries a channel: a power of two, twice its stocks or more. */
static uint32_t
guide_n(const struct tw_itch_gen_params *p)
{
	uint32_t n = 16, most = stocks_on(p, 0);

	while (n < 2 * most)
		n <<= 1;
	return n;
}

size_t
itch_stocks_memsize(const struct tw_itch_gen_params *p)
{
	return RTE_ALIGN_CEIL((size_t)p->nb_symbols *
		sizeof(struct tw_itch_stock), 64) +
		RTE_ALIGN_CEIL((size_t)p->nb_symbols * sizeof(double), 64) +
		RTE_ALIGN_CEIL((size_t)p->nb_channels * guide_n(p) *
		sizeof(uint32_t), 64);
}

/*
 * Each channel's guide to its Zipf law: entry b is the first of its
 * stocks whose cdf is above b / guide_n (the last stock if none), so a
 * draw u starts at entry u * guide_n, at or before the stock a search
 * of the whole law finds, and walks forward to it: the same stock,
 * found in a step or two instead of a branch-missing search.
 */
static void
guide_init(struct tw_itch_gen *g)
{
	const struct tw_itch_gen_params *p = &g->p;
	uint32_t n = p->nb_channels, b, r;
	uint16_t ch;

	for (ch = 0; ch < p->nb_channels; ch++) {
		uint32_t *gd = g->guide + (size_t)ch * g->guide_n;
		uint32_t last = stocks_on(p, ch);

		last = last > 0 ? last - 1 : 0;
		for (b = 0, r = 0; b < g->guide_n; b++) {
			/* Exact: guide_n is a power of two. */
			double x = (double)b / g->guide_n;

			while (r < last && g->cdf[ch + r * n] <= x)
				r++;
			gd[b] = r;
		}
	}
}

uint64_t
itch_stocks_init(struct tw_itch_gen *g, void *stock_mem, void *cdf_mem)
{
	const struct tw_itch_gen_params *p = &g->p;
	bool zipf = p->zipf_s > 0 && p->nb_channels <= 256;
	double norm[256], acc[256] = { 0 };
	uint64_t first = 0;
	uint32_t l;

	g->stock = stock_mem;
	g->cdf = zipf ? cdf_mem : NULL;
	g->guide_n = guide_n(p);
	g->guide = zipf ? (uint32_t *)((uint8_t *)cdf_mem +
		RTE_ALIGN_CEIL((size_t)p->nb_symbols * sizeof(double), 64)) :
		NULL;
	if (zipf)
		norms(p, norm);
	for (l = 0; l < p->nb_symbols; l++) {
		struct tw_itch_stock *s = &g->stock[l];
		uint64_t r = mix(p->hash_key, l, 1);
		double price, lo, hi;
		uint16_t ch = (uint16_t)(l % p->nb_channels);

		/* One stock in twenty below a dollar. */
		if (r % 20 == 0)
			lo = 0.05, hi = 0.80;
		else
			lo = 1.0, hi = 1200.0;
		price = lo * exp(unit(mix(p->hash_key, l, 2)) * log(hi / lo));
		s->scale = price;       /* over lib/gen's init_price, later */
		s->tick = price < 1.0 ? 1 : TW_ITCH_CENT;
		/* Wider for dearer stocks, and for less active ones: the
		 * least active of a channel quotes nine times as wide as
		 * its most active (the model's choice). */
		s->step = RTE_MAX(1u, (uint32_t)(price * TW_ITCH_DOLLAR /
			s->tick / 5000)) * (1 + 8 * (l / p->nb_channels) /
			RTE_MAX(1u, stocks_on(p, ch)));
		s->cap = zipf ? cap_of(p, l, norm) : p->orders_per_symbol;
		s->first = first;
		first += s->cap;
		s->nb_mpids = (uint8_t)(1 + (r >> 8) % 3);
		s->mpid0 = (uint8_t)((r >> 16) % TW_ITCH_MPIDS);
		if (zipf) {
			acc[ch] += 1.0 / pow((double)(l / p->nb_channels + 1),
				p->zipf_s);
			g->cdf[l] = acc[ch];
		}
	}
	for (l = 0; zipf && l < p->nb_symbols; l++)
		g->cdf[l] /= acc[l % p->nb_channels];
	if (zipf)
		guide_init(g);
	return first;
}

/*
 * The first of ch's stocks whose cdf is above u (its last if none): by
 * the guide, then a step at a time (guide_init).
 */
uint32_t
itch_pick(struct tw_itch_gen *g, uint16_t ch, uint32_t l)
{
	uint32_t n = g->p.nb_channels, r, last;
	double u;

	if (g->cdf == NULL)
		return l;
	last = stocks_on(&g->p, ch);
	last = last > 0 ? last - 1 : 0;
	u = unit(itch_rand(&g->ch[ch]));
	r = g->guide[(size_t)ch * g->guide_n + (uint32_t)(u * g->guide_n)];
	while (r < last && g->cdf[ch + r * n] <= u)
		r++;
	return ch + r * n;
}

int64_t
itch_mid(const struct tw_itch_gen *g, uint32_t l, double px,
		double init_price)
{
	const struct tw_itch_stock *s = &g->stock[l];
	double v = px / init_price * s->scale * TW_ITCH_DOLLAR / s->tick;

	return RTE_MAX((int64_t)(v + 0.5), (int64_t)2);
}

/*
 * Three orders in four exactly 100 shares (the issue's real days); the
 * rest: odd lots (1-99), round lots of 200-900, and one in twenty a
 * large order of 1,000 to about 80,000 shares.
 */
uint32_t
itch_shares(struct tw_itch_chan *c)
{
	uint64_t r = itch_rand(c);
	uint32_t u = (uint32_t)(r % 10000);

	r >>= 16;
	if (u < 7500)
		return 100;
	if (u < 8500)
		return 1 + (uint32_t)(r % 99);
	if (u < 9500)
		return 100 * (2 + (uint32_t)(r % 8));
	return 100 * (10 + (uint32_t)(r % 90)) <<
		((r >> 16) & 3);
}

void
itch_dir_fields(const struct tw_itch_gen *g, uint32_t l,
		struct tw_itch_dir_fields *f)
{
	uint64_t r = mix(g->p.hash_key, l, 3);
	unsigned int cat = r % 100, fin = (r >> 8) % 100;
	bool nasdaq;

	memset(f, 0, sizeof(*f));
	f->market_category = cat < 35 ? 'Q' : cat < 50 ? 'G' : cat < 65 ?
		'S' : cat < 85 ? 'N' : cat < 93 ? 'P' : cat < 96 ? 'A' : 'Z';
	nasdaq = cat < 65;
	/* The financial status of a stock Nasdaq does not list: ' '. */
	f->financial_status = !nasdaq ? ' ' : fin < 5 ? 'D' : fin < 7 ?
		'E' : 'N';
	/* Round lots of 10 for the dearest stocks, 100 for the rest. */
	f->round_lot = g->stock[l].scale >= 1000.0 ? 10 : 100;
	f->etp = f->market_category == 'P' || (r >> 16) % 100 < 4 ? 'Y' :
		'N';
	f->issue_class = f->etp == 'Y' ? 'Q' : 'C';
	memcpy(f->issue_subtype, "Z", 2);
	f->etp_leverage = f->etp == 'Y' ? 1 + (uint32_t)((r >> 24) % 3) : 0;
	f->inverse = f->etp == 'Y' && (r >> 32) % 5 == 0 ? 'Y' : 'N';
	/* Tier 1: the most active stocks of each channel. */
	f->luld_tier = l / g->p.nb_channels < RTE_MAX(1u,
		g->p.nb_symbols / g->p.nb_channels / 4) ? '1' : '2';
}
