/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RX burst of an ITCH 5.0 feed: ITCH's message layer (the checks of
 * each message and the books, tw_itch_apply.h) composed with the
 * MoldUDP64 transport layer and the L2-L4 layer by lib/parse's composer
 * (tw_rx_template.h), holding back what comes after a gap until the gap
 * is filled (TW_RX_HOLD_BACK: every message must apply in order).
 * Scalar: a book update is a hash probe and a sorted insert, not a
 * vector job.
 *
 * A frame is all or nothing as before: every block must have its
 * type's size and a stock locate of this channel before any applies.
 * Unknown types are skipped by their block length and counted; a
 * message the book refuses (unknown order, too many shares, ...) is
 * counted under its reason and changes nothing.
 *
 * The books' lines are asked for in two stages, as tickwire-itch does
 * (tw_itch_apply.h): the check pass over a frame asks for what each
 * message's fields address (its order's window slot, its book line),
 * and the apply pass, RX_AHEAD2 messages ahead of the one it applies,
 * for the price levels that order's book and side name (the window
 * slot in cache by then), unless the books are small enough to stay in
 * cache (tw_itch_books_cached). What the first stage left is kept per lcore
 * for the frame being checked (struct rx_ahead); a message applied
 * that is not the next of it (a frame held back and applied later, the
 * duplicates skipped at its start) just has no second stage.
 */
#include <string.h>

#include <rte_per_lcore.h>

#include "tw_itch_apply.h"
#include "tw_itch_rx.h"
#include "tw_rx_frame.h"

#define TW_RX_LEVEL itch
#define TW_RX_HAVE_FAST_HEADERS 0
#define TW_RX_HOLD_BACK

_Static_assert(TW_RX_BOOK_REASONS == TW_BOOK_VERDICTS,
	"tw_rx_counters.book_refused has a slot per book verdict");

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	return rte_raw_cksum(buf, len);
}

/* ---- the message layer (tw_msg_rx.h states the contract) ---- */

#define TW_RX_MSG_LAYER itch50

/* Messages of a frame the second stage follows (longer: the rest has
 * the first stage only), and how far ahead of the apply it runs. */
#define RX_AHEAD_MAX 256
#define RX_AHEAD2 6

/* The frame being checked: its messages and what their first stage
 * left, in order; next: the first not yet applied. */
struct rx_ahead {
	const uint8_t *frame;
	uint32_t n, next;
	bool levels;            /* the second stage runs (books not cached) */
	const uint8_t *m[RX_AHEAD_MAX];
	struct tw_itch_ahead a[RX_AHEAD_MAX];
};

static RTE_DEFINE_PER_LCORE(struct rx_ahead, rx_ahead);

/* The first stage for m, a message of the frame being checked. */
static __rte_always_inline void
ahead_check(const struct tw_rx_ctx *ctx, const uint8_t *m)
{
	struct rx_ahead *ra = &RTE_PER_LCORE(rx_ahead);

	/* Another frame, or the same buffer walked again: start over
	 * (and nothing kept when there will be no second stage). */
	if (ra->frame != ctx->cur_frame || (ra->n != 0 &&
	    m <= ra->m[ra->n - 1])) {
		ra->frame = ctx->cur_frame;
		ra->n = 0;
		ra->next = 0;
		ra->levels = !tw_itch_books_cached(ctx->proto_state);
	}
	if (ra->levels && ra->n < RX_AHEAD_MAX) {
		ra->m[ra->n] = m;
		tw_itch_prefetch_at(ctx->proto_state, ctx->cache, m,
			&ra->a[ra->n]);
		ra->n++;
	} else {
		tw_itch_prefetch(ctx->proto_state, ctx->cache, m);
	}
}

/* Before m applies: the second stage of the message RX_AHEAD2 on. */
static __rte_always_inline void
ahead_apply(const struct tw_rx_ctx *ctx, const uint8_t *m)
{
	struct rx_ahead *ra = &RTE_PER_LCORE(rx_ahead);
	uint32_t k = ra->next;

	if (ra->frame != ctx->cur_frame)
		return;
	while (k < ra->n && ra->m[k] < m)
		k++;
	if (k == ra->n || ra->m[k] != m)
		return;
	ra->next = k + 1;
	if (ra->levels && k + RX_AHEAD2 < ra->n)
		tw_itch_prefetch_levels(ctx->proto_state,
			&ra->a[k + RX_AHEAD2]);
}

