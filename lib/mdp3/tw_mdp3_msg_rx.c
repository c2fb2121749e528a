/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The RX burst of a CME MDP 3.0 feed: its message layer (the checks of
 * each SBE message, then tw_mdp3_apply) composed with the MDP 3.0
 * transport layer (tw_mdp3_rx.h) and the L2-L4 layer by lib/parse's
 * composer (tw_rx_template.h). Scalar: the work is per entry (a book
 * level move), not per header.
 *
 * A packet is all or nothing: every message must have a MsgSize inside
 * the packet, schema 1 at version 9 or later, a root and groups inside
 * itself and no shorter than its template's fields, before any
 * applies. Unknown templates are skipped by their size and counted.
 * What an entry means (an instrument never defined, a RptSeq jump, a
 * level the book refuses) is the apply's: counted, that instrument
 * alone stale until its snapshot; the packet's other entries apply.
 */
#include <rte_malloc.h>

#include "tw_mdp3_msg_rx.h"
#include "tw_rx_frame.h"

#define TW_RX_LEVEL mdp3
#define TW_RX_HAVE_FAST_HEADERS 0

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	return rte_raw_cksum(buf, len);
}

/* ---- the message layer (tw_msg_rx.h and tw_mdp3_rx.h's contract) ---- */

#define TW_RX_MSG_LAYER mdp3

/* The drop reason of a message's walk verdict, or TW_RX_ACCEPT. */
static __rte_always_inline int
mdp3_reason(enum tw_mdp3_verdict v, const struct tw_mdp3_msg *m)
{
	if (unlikely(m->schema_id != TW_MDP3_SCHEMA_ID))
		return TW_DROP_MDP3_BAD_SCHEMA;
	if (unlikely(m->version < TW_MDP3_SCHEMA_VERSION))
		return TW_DROP_MDP3_BAD_VERSION;
	switch (v) {
	case TW_MDP3_OK:
	case TW_MDP3_UNKNOWN:
		return TW_RX_ACCEPT;
	case TW_MDP3_BLOCK_SHORT:
	case TW_MDP3_GROUP_SHORT:
		return TW_DROP_MDP3_BLOCK_SHORT;
	case TW_MDP3_GROUP_HDR_OVER:
	case TW_MDP3_GROUP_OVER:
		return TW_DROP_MDP3_GROUP_OVER;
	default:        /* the root block past MsgSize */
		return TW_DROP_BAD_MSG_LEN;
	}
}

/* One message (its MsgSize checked by the transport: mlen >= 8). */
static __rte_always_inline int
msg_check(const struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint32_t channel)
{
	struct tw_mdp3_msg msg;

	RTE_SET_USED(ctx);
	RTE_SET_USED(channel);
	return mdp3_reason(tw_mdp3_msg_read(m, mlen, &msg), &msg);
}

struct msg_pkt {
	uint64_t sending_time;
	uint32_t applied;
};

static __rte_always_inline void
mdp3_sink(const struct tw_rx_ctx *ctx, struct tw_mdp3_sink *s)
{
	s->st = ctx->proto_state;
	s->cache = ctx->cache;
	s->ctr = ctx->ctr;
	s->recovery_hist = ctx->fill_hist;
}

static __rte_always_inline void
msg_pkt_time(struct msg_pkt *pk, uint64_t sending_time)
{
	pk->sending_time = sending_time;
}

static __rte_always_inline void
msg_apply(struct tw_rx_ctx *ctx, struct msg_pkt *pk, const uint8_t *m,
		uint16_t mlen, uint64_t seq, uint32_t channel, uint64_t now_ns,
		bool track)
{
	struct tw_mdp3_sink s;
	struct tw_mdp3_msg msg;
	enum tw_mdp3_verdict v = tw_mdp3_msg_read(m, mlen, &msg);

	RTE_SET_USED(track);
	mdp3_sink(ctx, &s);
	pk->applied += tw_mdp3_apply(&s, &msg, v, seq, channel, now_ns);
}

/* One latency sample per packet, from its SendingTime (epoch ns). */
static __rte_always_inline void
msg_pkt_end(struct tw_rx_ctx *ctx, const struct msg_pkt *pk,
		const uint8_t *m, uint32_t applied, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;

	RTE_SET_USED(m);
	RTE_SET_USED(applied);
	ctr->msgs += pk->applied;
	if (unlikely(ctx->feed->no_send_stamps)) {
		ctr->lat_not_send++;
		return;
	}
	tw_rx_lat_sample(ctx, pk->sending_time, 0, now_ns);
}

static inline void
msg_first(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t before,
		uint64_t seq, uint64_t now_ns)
{
	struct tw_mdp3_sink s;

	if (seq == before)
		return;         /* heard from its start */
	mdp3_sink(ctx, &s);
	tw_mdp3_channel_lost(&s, channel, now_ns);
}

