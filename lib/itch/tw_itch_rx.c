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
 */
#include <string.h>

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

/*
 * One message: unknown types are skipped (when applied) and counted;
 * a known one has its type's size and, unless system-wide, a stock
 * locate of this channel; a directory keeps the directory's rules. The
 * burst's orders are asked for before any applies.
 */
static __rte_always_inline int
msg_check(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
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
	tw_itch_prefetch(ctx->proto_state, cache, m);
	return TW_RX_ACCEPT;
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
	tw_itch_apply(&s, m, seq, now_ns);
}

/*
 * One latency sample per packet, from its last message's timestamp
 * (nanoseconds since midnight: the send time when the feed is
 * tickwire's own).
 */
static __rte_always_inline void
msg_pkt_end(struct tw_rx_ctx *ctx, const struct msg_pkt *pk,
		const uint8_t *m, uint32_t applied, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	uint64_t send_ns, ts;

	RTE_SET_USED(pk);
	ctr->msgs += applied;
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
