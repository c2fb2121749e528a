/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lib/parse's dispatch and reference: the drop reasons' names, the
 * scalar header checks every SIMD level is held to, the feed's header
 * templates, the directory's verdicts, a context's set-up and the SIMD
 * level chosen for its bursts. The frame walk itself is the template
 * (tw_rx_template.h) compiled per level; the recovery client is the
 * transport's (lib/moldudp64/tw_mold_client.c), the snapshots
 * tw_rx_snapshot.c.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tw_rx_frame.h"

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
	[TW_DROP_BAD_XPORT_HDR] = "bad_transport_hdr",
	[TW_DROP_MDP3_BLOCK_SHORT] = "mdp3_block_short",
	[TW_DROP_MDP3_GROUP_OVER] = "mdp3_group_over",
	[TW_DROP_MDP3_BAD_SCHEMA] = "mdp3_bad_schema",
	[TW_DROP_MDP3_BAD_VERSION] = "mdp3_bad_version",
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
	v->loop = TW_RX_LOOP_NONE;
	if (feed->lines == 2 && v->channel >= feed->nb_channels &&
	    group - feed->group_b < feed->nb_channels) {
		v->channel = group - feed->group_b;
		v->line = 1;
	}
	if (v->channel >= feed->nb_channels) {
		/* MDP 3.0: channel c's snapshot and definition loops. */
		if (feed->snap_group != 0 &&
		    group - feed->snap_group < feed->nb_channels) {
			v->channel = group - feed->snap_group;
			v->loop = TW_RX_LOOP_SNAPSHOT;
		} else if (feed->def_group != 0 &&
			   group - feed->def_group < feed->nb_channels) {
			v->channel = group - feed->def_group;
			v->loop = TW_RX_LOOP_DEFINITION;
		}
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
	/* What the payload holds is the transport layer's to check. */
	v->payload = p + off;
	v->payload_len = udp_len - TW_UDP_HDR_LEN;
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

int
tw_rx_ctx_init_scalar(struct tw_rx_ctx *ctx, const struct tw_rx_feed *feed,
		struct tw_cache *cache, struct tw_channel_state *channels,
		struct tw_rx_counters *ctr, tw_rx_burst_t burst)
{
	int rc = tw_rx_ctx_init(ctx, feed, cache, channels, ctr,
		TW_SIMD_SCALAR);

	if (rc != 0)
		return rc;
	ctx->burst = burst;
	return 0;
}

/* ---- recovery: gaps of a channel, filled or given up ---- */