/* Missing: lost with one line; with two, waited for on the other. */
static inline void
msg_lost(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t before,
		uint64_t seq, uint64_t now_ns)
{
	struct tw_mdp3_sink s;

	mdp3_sink(ctx, &s);
	if (ctx->feed->lines != 2)
		ctx->channels[channel].ctr.gaps_unrecovered++;
	tw_mdp3_gap_open(&s, channel, before, seq, ctx->feed->lines == 2,
		now_ns);
}

/*
 * Two lines: a packet seq of line (0, 1; 2 for a loop's: only the
 * time) came; the gaps both lines went past, or a line stayed silent
 * on for [recovery] ab_wait_us, are lost on both.
 */
static __rte_always_inline void
msg_gaps_expire(struct tw_rx_ctx *ctx, uint32_t channel, uint8_t line,
		uint64_t seq, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	struct tw_mdp3_rx_state *st = ctx->proto_state;
	struct tw_mdp3_sink s;
	uint32_t gaps;
	uint64_t missed;

	if (line < 2)
		tw_mdp3_line_seen(st, channel, line, seq, now_ns);
	if (likely(st->chan[channel].n_gaps == 0))
		return;
	mdp3_sink(ctx, &s);
	missed = tw_mdp3_gaps_expire(&s, channel, ctx->feed->ab_wait_ns,
		now_ns, &gaps);
	ch->ctr.gaps_unrecovered += gaps;
	ch->ctr.msgs_unrecovered += missed;
}

static __rte_always_inline bool
msg_missing(const struct tw_rx_ctx *ctx, uint32_t channel, uint64_t seq)
{
	return tw_mdp3_gap_missing(ctx->proto_state, channel, seq);
}

/*
 * The other line's copy of a missing packet, its messages checked:
 * applied as the live feed's (each entry by its RptSeq: what it missed
 * applies, catching up who waited for it). A ChannelReset in it came
 * after what was applied since: the channel's books are not known.
 */
static inline void
msg_fill(struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t len, uint64_t seq,
		uint32_t channel, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	struct tw_mdp3_sink s;
	uint32_t off, applied = 0;
	bool reset = false;

	mdp3_sink(ctx, &s);
	for (off = 0; off < len; off += tw_mdp3_u16(b + off))
		if (tw_mdp3_u16(b + off + TW_MDP3_MSG_OFF_TEMPLATE) ==
		    TW_MDP3_CHANNEL_RESET)
			reset = true;
	if (unlikely(reset)) {
		ctx->ctr->mdp3_fill_resets++;
		tw_mdp3_channel_lost(&s, channel, now_ns);
	} else {
		for (off = 0; off < len; ) {
			uint16_t size = tw_mdp3_u16(b + off);
			struct tw_mdp3_msg msg;
			enum tw_mdp3_verdict v = tw_mdp3_msg_read(b + off + 2,
				(uint16_t)(size - 2), &msg);

			applied += tw_mdp3_apply(&s, &msg, v, seq, channel,
				now_ns);
			off += size;
		}
	}
	ctx->ctr->msgs += applied;
	ch->ctr.msgs_recovered++;
	if (tw_mdp3_gap_filled(&s, channel, seq, now_ns)) {
		ch->ctr.gaps_filled++;
		ch->ctr.gaps_covered++;
	}
}

/* Definitions always; snapshots while the channel has stale books. */
static __rte_always_inline bool
msg_loop_wanted(const struct tw_rx_ctx *ctx, const struct tw_rx_view *v)
{
	return v->loop == TW_RX_LOOP_DEFINITION ||
		tw_mdp3_recovering(ctx->proto_state, v->channel);
}

static inline void
msg_loop_apply(struct tw_rx_ctx *ctx, const uint8_t *m, uint16_t mlen,
		uint8_t loop, uint32_t channel, uint64_t expected,
		uint64_t now_ns)
{
	struct tw_mdp3_sink s;
	struct tw_mdp3_msg msg;
	enum tw_mdp3_verdict v = tw_mdp3_msg_read(m, mlen, &msg);

	mdp3_sink(ctx, &s);
	tw_mdp3_apply_loop(&s, &msg, v, loop, channel, expected, now_ns);
}

#include "tw_mdp3_rx.h"
#include "tw_rx_template.h"

int
tw_mdp3_rx_init(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, enum tw_simd simd)
{
	RTE_SET_USED(simd);
	return tw_rx_ctx_init_scalar(ctx, feed, cache, channels, ctr,
		tw_rx_burst_mdp3);
}

void
tw_mdp3_rx_books_csv_row(const void *rx_state, uint32_t l, FILE *f)
{
	const struct tw_mdp3_rx_state *st = rx_state;

	if (st == NULL || l >= st->nb_symbols)
		return;
	tw_mdp3_book_csv_row(&st->books[l], f);
}

void
tw_mdp3_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns)
{
	rx_frame(ctx, frame, len, ol_flags, now_ns);
}
