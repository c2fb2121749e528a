/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MDP 3.0's model (tw_mdp3_gen.h): the instruments, the session's open
 * and each tick's event on one instrument's book. The messages' bytes
 * are tw_mdp3_gen_msg.c's, the loops and the ChannelReset
 * tw_mdp3_gen_loop.c's.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <rte_common.h>

#include "tw_mdp3.h"
#include "tw_mdp3_gen.h"

/* CME products: root, tick (PRICE9), DisplayFactor (Decimal9), and the
 * price of lib/gen's 1.0 in its units (lib/gen's 100.0: about a third of
 * the product's usual level, so its per-tick moves cross a tick now and
 * then, not at every event). */
static const struct {
	char root[3];
	int64_t tick;
	int64_t display;
	double scale;
} roots[TW_MDP3_GEN_ROOTS] = {
	{ "ES", 250000000, 1000000000, 15 },
	{ "NQ", 250000000, 1000000000, 55 },
	{ "YM", 1000000000, 1000000000, 120 },
	{ "CL", 10000000, 1000000000, 0.25 },
	{ "GC", 100000000, 1000000000, 7 },
	{ "SI", 5000000, 1000000000, 0.08 },
	{ "HG", 500000, 1000000000, 0.015 },
	{ "NG", 1000000, 1000000000, 0.01 },
	{ "ZN", 15625000, 1000000000, 0.4 },
	{ "ZB", 31250000, 1000000000, 0.4 },
	{ "ZF", 7812500, 1000000000, 0.35 },
	{ "ZT", 3906250, 1000000000, 0.35 },
	{ "ZC", 250000000, 10000000, 150 },
	{ "ZS", 250000000, 10000000, 400 },
	{ "ZW", 250000000, 10000000, 200 },
	{ "6E", 50000, 1000000000, 0.004 },
};

