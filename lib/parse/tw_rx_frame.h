/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * Public, for protocol libraries that build their RX burst from lib/
 * parse's frame template (tw_rx_template.h; lib/itch does): the checked
 * view of a frame, the reference header checks, the recovery client's
 * entry points the template calls (lib/moldudp64/tw_mold_client.c),
 * the per-level kernels' prototypes,
 * small tables. Applications use tw_parse.h; nothing here is stable
 * beyond what the template needs.
 * ====================================================================
 */
#ifndef TW_RX_FRAME_H
#define TW_RX_FRAME_H

#include <rte_branch_prediction.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tw_parse.h"

/* The layers above Ethernet that a frame carries, once checked. */
struct tw_rx_view {
	/* Layer 1 (L2-L4): the UDP payload, and where it came from. */
	const uint8_t *payload;
	uint32_t payload_len;
	/* Layer 2 (the transport's, MoldUDP64): its header, the blocks. */
	const struct tw_mold_hdr *mold;
	const uint8_t *blocks;
	uint32_t blocks_len;
	uint32_t channel;
	bool retrans;           /* unicast from the channel's server */
	bool snapshot;          /* unicast from its snapshot server */
	uint8_t line;           /* 0: line A, 1: line B */
	uint8_t loop;           /* TW_RX_LOOP_*: which feed of the channel */
};

/* A channel's feeds besides its incremental one (MDP 3.0's loops). */
#define TW_RX_LOOP_NONE         0       /* the incremental feed (A or B) */
#define TW_RX_LOOP_SNAPSHOT     1       /* feed->snap_group + channel */
#define TW_RX_LOOP_DEFINITION   2       /* feed->def_group + channel */

/*
 * Requests go to the configured server (feed->server_ip); its MAC is the
 * one configured, else learnt from frame f when f comes from that address
 * (lib/moldudp64/tw_mold_client.c).
 */
void tw_rx_learn_server(const struct tw_rx_ctx *ctx,
		struct tw_channel_state *ch, const uint8_t *f);

/*
 * A gap given up at now_ns: counted, and the symbols of its channel
 * marked stale in the cache (their state may miss what it held).
 */
void tw_rx_gap_lost(struct tw_rx_ctx *ctx, uint32_t channel,
		const struct tw_gap *g);

/*
 * Two lines: a data frame at seq on line `line` applied first (won) or
 * came second (not won: its arrival skew is recorded when the first
 * copy is still remembered).
 */
void tw_rx_line_frame(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		uint32_t line, uint64_t seq, bool won, uint64_t now_ns);

/* A channel whose end of session waited for its gaps: ended now? */
void tw_rx_end_if_complete(struct tw_rx_ctx *ctx,
		struct tw_channel_state *ch);

/*
 * An end of session at end, ahead of the channel: the tail [expected,
 * end) may be lost. Asked for like a gap (one, extended), it is filled
 * by frames in order; the end itself comes again.
 */
void tw_rx_tail_gap(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t end,
		uint64_t now_ns);

/* The channel moved on from before: tails it passed are filled. */
void tw_rx_gaps_passed(struct tw_rx_ctx *ctx, uint32_t channel,
		uint64_t before, uint64_t now_ns);

/* The session ends at seq: tails asked for past it were never there. */
void tw_rx_gaps_from(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t seq);

/*
 * The channel joined late (its first frame after `before` messages it
 * never saw): not a loss. With snapshots, one is wanted; without, the
 * channel's symbols are stale (their history was never seen).
 */
void tw_rx_late_join(struct tw_rx_ctx *ctx, uint32_t channel,
		uint64_t before, uint64_t now_ns);

/* The directory's verdict on d: a drop reason, or TW_RX_ACCEPT. */
int tw_rx_directory_verdict(const struct tw_cache *cache,
		const struct tw_directory *d);

/* The drop reason of a directory error (tw_cache_directory_check's or
 * tw_cache_set_directory's), or TW_RX_ACCEPT for 0. */
int tw_rx_directory_reason(int rc);

/* A snapshot of the channel is wanted (a late join, or a lost gap). */
void tw_rx_want_snapshot(struct tw_rx_ctx *ctx, uint32_t channel,
		uint64_t now_ns);

/* A checked snapshot frame of v->channel, state at seq: taken in. */
void tw_rx_snapshot(struct tw_rx_ctx *ctx, const struct tw_rx_view *v,
		uint64_t seq, uint32_t count, uint64_t now_ns);

/* A new gap [first, end) on channel, seen in the current frame. */
void tw_rx_gap_open(struct tw_rx_ctx *ctx, uint32_t channel,
		uint64_t first, uint64_t end, uint64_t now_ns);

/* Gap gi of the channel was filled whole at now_ns. */
void tw_rx_gap_filled(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		uint32_t gi, uint64_t now_ns);

/*
 * A retransmission took the front of gap g: the server answers a
 * request with [recovery] max_packets packets at most (one by default,
 * never a multiple of the request), so once what was asked for is in,
 * or as many packets as the server sends for one request, the rest is
 * asked for at once; progress starts the gap's tries and time again.
 */
void tw_rx_fill_progress(struct tw_rx_ctx *ctx, struct tw_gap *g,
		uint64_t now_ns);

