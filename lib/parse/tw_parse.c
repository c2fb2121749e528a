/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tw_parse_private.h"

static const char *const drop_names[TW_DROP_MAX] = {
	[TW_DROP_RUNT] = "runt",
	[TW_DROP_SEGMENTED] = "segmented",
	[TW_DROP_NOT_IPV4] = "not_ipv4",
	[TW_DROP_BAD_VLAN] = "bad_vlan",
	[TW_DROP_BAD_ETH_DST] = "bad_eth_dst",
	[TW_DROP_BAD_IP_VERSION] = "bad_ip_version",
	[TW_DROP_BAD_IP_HDR_LEN] = "bad_ip_hdr_len",
	[TW_DROP_BAD_IP_TOTAL_LEN] = "bad_ip_total_len",
	[TW_DROP_IP_FRAGMENT] = "ip_fragment",
	[TW_DROP_BAD_IP_CSUM] = "bad_ip_csum",
	[TW_DROP_NOT_UDP] = "not_udp",
	[TW_DROP_BAD_UDP_LEN] = "bad_udp_len",
	[TW_DROP_BAD_UDP_CSUM] = "bad_udp_csum",
	[TW_DROP_NOT_SUBSCRIBED] = "not_subscribed",
	[TW_DROP_BAD_MOLD_HDR] = "bad_mold_hdr",
	[TW_DROP_BAD_SESSION] = "bad_session",
	[TW_DROP_BAD_MSG_LEN] = "bad_msg_len",
	[TW_DROP_BAD_MSG_TYPE] = "bad_msg_type",
	[TW_DROP_BAD_LOCATE] = "bad_locate",
	[TW_DROP_DUPLICATE] = "duplicate",
	[TW_DROP_WRONG_CHANNEL] = "wrong_channel",
	[TW_DROP_NOT_OWNER] = "not_owner",
	[TW_DROP_SEQ_FAR] = "seq_far_ahead",
	[TW_DROP_BAD_SEQ] = "bad_seq",
	[TW_DROP_BAD_END] = "bad_end_of_session",
	[TW_DROP_AFTER_END] = "after_end_of_session",
	[TW_DROP_DIR_REMAP] = "directory_remap",
	[TW_DROP_DIR_TICKER_TAKEN] = "directory_ticker_taken",
	[TW_DROP_DIR_BAD_TICKER] = "directory_bad_ticker",
	[TW_DROP_DIR_BAD_DECIMALS] = "directory_bad_decimals",
	[TW_DROP_DIR_INDEX_FULL] = "directory_index_full",
	[TW_DROP_TRUNCATED] = "truncated",
	[TW_DROP_SNAPSHOT_UNASKED] = "snapshot_unasked",
	[TW_DROP_RECOVERY_SOURCE] = "recovery_bad_source",
	[TW_DROP_FILL_UNASKED] = "fill_unasked",
	[TW_DROP_SNAPSHOT_FAR] = "snapshot_far_ahead",
	[TW_DROP_OVER_MTU] = "over_mtu",
};

const char *
tw_rx_drop_name(enum tw_rx_drop reason)
{
	return (unsigned int)reason < TW_DROP_MAX ? drop_names[reason] : "?";
}