static inline uint64_t
next_rand(uint64_t *s)
{
	/* splitmix64: each instrument's own stream of sizes and sides */
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline size_t
cl(size_t n)
{
	return RTE_ALIGN_CEIL(n, (size_t)RTE_CACHE_LINE_SIZE);
}

int
tw_mdp3_gen_params_check(const struct tw_mdp3_gen_params *p)
{
	if (p->nb_symbols == 0 || p->nb_symbols > TW_MDP3_GEN_MAX_SYMBOLS ||
	    p->nb_channels == 0 || p->nb_channels > TW_GEN_MAX_CHANNELS ||
	    p->depth == 0 || p->depth > TW_MDP3_DEPTH)
		return -EINVAL;
	return 0;
}

size_t
tw_mdp3_gen_memsize(const struct tw_mdp3_gen_params *p)
{
	return cl(sizeof(struct tw_mdp3_gen)) +
		cl(p->nb_symbols * sizeof(struct tw_mdp3_book)) +
		cl(p->nb_symbols * sizeof(struct tw_mdp3_gen_inst));
}

void
tw_mdp3_gen_symbol(uint32_t l, char *out, size_t len)
{
	uint32_t n = l / TW_MDP3_GEN_ROOTS;

	if (n == 0)
		snprintf(out, len, "%sZ6", roots[l % TW_MDP3_GEN_ROOTS].root);
	else
		snprintf(out, len, "%sZ6%u", roots[l % TW_MDP3_GEN_ROOTS].root,
			n);
}

struct tw_mdp3_gen *
tw_mdp3_gen_init(void *mem, const struct tw_mdp3_gen_params *p)
{
	struct tw_mdp3_gen *g = mem;
	uint8_t *next;
	uint32_t l;

	if (mem == NULL || tw_mdp3_gen_params_check(p) != 0)
		return NULL;
	memset(mem, 0, tw_mdp3_gen_memsize(p));
	g->p = *p;
	next = (uint8_t *)g + cl(sizeof(*g));
	g->books = (struct tw_mdp3_book *)next;
	next += cl(p->nb_symbols * sizeof(struct tw_mdp3_book));
	g->inst = (struct tw_mdp3_gen_inst *)next;
	for (l = 0; l < p->nb_symbols; l++) {
		unsigned int r = l % TW_MDP3_GEN_ROOTS;

		tw_mdp3_book_init(&g->books[l], l);
		g->inst[l].rng = p->seed * UINT64_C(0x2545f4914f6cdd1d) ^
			(l + 1) * UINT64_C(0x9e3779b97f4a7c15);
		g->inst[l].tick = roots[r].tick;
		g->inst[l].ticks_per_unit = roots[r].scale * 1e9 /
			(double)roots[r].tick;
	}
	return g;
}

int64_t
tw_mdp3_gen_display(uint32_t l)
{
	return roots[l % TW_MDP3_GEN_ROOTS].display;
}

/* The best bid's tick for lib/gen's price: the mid rounded down. */
static inline int64_t
target_bid(const struct tw_mdp3_gen_inst *in, double price)
{
	double t = floor(price * in->ticks_per_unit);

	return t < 1 ? 1 : (int64_t)t;
}

/* A level's quantity and orders, from the instrument's stream. */
static inline void
level_size(struct tw_mdp3_gen_inst *in, int32_t *qty, int32_t *orders)
{
	uint64_t r = next_rand(&in->rng);

	*qty = (int32_t)(1 + r % 200);
	*orders = 1 + *qty / 16 + (int32_t)((r >> 32) % 3);
}

void
tw_mdp3_gen_build(struct tw_mdp3_gen_out *o, uint32_t l, double price)
{
	struct tw_mdp3_gen *g = o->g;
	struct tw_mdp3_gen_inst *in = &g->inst[l];
	struct tw_mdp3_gen_level lv[2 * TW_MDP3_DEPTH];
	int64_t bid = target_bid(in, price);
	unsigned int i, n = 0, nb = 0;

	for (i = 0; i < g->p.depth; i++) {
		if (bid - (int64_t)i >= 1) {
			lv[n] = (struct tw_mdp3_gen_level){
				.side = TW_MDP3_SIDE_BID, .action = TW_MDP3_NEW,
				.level = (uint8_t)++nb,
				.px = (bid - (int64_t)i) * in->tick,
			};
			level_size(in, &lv[n].qty, &lv[n].orders);
			n++;
		}
		lv[n] = (struct tw_mdp3_gen_level){
			.side = TW_MDP3_SIDE_ASK, .action = TW_MDP3_NEW,
			.level = (uint8_t)(i + 1),
			.px = (bid + 1 + (int64_t)i) * in->tick,
		};
		level_size(in, &lv[n].qty, &lv[n].orders);
		n++;
	}
	tw_mdp3_gen_book_msg(o, l, lv, n, TW_MDP3_MEI_LAST_QUOTE |
		TW_MDP3_MEI_END_OF_EVENT);
}

/*
 * The mid passed d > 0 ticks of one side (side: the one taken): an
 * aggressing order takes its first d levels whole, the other side gets
 * d new levels on top, the side taken is refilled at its far end.
 */
static void
sweep(struct tw_mdp3_gen_out *o, uint32_t l, enum tw_mdp3_side taken,
		unsigned int d)
{
	struct tw_mdp3_gen *g = o->g;
	struct tw_mdp3_book *b = &g->books[l];
	struct tw_mdp3_gen_inst *in = &g->inst[l];
	enum tw_mdp3_side other = taken == TW_MDP3_SIDE_ASK ?
		TW_MDP3_SIDE_BID : TW_MDP3_SIDE_ASK;
	const struct tw_mdp3_level *tl = tw_mdp3_book_clevels(b, taken);
	struct tw_mdp3_level took[TW_MDP3_DEPTH];
	struct tw_mdp3_gen_level lv[TW_MDP3_GEN_MAX_ENTRIES];
	int64_t step = taken == TW_MDP3_SIDE_ASK ? 1 : -1;
	int64_t best = tl[0].px / in->tick, far;
	uint8_t n_taken = tw_mdp3_book_count(b, taken);
	unsigned int i, n = 0, n_other;

	if (d > n_taken)
		d = n_taken;
	if (d == 0)
		return;
	memcpy(took, tl, d * sizeof(took[0]));
	far = tl[n_taken - 1].px / in->tick;
	/* The taken side's price can not go through zero. */
	if (step < 0 && far - (int64_t)d < 1)
		return;
	tw_mdp3_gen_trade_msg(o, l, took, d, taken == TW_MDP3_SIDE_ASK ? 1 : 2,
		TW_MDP3_MEI_LAST_TRADE);
	lv[n++] = (struct tw_mdp3_gen_level){
		.side = taken, .action = TW_MDP3_DELETE_FROM,
		.level = (uint8_t)d,
	};
	n_other = tw_mdp3_book_count(b, other);
	for (i = 0; i < d; i++) {
		/* Past a depth below the book's, the last level goes. */
		if (n_other == g->p.depth && g->p.depth < TW_MDP3_DEPTH) {
			lv[n++] = (struct tw_mdp3_gen_level){
				.side = other, .action = TW_MDP3_DELETE,
				.level = (uint8_t)n_other,
			};
			n_other--;
		}
		if (n_other < TW_MDP3_DEPTH)
			n_other++;
		/* The other side's new best: the prices just taken. */
		lv[n] = (struct tw_mdp3_gen_level){
			.side = other, .action = TW_MDP3_NEW, .level = 1,
			.px = (best + step * (int64_t)i) * in->tick,
		};
		level_size(in, &lv[n].qty, &lv[n].orders);
		n++;
	}
	for (i = 0; i < d; i++) {
		lv[n] = (struct tw_mdp3_gen_level){
			.side = taken, .action = TW_MDP3_NEW,
			.level = (uint8_t)(n_taken - d + 1 + i),
			.px = (far + step * (int64_t)(i + 1)) * in->tick,
		};
		level_size(in, &lv[n].qty, &lv[n].orders);
		n++;
	}
	tw_mdp3_gen_book_msg(o, l, lv, n, TW_MDP3_MEI_LAST_QUOTE);
	tw_mdp3_gen_volume_msg(o, l, TW_MDP3_MEI_LAST_VOLUME |
		TW_MDP3_MEI_END_OF_EVENT);
}

/* An order takes part of one side's level 1. */
static void
touch_trade(struct tw_mdp3_gen_out *o, uint32_t l, enum tw_mdp3_side taken,
		uint64_t r)
{
	struct tw_mdp3_book *b = &o->g->books[l];
	const struct tw_mdp3_level *top = tw_mdp3_book_clevels(b, taken);
	struct tw_mdp3_level took = top[0];
	struct tw_mdp3_gen_level lv;

	if (tw_mdp3_book_count(b, taken) == 0 || top[0].qty < 2)
		return;
	took.qty = (int32_t)(1 + r % (uint64_t)(top[0].qty - 1));
	took.orders = 1;
	tw_mdp3_gen_trade_msg(o, l, &took, 1, taken == TW_MDP3_SIDE_ASK ? 1 : 2,
		TW_MDP3_MEI_LAST_TRADE);
	lv = (struct tw_mdp3_gen_level){
		.side = taken, .action = TW_MDP3_CHANGE, .level = 1,
		.px = top[0].px, .qty = top[0].qty - took.qty,
		.orders = RTE_MAX(top[0].orders - (int32_t)((r >> 40) & 1), 1),
	};
	tw_mdp3_gen_book_msg(o, l, &lv, 1, TW_MDP3_MEI_LAST_QUOTE);
	tw_mdp3_gen_volume_msg(o, l, TW_MDP3_MEI_LAST_VOLUME |
		TW_MDP3_MEI_END_OF_EVENT);
}

/* One tick: instrument l's event for lib/gen's price and bits. */
static void
event(struct tw_mdp3_gen_out *o, uint32_t l, double price, uint64_t misc)
{
	struct tw_mdp3_gen *g = o->g;
	struct tw_mdp3_book *b = &g->books[l];
	struct tw_mdp3_gen_inst *in = &g->inst[l];
	double mid = price * in->ticks_per_unit, off;
	int64_t have;
	enum tw_mdp3_side side = (misc >> 8) & 1 ? TW_MDP3_SIDE_ASK :
		TW_MDP3_SIDE_BID;
	struct tw_mdp3_gen_level lv;
	unsigned int level, nl;

	if (unlikely(b->n_bid == 0 || b->n_ask == 0)) {
		/* Emptied (a side swept out): the book again, whole. */
		if (b->n_bid != 0 || b->n_ask != 0) {
			struct tw_mdp3_gen_level clr[2] = {
				{ .side = TW_MDP3_SIDE_BID,
				  .action = TW_MDP3_DELETE_THRU, .level = 1 },
				{ .side = TW_MDP3_SIDE_ASK,
				  .action = TW_MDP3_DELETE_THRU, .level = 1 },
			};

			tw_mdp3_gen_book_msg(o, l, clr, 2,
				TW_MDP3_MEI_LAST_QUOTE);
		}
		tw_mdp3_gen_build(o, l, price);
		return;
	}
	have = b->bid[0].px / in->tick;
	/*
	 * The mid a whole tick or more from the book's (between its bid and
	 * ask): an order sweeps that many levels toward it, at most 3 an
	 * event (a jump is walked over a few).
	 */
	off = mid - ((double)have + 0.5);
	if (off >= 1) {
		sweep(o, l, TW_MDP3_SIDE_ASK, (unsigned int)RTE_MIN(off, 3.0));
		return;
	}
	if (off <= -1) {
		sweep(o, l, TW_MDP3_SIDE_BID, (unsigned int)RTE_MIN(-off, 3.0));
		return;
	}
	if ((misc & 0xff) < 52) {        /* a fifth: a trade at the touch */
		touch_trade(o, l, side, misc >> 16);
		return;
	}
	nl = tw_mdp3_book_count(b, side);
	level = 1 + (unsigned int)((misc >> 16) % nl);
	lv = (struct tw_mdp3_gen_level){
		.side = side, .action = TW_MDP3_CHANGE, .level = (uint8_t)level,
		.px = tw_mdp3_book_clevels(b, side)[level - 1].px,
	};
	level_size(in, &lv.qty, &lv.orders);
	tw_mdp3_gen_book_msg(o, l, &lv, 1, TW_MDP3_MEI_LAST_QUOTE |
		TW_MDP3_MEI_END_OF_EVENT);
}

/*
 * The session opens on each channel of the emitter: every instrument's
 * definition, its status (open), then its book (New entries), on the
 * incremental feed.
 */
void
tw_mdp3_emit_open(struct tw_emitter *e, uint64_t now, uint64_t send_ns)
{
	struct tw_mdp3_gen *g = e->proto_state;
	uint32_t n = g->p.nb_channels;
	uint16_t i;

	for (i = 0; i < e->sched->nb; i++) {
		struct tw_mdp3_gen_out o = {
			.e = e, .g = g, .ch = e->sched->ch[i], .now = now,
			.send_ns = send_ns,
		};
		uint32_t l;

		for (l = o.ch; l < g->p.nb_symbols; l += n) {
			if (e->quit != NULL && *e->quit)
				return;
			tw_mdp3_gen_definition_msg(&o, l);
		}
		for (l = o.ch; l < g->p.nb_symbols; l += n)
			tw_mdp3_gen_status_msg(&o, l);
		for (l = o.ch; l < g->p.nb_symbols; l += n)
			tw_mdp3_gen_build(&o, l, e->gen->sym[l].price);
	}
}

void
tw_mdp3_emit_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns)
{
	struct tw_mdp3_gen *g = e->proto_state;
	unsigned int i = 0, run, k;
	uint16_t ch;

	RTE_SET_USED(now_ns);
	while (i < n && (run = tw_gen_sched_next(e->sched, n - i, &ch)) > 0) {
		struct tw_mdp3_gen_out o = {
			.e = e, .g = g, .ch = ch, .now = now,
		};

		for (k = 0; k < run; k++, i++) {
			uint32_t l;
			uint64_t misc;
			double price;

			o.send_ns = first_ns + i * step_ns;
			tw_gen_draw(e->gen, ch, &l, &price, &misc);
			event(&o, l, price, misc);
			e->ctr->ticks++;
			g->ticks++;
		}
	}
	if (unlikely(g->p.reset_after != 0 && !g->reset_done &&
		     g->ticks >= g->p.reset_after))
		tw_mdp3_gen_reset(e, now, first_ns + i * step_ns);
	tw_mdp3_emit_idle(e, now);
}
