/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "tw_parse.h"

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
};

const char *
tw_rx_drop_name(enum tw_rx_drop reason)
{
	return (unsigned int)reason < TW_DROP_MAX ? drop_names[reason] : "?";
}

/* The layers above Ethernet that a frame carries, once checked. */
struct frame_view {
	const struct tw_mold_hdr *mold;
	const uint8_t *blocks;
	uint32_t blocks_len;
	uint32_t channel;
};

/* Ethernet, VLAN, IPv4, UDP, group:port. Returns a drop reason or -1. */
static int
check_headers(const struct tw_rx_ctx *ctx, const uint8_t *p, uint32_t len,
		uint64_t ol_flags, struct frame_view *v)
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
	if (unlikely(v->channel >= feed->nb_channels ||
		     udp->dst_port != rte_cpu_to_be_16(feed->udp_port)))
		return TW_DROP_NOT_SUBSCRIBED;
	tw_mcast_mac(group, &want_dst);
	if (unlikely(!rte_is_same_ether_addr(&want_dst, &eth->dst_addr)))
		return TW_DROP_BAD_ETH_DST;

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
	if (unlikely(memcmp(v->mold->session, feed->session,
			    TW_MOLD_SESSION_LEN) != 0))
		return TW_DROP_BAD_SESSION;
	return -1;
}

/* Every block inside the datagram, of a known type and its size. */
static int
check_blocks(const struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t len,
		uint32_t count)
{
	uint32_t off = 0, i;

	for (i = 0; i < count; i++) {
		uint16_t mlen, want;

		if (unlikely(off + TW_MOLD_BLOCK_HDR_LEN > len))
			return TW_DROP_BAD_MSG_LEN;
		mlen = rte_be_to_cpu_16(*(const rte_be16_t *)(b + off));
		off += TW_MOLD_BLOCK_HDR_LEN;
		if (unlikely(mlen == 0 || off + mlen > len))
			return TW_DROP_BAD_MSG_LEN;
		want = tw_msg_len(b[off]);
		if (unlikely(want == 0))
			return TW_DROP_BAD_MSG_TYPE;
		if (unlikely(mlen != want))
			return TW_DROP_BAD_MSG_LEN;
		if (unlikely(tw_msg_locate(b + off) >= ctx->cache->nb_symbols))
			return TW_DROP_BAD_LOCATE;
		off += mlen;
	}
	if (unlikely(off != len))
		return TW_DROP_BAD_MSG_LEN;
	return -1;
}

static inline void
drop(struct tw_rx_ctx *ctx, int reason)
{
	ctx->ctr->drops[reason]++;
}

/* Apply blocks [skip, count) of a checked packet whose first is seq. */
static void
apply_blocks(struct tw_rx_ctx *ctx, const uint8_t *b, uint32_t count,
		uint32_t skip, uint64_t seq, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	uint64_t send_ns = 0;
	uint32_t i;

	for (i = 0; i < count; i++) {
		uint16_t mlen = rte_be_to_cpu_16(*(const rte_be16_t *)b);
		const uint8_t *m = b + TW_MOLD_BLOCK_HDR_LEN;

		b = m + mlen;
		if (i < skip)
			continue;
		switch (m[0]) {
		case TW_MSG_QUOTE: {
			struct tw_quote q;

			tw_decode_quote(m, &q);
			tw_cache_update_quote(ctx->cache, &q, seq + i, now_ns);
			send_ns = q.send_ns;
			ctr->quotes++;
			break;
		}
		case TW_MSG_TRADE: {
			struct tw_trade t;

			tw_decode_trade(m, &t);
			tw_cache_update_trade(ctx->cache, &t, seq + i, now_ns);
			send_ns = t.send_ns;
			ctr->trades++;
			break;
		}
		default: {
			struct tw_directory d;

			tw_decode_directory(m, &d);
			tw_cache_set_directory(ctx->cache, &d);
			ctr->directories++;
			break;
		}
		}
	}
	ctr->msgs += count - skip;
	/* One latency sample per packet: its last tick's stamp. */
	if (send_ns == 0)
		return;         /* directory only: nothing stamped to sample */
	if (unlikely(now_ns < send_ns)) {
		ctr->lat_negative++;
	} else {
		uint64_t lat = now_ns - send_ns;

		ctr->lat_samples++;
		ctr->lat_sum_ns += lat;
		if (lat > ctr->lat_max_ns)
			ctr->lat_max_ns = lat;
	}
}

void
tw_rx_frame(struct tw_rx_ctx *ctx, const uint8_t *frame, uint32_t len,
		uint64_t ol_flags, uint64_t now_ns)
{
	struct tw_rx_counters *ctr = ctx->ctr;
	struct tw_channel_state *ch;
	struct frame_view v;
	uint64_t seq;
	uint32_t count, skip;
	int reason;

	ctr->pkts++;
	ctr->bytes += len;
	reason = check_headers(ctx, frame, len, ol_flags, &v);
	if (unlikely(reason >= 0)) {
		drop(ctx, reason);
		return;
	}
	count = rte_be_to_cpu_16(v.mold->count);
	seq = rte_be_to_cpu_64(v.mold->seq);
	ch = &ctx->channels[v.channel];

	if (unlikely(count == TW_MOLD_COUNT_END_OF_SESSION ||
		     count == TW_MOLD_COUNT_HEARTBEAT)) {
		if (unlikely(v.blocks_len != 0)) {
			drop(ctx, TW_DROP_BAD_MSG_LEN);
			return;
		}
		ctr->pkts_accepted++;
		ch->last_rx_ns = now_ns;
		tw_channel_admit(ch, seq, 0);
		if (count == TW_MOLD_COUNT_END_OF_SESSION) {
			ctr->end_of_session++;
			__atomic_store_n(&ch->ended, 1, __ATOMIC_RELEASE);
		} else {
			ctr->heartbeats++;
		}
		return;
	}

	reason = check_blocks(ctx, v.blocks, v.blocks_len, count);
	if (unlikely(reason >= 0)) {
		drop(ctx, reason);
		return;
	}
	skip = tw_channel_admit(ch, seq, count);
	if (unlikely(skip == count)) {
		drop(ctx, TW_DROP_DUPLICATE);
		return;
	}
	ctr->pkts_accepted++;
	ch->last_rx_ns = now_ns;
	apply_blocks(ctx, v.blocks, count, skip, seq, now_ns);
}

#define PREFETCH_AHEAD 4

void
tw_rx_burst(struct tw_rx_ctx *ctx, struct rte_mbuf **pkts, uint16_t n,
		uint64_t now_ns)
{
	uint16_t i;

	for (i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD],
				void *));
		if (unlikely(m->nb_segs != 1)) {
			ctx->ctr->pkts++;
			ctx->ctr->bytes += m->pkt_len;
			drop(ctx, TW_DROP_SEGMENTED);
			continue;
		}
		tw_rx_frame(ctx, rte_pktmbuf_mtod(m, const uint8_t *),
			m->data_len, m->ol_flags, now_ns);
	}
}