/* No drop reason: the frame (or its blocks) passed every check. */
#define TW_RX_ACCEPT (-1)

/* The reference header checks (tw_parse.c): a drop reason, or TW_RX_ACCEPT. */
int tw_rx_check_headers(const struct tw_rx_ctx *ctx, const uint8_t *p,
		uint32_t len, uint64_t ol_flags, struct tw_rx_view *v);

/*
 * A directory message (checked as a block already) against the
 * directory's rules: a drop reason, or TW_RX_ACCEPT (tw_parse.c).
 */
int tw_rx_check_directory(const struct tw_cache *cache, const uint8_t *m);

/*
 * A context over a protocol's own burst, composed at the scalar level
 * only (lib/itch's, tests/protocol_echo's): its rx_init. 0 or -errno.
 */
int tw_rx_ctx_init_scalar(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, tw_rx_burst_t burst);

TW_SIMD_DECLARE(void, tw_rx_burst, (struct tw_rx_ctx *ctx,
	struct rte_mbuf **pkts, uint16_t n, uint64_t now_ns));
TW_SIMD_DECLARE(uint16_t, tw_rx_raw_cksum, (const void *buf, uint32_t len));

/*
 * Wire length by message type, 0 for types we do not define: a load
 * instead of a branch on a type that is random message to message.
 */
static const uint8_t tw_rx_msg_len[256] = {
	[TW_MSG_DIRECTORY] = TW_MSG_DIRECTORY_LEN,
	[TW_MSG_QUOTE] = TW_MSG_QUOTE_LEN,
	[TW_MSG_TRADE] = TW_MSG_TRADE_LEN,
};

/*
 * A packet's latency sample, from the send time its message layer read
 * (send_ns) to now_ns, its lateness late (TW_LATE_UNIT_NS units): counted
 * negative when stamped after now, out of range past the feed's
 * max_latency_ns (no sane send time: 0, or a clock far off), else
 * recorded, and kept for the poll step's spans. Every message layer's
 * msg_pkt_end ends with it.
 */
static __rte_always_inline void
tw_rx_lat_sample(struct tw_rx_ctx *ctx, uint64_t send_ns, uint16_t late,
		uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	uint64_t lat;

	if (unlikely(now_ns < send_ns)) {
		ctr->lat_negative++;
		return;
	}
	lat = now_ns - send_ns;
	if (unlikely(lat > ctx->feed->max_latency_ns)) {
		ctr->lat_out_of_range++;
		return;
	}
	ctr->lat_samples++;
	ctr->lat_sum_ns += lat;
	if (lat > ctr->lat_max_ns)
		ctr->lat_max_ns = lat;
	if (ctx->lat != NULL)
		tw_hist_record(ctx->lat, lat);
	if (ctx->sent != NULL && ctx->nb_sent < ctx->sent_cap) {
		ctx->late[ctx->nb_sent] = late;
		ctx->sent[ctx->nb_sent++] = send_ns;
	}
}

/* The drop reason of a sequencer's refusal (tw_channel_admit). */
static inline int
tw_rx_admit_drop(enum tw_admit verdict)
{
	static const uint8_t reason[] = {
		[TW_ADMIT_DUPLICATE] = TW_DROP_DUPLICATE,
		[TW_ADMIT_FAR] = TW_DROP_SEQ_FAR,
		[TW_ADMIT_BAD_SEQ] = TW_DROP_BAD_SEQ,
	};

	return reason[verdict];
}

/*
 * Every symbol of the channel may miss an update now (a gap given up, a
 * late join, a packet lost with no recovery): marked stale in the cache
 * until a snapshot restores it.
 */
static inline void
tw_rx_channel_stale(struct tw_rx_ctx *ctx, uint32_t channel)
{
	uint32_t l;

	for (l = channel; l < ctx->cache->nb_symbols;
	     l += ctx->feed->nb_channels)
		tw_cache_mark_stale(ctx->cache, l);
}

/*
 * A message's symbol: inside the cache and of the channel it came on
 * (locate % channels, without a division). A drop reason, or
 * TW_RX_ACCEPT. Every message layer's msg_check asks it.
 */
static __rte_always_inline int
tw_rx_locate_verdict(const struct tw_rx_ctx *ctx, uint32_t locate,
		uint32_t channel)
{
	const struct tw_rx_feed *feed = ctx->feed;

	if (unlikely(locate >= ctx->cache->nb_symbols))
		return TW_DROP_BAD_LOCATE;
	if (unlikely(locate - rte_reciprocal_divide(locate, feed->chan_div) *
			feed->nb_channels != channel))
		return TW_DROP_WRONG_CHANNEL;
	return TW_RX_ACCEPT;
}

/* The context may write this channel (its RX lcore owns it). */
static inline bool
tw_rx_owns(const struct tw_rx_ctx *ctx, uint32_t channel)
{
	return (ctx->owned[channel / 64] >> (channel % 64)) & 1;
}

/* Fold a 64-bit one's complement partial sum to rte_raw_cksum's form. */
static inline uint16_t
tw_cksum_fold64(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return __rte_raw_cksum_reduce((uint32_t)sum);
}

#endif /* TW_RX_FRAME_H */
