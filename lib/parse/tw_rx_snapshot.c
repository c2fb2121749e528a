/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receiver's snapshots: a channel that wants its whole state (a
 * late join, a gap the store no longer holds), the snapshot frames
 * checked whole and staged per symbol, and the restore once all of it
 * is in, after which the channel goes on from the snapshot's sequence.
 * Owns the snapshot state of a channel and the staging area; never
 * touches the gap timers (lib/moldudp64/tw_mold_client.c) beyond
 * opening the gap of what came after the snapshot.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "tw_rx_frame.h"

void
tw_rx_want_snapshot(struct tw_rx_ctx *ctx, uint32_t channel,
		uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];

	if (ch->snap_state != 0)
		return;
	ch->snap_state = 1;
	ch->snap_requests = 0;
	ch->snap_tries = 0;
	ch->snap_seq = 0;
	ch->snap_got = 0;
	ch->snap_next_ns = now_ns;
	ch->snap_since_ns = now_ns;
	ctx->ctr->snaps_wanted++;
	ctx->ctr->asks_now++;        /* the lcore asks at once */
}

void
tw_rx_late_join(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t before,
		uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];

	ch->ctr.late_joins++;
	ch->ctr.msgs_before_join += before;
	/* Its snapshot request goes to the server from the start. */
	tw_rx_learn_server(ctx, ch, ctx->cur_frame);
	/* Their history was never seen: stale, until a snapshot (if one
	 * is asked for and comes) restores each. */
	tw_rx_channel_stale(ctx, channel);
	if (ctx->feed->snapshot_port != 0 && ctx->feed->rerequest)
		tw_rx_want_snapshot(ctx, channel, now_ns);
}

/*
 * A snapshot's block: type 'S', its size, a locate of the channel, a
 * ticker the directory's rules allow. A drop reason or TW_RX_ACCEPT.
 */
static int
snapshot_block_check(const struct tw_rx_ctx *ctx, const uint8_t *b,
		uint32_t left, uint32_t channel, struct tw_snapshot *sn)
{
	uint16_t mlen;

	if (left < TW_MOLD_BLOCK_HDR_LEN)
		return TW_DROP_BAD_MSG_LEN;
	mlen = tw_be16_load(b);
	if (mlen != TW_MSG_SNAPSHOT_LEN ||
	    left < TW_MOLD_BLOCK_HDR_LEN + (uint32_t)mlen)
		return TW_DROP_BAD_MSG_LEN;
	if (b[TW_MOLD_BLOCK_HDR_LEN] != TW_MSG_SNAPSHOT)
		return TW_DROP_BAD_MSG_TYPE;
	tw_decode_snapshot(b + TW_MOLD_BLOCK_HDR_LEN, sn);
	if (sn->locate >= ctx->cache->nb_symbols)
		return TW_DROP_BAD_LOCATE;
	if (sn->locate % ctx->feed->nb_channels != channel)
		return TW_DROP_WRONG_CHANNEL;
	if (sn->known) {
		struct tw_directory d = {
			.locate = sn->locate,
			.price_decimals = sn->price_decimals,
		};

		memcpy(d.ticker, sn->ticker, TW_TICKER_LEN);
		return tw_rx_directory_verdict(ctx->cache, &d);
	}
	return TW_RX_ACCEPT;
}