/*
 * One message: unknown types are skipped (when applied) and counted;
 * a known one has its type's size and, unless system-wide, a stock
 * locate of this channel; a directory keeps the directory's rules.
 */
static __rte_always_inline int
msg_verdict(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint32_t channel)
{
	const struct tw_cache *cache = ctx->cache;
	uint16_t want = tw_itch_len[m[0]];
	uint32_t wl, l;
	int reason;

	if (want == 0)
		return TW_RX_ACCEPT;    /* unknown: skipped when applied */
	if (unlikely(mlen != want))
		return TW_DROP_BAD_MSG_LEN;
	wl = tw_itch_locate(m);
	if (wl == 0)
		return TW_RX_ACCEPT;    /* system-wide (S, V, W) */
	l = wl - 1;
	reason = tw_rx_locate_verdict(ctx, l, channel);
	if (unlikely(reason != TW_RX_ACCEPT))
		return reason;
	if (unlikely(m[0] == TW_ITCH_STOCK_DIRECTORY)) {
		struct tw_directory d = {
			.locate = l,
			.price_decimals = TW_ITCH_PRICE_DECIMALS,
		};

		memcpy(d.ticker, m + TW_ITCH_R_STOCK, TW_TICKER_LEN);
		reason = tw_rx_directory_verdict(cache, &d);
		if (reason != TW_RX_ACCEPT)
			return reason;
	}
	return TW_RX_ACCEPT;
}

/* A message checked; the burst's orders asked for before any applies. */
static __rte_always_inline int
msg_check(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint32_t channel)
{
	int reason = msg_verdict(ctx, m, mlen, channel);

	if (likely(reason == TW_RX_ACCEPT))
		ahead_check(ctx, m);
	return reason;
}

/* Nothing to sum per packet: the books count as they apply. */
struct msg_pkt {
	char unused;
};

static __rte_always_inline void
msg_apply(struct tw_rx_ctx *ctx, struct msg_pkt *pk, const uint8_t *m,
		uint16_t mlen, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	struct tw_itch_sink s = {
		.books = ctx->proto_state,
		.cache = ctx->cache,
		.ctr = ctx->ctr,
	};

	RTE_SET_USED(pk);
	RTE_SET_USED(mlen);
	RTE_SET_USED(channel);
	RTE_SET_USED(track);
	ahead_apply(ctx, m);
	tw_itch_apply(&s, m, seq, now_ns);
}

/*
 * One latency sample per packet, from its last message's timestamp
 * (nanoseconds since midnight: the send time when the feed is
 * tickwire's own); the books' counts of levels kept out of the ladders
 * and ladders grown copied into the lcore's counters.
 */
static __rte_always_inline void
msg_pkt_end(struct tw_rx_ctx *ctx, const struct msg_pkt *pk,
		const uint8_t *m, uint32_t applied, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	const struct tw_books *b = ctx->proto_state;
	uint64_t send_ns, ts;

	RTE_SET_USED(pk);
	ctr->msgs += applied;
	ctr->book_levels_ovf = b->ovf_levels;
	ctr->book_ladders_grown = b->lad_grown;
	if (m == NULL || tw_itch_len[m[0]] == 0)
		return;
	if (unlikely(ctx->feed->no_send_stamps)) {
		ctr->lat_not_send++;
		return;
	}
	ts = tw_itch_timestamp(m);
	if (unlikely(ts >= TW_ITCH_NS_PER_DAY)) {
		ctr->lat_out_of_range++;
		return;
	}
	send_ns = tw_itch_ns_of(ts, now_ns);
	tw_rx_lat_sample(ctx, send_ns, 0, now_ns);
}

#include "tw_mold_rx.h"
#include "tw_rx_template.h"

int
tw_itch_rx_init(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, enum tw_simd simd)
{
	RTE_SET_USED(simd);
	return tw_rx_ctx_init_scalar(ctx, feed, cache, channels, ctr,
		tw_rx_burst_itch);
}

void
tw_itch_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns)
{
	rx_frame(ctx, frame, len, ol_flags, now_ns);
}