/* Ethernet, VLAN, IPv4, UDP, group:port: a drop reason or TW_RX_ACCEPT. */
int
tw_rx_check_headers(const struct tw_rx_ctx *ctx, const uint8_t *p,
		uint32_t len, uint64_t ol_flags, struct tw_rx_view *v)
{
	const struct tw_rx_feed *feed = ctx->feed;
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	struct rte_ether_addr want_dst;
	uint32_t off = TW_ETH_HDR_LEN;
	uint16_t etype, ihl, ip_len, udp_len;
	uint32_t group;

	if (unlikely(len < TW_ETH_HDR_LEN))
		return TW_DROP_RUNT;
	etype = eth->ether_type;
	if (etype == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		const struct rte_vlan_hdr *vh =
			(const struct rte_vlan_hdr *)(p + off);

		if (unlikely(len < off + TW_VLAN_HDR_LEN))
			return TW_DROP_RUNT;
		if (feed->vlan == 0 ||
		    (rte_be_to_cpu_16(vh->vlan_tci) & 0xfff) != feed->vlan ||
		    vh->eth_proto == RTE_BE16(RTE_ETHER_TYPE_VLAN))
			return TW_DROP_BAD_VLAN;
		etype = vh->eth_proto;
		off += TW_VLAN_HDR_LEN;
	} else if (feed->vlan != 0 ||
		   etype == RTE_BE16(RTE_ETHER_TYPE_QINQ)) {
		return TW_DROP_BAD_VLAN;
	}
	if (unlikely(etype != RTE_BE16(RTE_ETHER_TYPE_IPV4)))
		return TW_DROP_NOT_IPV4;

	if (unlikely(len < off + TW_IPV4_HDR_LEN))
		return TW_DROP_RUNT;
	ip = (const struct rte_ipv4_hdr *)(p + off);
	if (unlikely((ip->version_ihl >> 4) != 4))
		return TW_DROP_BAD_IP_VERSION;
	ihl = (ip->version_ihl & 0xf) * 4;
	if (unlikely(ihl < TW_IPV4_HDR_LEN || off + ihl > len))
		return TW_DROP_BAD_IP_HDR_LEN;
	ip_len = rte_be_to_cpu_16(ip->total_length);
	/* Frames may carry padding after the datagram, never less. */
	if (unlikely(ip_len < ihl || off + ip_len > len))
		return TW_DROP_BAD_IP_TOTAL_LEN;
	if (unlikely(feed->max_ip_len != 0 && ip_len > feed->max_ip_len))
		return TW_DROP_OVER_MTU;
	if (unlikely(ip->fragment_offset &
		     RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
		return TW_DROP_IP_FRAGMENT;
	if ((ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
	    RTE_MBUF_F_RX_IP_CKSUM_BAD)
		return TW_DROP_BAD_IP_CSUM;
	if ((ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
		    RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
	    unlikely(rte_raw_cksum(ip, ihl) != 0xffff))
		return TW_DROP_BAD_IP_CSUM;
	if (unlikely(ip->next_proto_id != IPPROTO_UDP))
		return TW_DROP_NOT_UDP;
	off += ihl;

	if (unlikely(ip_len < ihl + TW_UDP_HDR_LEN))
		return TW_DROP_BAD_UDP_LEN;
	udp = (const struct rte_udp_hdr *)(p + off);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(udp_len != ip_len - ihl))
		return TW_DROP_BAD_UDP_LEN;

	group = rte_be_to_cpu_32(ip->dst_addr);
	v->channel = group - feed->group_base;
	v->retrans = false;
	v->snapshot = false;
	v->line = 0;
	if (feed->lines == 2 && v->channel >= feed->nb_channels &&
	    group - feed->group_b < feed->nb_channels) {
		v->channel = group - feed->group_b;
		v->line = 1;
	}
	if (unlikely(v->channel >= feed->nb_channels ||
		     udp->dst_port != rte_cpu_to_be_16(feed->udp_port))) {
		/*
		 * Unicast to us from channel c's request server (source port
		 * request_port + c): a retransmission.
		 */
		uint16_t sport = rte_be_to_cpu_16(udp->src_port);

		if (feed->request_port == 0 || group != feed->unicast_ip ||
		    udp->dst_port != rte_cpu_to_be_16(feed->udp_port))
			return TW_DROP_NOT_SUBSCRIBED;
		if (sport >= feed->request_port &&
		    sport - feed->request_port < feed->nb_channels) {
			v->channel = sport - feed->request_port;
			v->retrans = true;
		} else if (feed->snapshot_port != 0 &&
			   sport >= feed->snapshot_port &&
			   sport - feed->snapshot_port < feed->nb_channels) {
			v->channel = sport - feed->snapshot_port;
			v->snapshot = true;
		} else {
			return TW_DROP_NOT_SUBSCRIBED;
		}
		if (unlikely(rte_is_multicast_ether_addr(&eth->dst_addr)))
			return TW_DROP_BAD_ETH_DST;
		/* Only the server fills gaps and restores state: anyone on
		 * the segment can send to our port. */
		if (unlikely(rte_be_to_cpu_32(ip->src_addr) !=
			     feed->server_ip ||
			     (feed->server_mac_set &&
			      memcmp(eth->src_addr.addr_bytes,
				     feed->server_mac, 6) != 0)))
			return TW_DROP_RECOVERY_SOURCE;
	} else {
		tw_mcast_mac(group, &want_dst);
		if (unlikely(!rte_is_same_ether_addr(&want_dst,
				&eth->dst_addr)))
			return TW_DROP_BAD_ETH_DST;
	}

	/* A zero UDP checksum means the sender computed none (RFC 768). */
	if ((ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
	    RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return TW_DROP_BAD_UDP_CSUM;
	if ((ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	    udp->dgram_cksum != 0 &&
	    unlikely(rte_ipv4_udptcp_cksum_verify(ip, udp) != 0))
		return TW_DROP_BAD_UDP_CSUM;
	off += TW_UDP_HDR_LEN;

	if (unlikely(udp_len < TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN))
		return TW_DROP_BAD_MOLD_HDR;
	v->mold = (const struct tw_mold_hdr *)(p + off);
	v->blocks = p + off + TW_MOLD_HDR_LEN;
	v->blocks_len = udp_len - TW_UDP_HDR_LEN - TW_MOLD_HDR_LEN;
	if (unlikely(!feed->session_any &&
		     memcmp(v->mold->session, feed->session,
			    TW_MOLD_SESSION_LEN) != 0))
		return TW_DROP_BAD_SESSION;
	return TW_RX_ACCEPT;
}


/* Set a template byte range: want = value under mask. */
static void
tmpl_set(struct tw_rx_hdr_tmpl *t, unsigned int off, const void *value,
		const void *mask, unsigned int len)
{
	const uint8_t *v = value, *m = mask;
	unsigned int i;

	for (i = 0; i < len; i++) {
		t->mask[off + i] = m != NULL ? m[i] : 0xff;
		t->want[off + i] = v[i] & t->mask[off + i];
	}
}

int
tw_rx_feed_prepare(struct tw_rx_feed *feed)
{
	/* An unset bound is the largest datagram IPv4 carries. */
	if (feed->max_ip_len == 0)
		feed->max_ip_len = UINT16_MAX;
	static const uint8_t frag_mask[2] = { 0x3f, 0xff }; /* MF, offset */
	static const uint8_t zero[2];
	static const uint8_t vid_mask[2] = { 0x0f, 0xff };
	unsigned int c, ip;

	if (feed->nb_channels == 0 || feed->nb_channels > TW_RX_MAX_CHANNELS)
		return -EINVAL;
	if (feed->lines == 0)
		feed->lines = 1;
	if (feed->lines > 2 ||
	    feed->lines * feed->nb_channels > TW_RX_MAX_CHANNELS)
		return -EINVAL;
	feed->l2_len = TW_ETH_HDR_LEN + (feed->vlan ? TW_VLAN_HDR_LEN : 0);
	ip = feed->l2_len;
	/* Line A's channels, then line B's. */
	for (c = 0; c < (unsigned int)feed->lines * feed->nb_channels; c++) {
		struct tw_rx_hdr_tmpl *t = &feed->tmpl[c];
		uint32_t group = c < feed->nb_channels ? feed->group_base + c :
			feed->group_b + c - feed->nb_channels;
		rte_be32_t group_be = rte_cpu_to_be_32(group);
		rte_be16_t port_be = rte_cpu_to_be_16(feed->udp_port);
		rte_be16_t ipv4 = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		uint8_t vhl = 0x45, proto = IPPROTO_UDP;
		struct rte_ether_addr mac;

		memset(t, 0, sizeof(*t));
		tw_mcast_mac(group, &mac);
		tmpl_set(t, 0, &mac, NULL, RTE_ETHER_ADDR_LEN);
		if (feed->vlan != 0) {
			rte_be16_t tpid = RTE_BE16(RTE_ETHER_TYPE_VLAN);
			rte_be16_t tci = rte_cpu_to_be_16(feed->vlan);

			tmpl_set(t, 12, &tpid, NULL, 2);
			tmpl_set(t, 14, &tci, vid_mask, 2);
			tmpl_set(t, 16, &ipv4, NULL, 2);
		} else {
			tmpl_set(t, 12, &ipv4, NULL, 2);
		}
		tmpl_set(t, ip + offsetof(struct rte_ipv4_hdr, version_ihl),
			&vhl, NULL, 1);
		tmpl_set(t, ip + offsetof(struct rte_ipv4_hdr,
			fragment_offset), zero, frag_mask, 2);
		tmpl_set(t, ip + offsetof(struct rte_ipv4_hdr, next_proto_id),
			&proto, NULL, 1);
		tmpl_set(t, ip + offsetof(struct rte_ipv4_hdr, dst_addr),
			&group_be, NULL, 4);
		tmpl_set(t, ip + TW_IPV4_HDR_LEN +
			offsetof(struct rte_udp_hdr, dst_port), &port_be,
			NULL, 2);
		/* session = auto: each channel's session is checked later. */
		if (!feed->session_any)
			tmpl_set(t, ip + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN,
				feed->session, NULL, TW_MOLD_SESSION_LEN);
	}
	if (feed->max_gap == 0)
		feed->max_gap = TW_RX_MAX_GAP_DEFAULT;
	if (feed->session_idle_ns == 0)
		feed->session_idle_ns = TW_RX_SESSION_IDLE_NS_DEFAULT;
	if (feed->max_latency_ns == 0)
		feed->max_latency_ns = TW_RX_MAX_LATENCY_NS_DEFAULT;
	feed->chan_div = rte_reciprocal_value(feed->nb_channels);
	return 0;
}

int
tw_rx_check_directory(const struct tw_cache *cache, const uint8_t *m)
{
	struct tw_directory d;

	tw_decode_directory(m, &d);
	return tw_rx_directory_verdict(cache, &d);
}

int
tw_rx_directory_verdict(const struct tw_cache *cache,
		const struct tw_directory *d)
{
	return tw_rx_directory_reason(tw_cache_directory_check(cache, d));
}

int
tw_rx_directory_reason(int rc)
{
	switch (rc) {
	case 0:
		return TW_RX_ACCEPT;
	case -ENOSPC:
		return TW_DROP_DIR_INDEX_FULL;
	case -EDOM:
		return TW_DROP_DIR_BAD_DECIMALS;
	case -EILSEQ:
		return TW_DROP_DIR_BAD_TICKER;
	case -EEXIST:
		return TW_DROP_DIR_REMAP;
	case -EADDRINUSE:
		return TW_DROP_DIR_TICKER_TAKEN;
	default:
		return TW_DROP_BAD_LOCATE;
	}
}

void
tw_rx_ctx_own_channels(struct tw_rx_ctx *ctx, const bool *own,
		unsigned int nb)
{
	unsigned int c;

	memset(ctx->owned, 0, sizeof(ctx->owned));
	for (c = 0; c < nb && c < TW_RX_MAX_CHANNELS; c++)
		if (own[c])
			ctx->owned[c / 64] |= UINT64_C(1) << (c % 64);
}

static const tw_rx_burst_t burst_fns[TW_SIMD_MAX] =
	TW_SIMD_TABLE(tw_rx_burst);

int
tw_rx_ctx_init(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, enum tw_simd simd)
{
	tw_rx_burst_t burst = tw_simd_pick(burst_fns, simd);

	if (burst == NULL)
		return -ENOTSUP;
	*ctx = (struct tw_rx_ctx){
		.feed = feed,
		.cache = cache,
		.channels = channels,
		.ctr = ctr,
		.burst = burst,
		.simd = simd,
	};
	memset(ctx->owned, 0xff, sizeof(ctx->owned));
	return 0;
}

/* ---- recovery: gaps of a channel, filled or given up ---- */

/*
 * Requests go to the configured server (feed->server_ip); its MAC is the
 * one configured, else learnt from the channel's own frames when they
 * come from that address (a frame from elsewhere teaches nothing).
 */
static void
learn_server(const struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		const uint8_t *f)
{
	const struct tw_rx_feed *feed = ctx->feed;
	const struct rte_ipv4_hdr *ip;

	ch->server_ip = feed->server_ip;
	if (feed->server_mac_set) {
		memcpy(ch->server_mac, feed->server_mac, RTE_ETHER_ADDR_LEN);
		return;
	}
	if (f == NULL)
		return;
	ip = (const struct rte_ipv4_hdr *)(f + feed->l2_len);
	if (rte_be_to_cpu_32(ip->src_addr) == feed->server_ip)
		memcpy(ch->server_mac, f + RTE_ETHER_ADDR_LEN,
			RTE_ETHER_ADDR_LEN);
}

void
tw_rx_gap_open(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t first,
		uint64_t end, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	const uint8_t *f = ctx->cur_frame;
	struct tw_gap lost;

	learn_server(ctx, ch, f);
	tw_gaps_add(ch, first, end, now_ns, &lost);
	/* Two lines: the other may still bring it; ask only after. */
	if (ctx->feed->lines == 2)
		ch->missing[ch->nb_gaps - 1].next_req_ns = now_ns +
			ctx->feed->ab_wait_ns;
	if (lost.end != 0)
		tw_rx_gap_lost(ctx, channel, &lost);
	else
		ctx->ctr->gaps_open++;
	ctx->ctr->asks_now++;
}

void
tw_rx_gap_lost(struct tw_rx_ctx *ctx, uint32_t channel,
		const struct tw_gap *g)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint32_t l;

	ch->gaps_unrecovered++;
	ch->msgs_unrecovered += g->end - g->first;
	/* Held back at it: what came after it applies from now on. */
	if (ctx->feed->hold_back && g->first <= ch->expected &&
	    g->end > ch->expected)
		ch->expected = g->end;
	if (g->tail) {
		ch->gaps++;
		ch->gap_msgs += g->tail_msgs;
		/* The end of session was seen past it and will not come
		 * again (no server repeats it): the channel ends there,
		 * what it lacked counted above. */
		if (ch->expected >= g->first && ch->expected < g->end) {
			ch->expected = g->end;
			ch->end_pending = g->end;
		}
	}
	/* Which symbols the lost messages touched is not known: all of the
	 * channel's may be wrong now, and say so. */
	for (l = channel; l < ctx->cache->nb_symbols;
	     l += ctx->feed->nb_channels)
		tw_cache_mark_stale(ctx->cache, l);
	/* Its whole state, from the snapshot server, puts that right. */
	if (ctx->feed->snapshot_port != 0 && ctx->feed->rerequest)
		tw_rx_want_snapshot(ctx, channel, g->detected_ns);
}

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
	uint32_t l;

	ch->late_joins++;
	ch->msgs_before_join += before;
	/* Its snapshot request goes to the server from the start. */
	learn_server(ctx, ch, ctx->cur_frame);
	/* Their history was never seen: stale, until a snapshot (if one
	 * is asked for and comes) restores each. */
	for (l = channel; l < ctx->cache->nb_symbols;
	     l += ctx->feed->nb_channels)
		tw_cache_mark_stale(ctx->cache, l);
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

		ch->gaps_filled++;
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
	ch->snapshots++;
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

void
tw_rx_line_frame(struct tw_rx_ctx *ctx, struct tw_channel_state *ch,
		uint32_t line, uint64_t seq, bool won, uint64_t now_ns)
{
	unsigned int i;

	if (won) {
		ctx->ctr->line_won[line]++;
		ch->won[ch->won_next % RTE_DIM(ch->won)].seq = seq;
		ch->won[ch->won_next % RTE_DIM(ch->won)].ns = now_ns;
		ch->won[ch->won_next % RTE_DIM(ch->won)].line = line;
		ch->won_next++;
		return;
	}
	ctx->ctr->line_dups[line]++;
	for (i = 0; i < RTE_DIM(ch->won); i++)
		if (ch->won[i].seq == seq && ch->won[i].line != line &&
		    now_ns >= ch->won[i].ns) {
			ctx->ctr->line_led[ch->won[i].line]++;
			if (ctx->skew_hist != NULL)
				tw_hist_record(ctx->skew_hist,
					now_ns - ch->won[i].ns);
			ch->won[i].seq = 0;
			return;
		}
}

void
tw_rx_end_if_complete(struct tw_rx_ctx *ctx, struct tw_channel_state *ch)
{
	if (ch->end_pending == 0 || ch->nb_gaps != 0 ||
	    ch->snap_state != 0 || ch->expected != ch->end_pending)
		return;
	ch->end_pending = 0;
	ctx->ctr->end_of_session++;
	__atomic_store_n(&ch->ended, 1, __ATOMIC_RELEASE);
}

void
tw_rx_tail_gap(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t end,
		uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint32_t i;

	for (i = 0; i < ch->nb_gaps; i++)
		if (ch->missing[i].first >= ch->expected) {
			if (end > ch->missing[i].end) {
				ch->missing[i].tail_msgs +=
					end - ch->missing[i].end;
				ch->missing[i].end = end;
			}
			return;
		}
	tw_rx_gap_open(ctx, channel, ch->expected, end, now_ns);
	if (ch->nb_gaps > 0 && ch->missing[ch->nb_gaps - 1].end == end) {
		ch->missing[ch->nb_gaps - 1].tail = 1;
		ch->missing[ch->nb_gaps - 1].tail_msgs = end - ch->expected;
	}
}

void
tw_rx_gaps_from(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t seq)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint32_t i = 0;

	while (i < ch->nb_gaps) {
		if (ch->missing[i].first >= seq) {
			tw_gaps_remove(ch, i);
			ctx->ctr->gaps_open--;
		} else {
			i++;
		}
	}
}

/* Gap gi was filled whole at now_ns. */
static void
gap_filled(struct tw_rx_ctx *ctx, struct tw_channel_state *ch, uint32_t gi,
		uint64_t now_ns)
{
	const struct tw_gap *g = &ch->missing[gi];

	ch->gaps_filled++;
	if (g->tail) {          /* a lost tail after all: a gap */
		ch->gaps++;
		ch->gap_msgs += g->tail_msgs;
	}
	if (ctx->feed->lines == 2 && g->requests == 0)
		ch->gaps_covered++;
	if (g->requests > ch->requests_per_gap_max)
		ch->requests_per_gap_max = g->requests;
	if (ctx->fill_hist != NULL && now_ns >= g->detected_ns)
		tw_hist_record(ctx->fill_hist, now_ns - g->detected_ns);
	tw_gaps_remove(ch, gi);
	ctx->ctr->gaps_open--;
	tw_rx_end_if_complete(ctx, ch);
}

/* One message of a fill at sequence s: merged with newer state. */
static void
fill_one(struct tw_rx_ctx *ctx, const uint8_t *m, uint64_t s,
		uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_rx_side *side;
	struct tw_quote q;
	struct tw_trade t;
	struct tw_directory d;

	switch (m[0]) {
	case TW_MSG_QUOTE:
		tw_decode_quote(m, &q);
		side = &ctx->side[q.locate];
		tw_cache_merge_quote(ctx->cache, &q, s, side->quote_seq > s,
			now_ns);
		if (side->quote_seq < s)
			side->quote_seq = s;
		ctr->quotes++;
		break;
	case TW_MSG_TRADE:
		tw_decode_trade(m, &t);
		side = &ctx->side[t.locate];
		tw_cache_merge_trade(ctx->cache, &t, s, side->trade_seq > s,
			now_ns);
		if (side->trade_seq < s)
			side->trade_seq = s;
		ctr->trades++;
		break;
	default:
		tw_decode_directory(m, &d);
		if (tw_cache_set_directory(ctx->cache, &d) == 0)
			ctr->directories++;
		else
			ctr->drops[TW_DROP_DIR_REMAP]++;
		break;
	}
	ctr->msgs++;
}

/*
 * A retransmission took the front of a gap: the server answers a
 * request with [recovery] max_packets packets at most (one by default,
 * never a multiple of the request), so once what was asked for is in,
 * or as many packets as the server sends for one request, the rest is
 * asked for at once; progress starts the gap's tries and time again.
 */
static void
fill_progress(struct tw_rx_ctx *ctx, struct tw_gap *g, uint64_t now_ns)
{
	g->tries = 0;
	g->progress_ns = now_ns;
	if (++g->reply_pkts >= ctx->feed->reply_max_pkts ||
	    g->first >= g->asked_end) {
		g->next_req_ns = now_ns;
		ctx->ctr->asks_now++;
	}
}

void
tw_rx_gaps_passed(struct tw_rx_ctx *ctx, uint32_t channel, uint64_t before,
		uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[channel];
	uint32_t i = 0;

	while (i < ch->nb_gaps) {
		struct tw_gap *g = &ch->missing[i];

		if (g->first < before || g->first >= ch->expected) {
			i++;
			continue;
		}
		/* The messages it held came in order: recovered. */
		ch->msgs_recovered += RTE_MIN(g->end, ch->expected) - g->first;
		if (g->end <= ch->expected) {
			gap_filled(ctx, ch, i, now_ns);
			continue;
		}
		g->first = ch->expected;
		/* The feed moves through it: not a gap to give up on time
		 * (a forged end of session ahead is passed, never kept). */
		g->progress_ns = now_ns;
		g->tries = 0;
		if (ctx->feed->hold_back) {
			/*
			 * Held back, a gap grows with the live feed and is
			 * filled a request's worth at a time: progress
			 * starts its retries again, and once what was
			 * asked for is in, the rest is asked for at once.
			 */
			if (g->requests > ch->requests_per_gap_max)
				ch->requests_per_gap_max = g->requests;
			g->requests = 0;
			fill_progress(ctx, g, now_ns);
		}
		i++;
	}
}


void
tw_rx_fill(struct tw_rx_ctx *ctx, const struct tw_rx_view *v, uint64_t seq,
		uint32_t count, uint64_t now_ns)
{
	struct tw_channel_state *ch = &ctx->channels[v->channel];
	const uint8_t *b = v->blocks;
	uint64_t run_end = 0;
	uint32_t applied = 0, again = 0, i;
	bool run_ok = false;

	if (unlikely(ch->snap_state != 0)) {
		/* The snapshot, and what follows it, will bring it. */
		ch->live_skipped += count;
		ctx->ctr->pkts_accepted++;
		return;
	}

	/* A retransmission to a channel that asked for nothing and misses
	 * nothing: not a late answer, an unasked one (it could fill
	 * nothing). */
	if (v->retrans && ch->requests == 0 && ch->nb_gaps == 0) {
		ctx->ctr->drops[TW_DROP_FILL_UNASKED]++;
		return;
	}
	for (i = 0; i < count; i++) {
		uint16_t mlen = tw_be16_load(b);
		const uint8_t *m = b + TW_MOLD_BLOCK_HDR_LEN;
		uint64_t s = seq + i;

		b = m + mlen;
		if (s >= run_end) {
			/* The next run: inside one gap, or outside all. */
			int gi = ctx->side != NULL ? tw_gaps_find(ch, s) : -1;
			int rc;

			if (gi < 0) {
				run_ok = false;
				run_end = s + 1;
			} else {
				run_end = RTE_MIN(ch->missing[gi].end,
					seq + count);
				uint32_t open = ch->nb_gaps;

				rc = tw_gaps_take(ch, (uint32_t)gi, s, run_end);
				run_ok = rc >= 0;
				if (rc == 1)
					gap_filled(ctx, ch, (uint32_t)gi,
						now_ns);
				/* A fill inside a gap splits it in two. */
				if (rc == 0 && ch->nb_gaps > open)
					ctx->ctr->gaps_open++;
				else if (rc == 0)
					fill_progress(ctx,
						&ch->missing[gi], now_ns);
			}
		}
		if (!run_ok) {
			again++;
			continue;
		}
		fill_one(ctx, m, s, now_ns);
		applied++;
	}
	ch->msgs_recovered += applied;
	/* The other line's copy is no retransmission come again. */
	if (ctx->feed->lines != 2 || v->retrans)
		ch->fill_dups += again;
	if (ctx->feed->lines == 2 && !v->retrans)
		tw_rx_line_frame(ctx, ch, v->line, seq, applied != 0, now_ns);
	if (applied == 0) {
		ch->dup_pkts++;
		ch->dup_msgs += count;
		/* The other line's copy is expected, not a drop. */
		if (ctx->feed->lines != 2 || v->retrans)
			ctx->ctr->drops[TW_DROP_DUPLICATE]++;
		return;
	}
	ctx->ctr->pkts_accepted++;
}

void
tw_rx_recovery_poll(struct tw_rx_ctx *ctx, uint64_t now_ns,
		tw_rx_request_t send, void *arg)
{
	const struct tw_rx_feed *feed = ctx->feed;
	bool asking = feed->rerequest && send != NULL;
	uint32_t c, i;

	if ((ctx->ctr->gaps_open == 0 && ctx->ctr->snaps_wanted == 0) ||
	    ctx->side == NULL)
		return;
	for (c = 0; c < feed->nb_channels; c++) {
		struct tw_channel_state *ch = &ctx->channels[c];

		if ((ch->nb_gaps == 0 && ch->snap_state == 0) ||
		    !((ctx->owned[c / 64] >> (c % 64)) & 1))
			continue;
		if (ch->snap_state != 0 && now_ns >= ch->snap_next_ns) {
			/*
			 * Given up on tries, sent or not (a port that
			 * refuses them must not keep the channel waiting),
			 * and on time. The live feed applied meanwhile; the
			 * channel's symbols stay marked.
			 */
			if (!asking || ch->snap_tries > feed->gap_retries ||
			    now_ns - ch->snap_since_ns >= 4 *
				    feed->gap_timeout_ns *
				    (feed->gap_retries + 1)) {
				ch->snap_state = 0;
				ch->snapshots_failed++;
				ctx->ctr->snaps_wanted--;
				tw_rx_end_if_complete(ctx, ch);
			} else {
				/* What is staged stays: the same snapshot
				 * again completes it, another restarts. */
				ch->snap_tries++;
				if (send(arg, c, ch, 0, 0, true) == 0)
					ch->snap_requests++;
				/* A snapshot is many frames: more time. */
				ch->snap_next_ns = now_ns + 4 *
					feed->gap_timeout_ns;
			}
		}
		/* A snapshot wanted supersedes the gaps: not asked for
		 * meanwhile (their fills would be thrown away). */
		for (i = 0; ch->snap_state == 0 && i < ch->nb_gaps; ) {
			struct tw_gap *g = &ch->missing[i];
			bool held_too_long = feed->hold_back &&
				(now_ns - g->detected_ns >= feed->hold_max_ns ||
				 g->held_pkts >= feed->hold_max_pkts);

			if (now_ns < g->next_req_ns && !held_too_long) {
				i++;
				continue;
			}
			/* Tries and time since it last moved, whether its
			 * requests could be sent or not; held-back data is
			 * bounded on its own. */
			if (held_too_long ||
			    (asking && g->tries > feed->gap_retries) ||
			    now_ns - g->progress_ns >= feed->gap_timeout_ns *
				    (feed->gap_retries + 1)) {
				tw_rx_gap_lost(ctx, c, g);
				tw_gaps_remove(ch, i);
				ctx->ctr->gaps_open--;
				tw_rx_end_if_complete(ctx, ch);
				continue;
			}
			if (asking)
				g->tries++;
			if (asking && send(arg, c, ch, g->first,
				    (uint16_t)RTE_MIN(g->end - g->first,
				    (uint64_t)feed->request_max), false) == 0) {
				g->requests++;
				ch->requests++;
				g->asked_end = g->first + RTE_MIN(g->end -
					g->first, (uint64_t)feed->request_max);
				g->reply_pkts = 0;
			}
			g->next_req_ns = now_ns + feed->gap_timeout_ns;
			i++;
		}
	}
}