/* The snapshot is all in: the channel goes on from its sequence. */
static void
snapshot_complete(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint64_t at = ch->snap_seq;
	uint32_t l;

	/* What was missing before it is in it. */
	while (ch->nb_gaps > 0) {
		struct tw_gap *g = &ch->missing[0];

		ch->ctr.gaps_filled++;
		if (ctx->fill_hist != NULL && now_ns >= g->detected_ns)
			tw_hist_record(ctx->fill_hist, now_ns - g->detected_ns);
		tw_gaps_remove(ch, 0);
		ctx->ctr->gaps_open--;
	}
	for (l = channel; l < ctx->cache->nb_symbols;
	     l += ctx->feed->nb_channels) {
		struct tw_rx_side *side = &ctx->side[l];

		if (side->snap_seq != at) {
			/* Not in it: no state at its sequence. */
			side->staged = (struct tw_snapshot){ .locate = l };
			side->snap_seq = at;
		}
		if (side->staged.known) {
			struct tw_directory d = {
				.locate = l,
				.price_decimals = side->staged.price_decimals,
			};

			memcpy(d.ticker, side->staged.ticker, TW_TICKER_LEN);
			if (tw_cache_set_directory(ctx->cache, &d) == 0)
				ctx->ctr->directories++;
		}
		/* Back to the snapshot's state, stale mark cleared. */
		tw_cache_restore(ctx->cache, &side->staged, now_ns);
		/* Fills after it merge against it, not older state. */
		side->quote_seq = 0;
		side->trade_seq = 0;
	}
	ch->snap_state = 0;
	ch->ctr.snapshots++;
	ctx->ctr->snaps_wanted--;
	if (ch->expected > at)
		/* The live data since was not applied: ask for it. */
		tw_rx_gap_open(ctx, channel, at, ch->expected, now_ns);
	else
		ch->expected = at;
	if (ch->end_pending != 0 && ch->end_pending < ch->expected)
		ch->end_pending = 0;
	tw_rx_end_if_complete(ctx, ch);
}

void
tw_rx_snapshot(struct tw_rx_ctx *ctx, const struct tw_rx_view *v,
		uint64_t seq, uint32_t count, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[v->channel];
	struct tw_snapshot sn;
	const uint8_t *b = v->blocks;
	uint32_t left = v->blocks_len, i;
	int reason;

	if (ch->snap_state == 0 || ctx->side == NULL) {
		ctx->ctr->drops[TW_DROP_SNAPSHOT_UNASKED]++;
		return;
	}
	/* Checked whole first: a bad frame restores nothing. */
	for (i = 0; i < count; i++) {
		reason = snapshot_block_check(ctx, b, left, v->channel, &sn);
		if (reason != TW_RX_ACCEPT) {
			ctx->ctr->drops[reason]++;
			return;
		}
		b += TW_MOLD_BLOCK_HDR_LEN + TW_MSG_SNAPSHOT_LEN;
		left -= TW_MOLD_BLOCK_HDR_LEN + TW_MSG_SNAPSHOT_LEN;
	}
	if (left != 0 || count == 0 || seq == 0 || seq > TW_SEQ_MAX) {
		ctx->ctr->drops[TW_DROP_BAD_MSG_LEN]++;
		return;
	}
	/* Bounded like the live feed: no further ahead of what the channel
	 * has seen than a jump it would take. */
	if (seq > ch->expected && seq - ch->expected > ctx->feed->max_gap) {
		ctx->ctr->drops[TW_DROP_SNAPSHOT_FAR]++;
		return;
	}
	/* Another snapshot than the one being taken in: start over. */
	if (ch->snap_seq != seq) {
		ch->snap_seq = seq;
		ch->snap_got = 0;
		ch->snap_total = 0;
	}
	ctx->ctr->pkts_accepted++;
	b = v->blocks;
	for (i = 0; i < count; i++) {
		struct tw_rx_side *side;

		tw_decode_snapshot(b + TW_MOLD_BLOCK_HDR_LEN, &sn);
		b += TW_MOLD_BLOCK_HDR_LEN + TW_MSG_SNAPSHOT_LEN;
		side = &ctx->side[sn.locate];
		/* Staged: the cache changes only once all of it is in. */
		side->staged = sn;
		ch->snap_total = sn.total;
		if (side->snap_seq != seq) {
			side->snap_seq = seq;
			ch->snap_got++;
		}
	}
	if (ch->snap_got >= ch->snap_total)
		snapshot_complete(ctx, v->channel, now_ns);
}

