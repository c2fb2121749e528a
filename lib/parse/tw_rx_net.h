/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ====================================================================
 * Layer 1 of the receive path: Ethernet, IPv4 and UDP, the fast way.
 * A frame whose first TW_RX_TMPL_LEN bytes match its channel's template
 * under the mask (one to four vector compares at a SIMD level) needs
 * only its lengths and checksums checked here; anything else is left
 * undecided for the reference checks (tw_rx_check_headers, tw_parse.c),
 * which name the reason. Either way the view comes out with the UDP
 * payload, the channel, the line and whether a server sent it.
 *
 * Needs from the level: TW_RX_HAVE_FAST_HEADERS, lvl_hdr_match(p,
 * tmpl), lvl_raw_cksum(buf, len); from the transport layer:
 * TW_RX_XPORT_HDR_LEN. Included by the composer (tw_rx_template.h).
 * Owns: L2-L4 verdicts. Never touches: the UDP payload's meaning.
 * ====================================================================
 */
#ifndef TW_RX_NET_H
#define TW_RX_NET_H

#ifndef TW_RX_XPORT_HDR_LEN
#error "include the transport layer before tw_rx_net.h"
#endif

/* Not decided by the fast path: ask the reference checks. */
#define TW_RX_UNDECIDED TW_DROP_MAX

static __rte_always_inline int
net_fast(const struct tw_rx_ctx *ctx, const uint8_t *p, uint32_t len,
		uint64_t ol_flags, struct tw_rx_view *v)
{
#if TW_RX_HAVE_FAST_HEADERS
	const struct tw_rx_feed *feed = ctx->feed;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	uint32_t l2 = feed->l2_len, ch, line;
	uint16_t ip_len, udp_len;
	uint32_t sum;

	if (unlikely(len < TW_RX_TMPL_LEN))
		return TW_RX_UNDECIDED;
	ip = (const struct rte_ipv4_hdr *)(p + l2);
	ch = rte_be_to_cpu_32(ip->dst_addr) - feed->group_base;
	line = 0;
	if (unlikely(ch >= feed->nb_channels)) {
		/* Line B's templates follow line A's. */
		ch = rte_be_to_cpu_32(ip->dst_addr) - feed->group_b;
		if (feed->lines != 2 || ch >= feed->nb_channels)
			return TW_RX_UNDECIDED;
		line = 1;
	}
	if (unlikely(!lvl_hdr_match(p, &feed->tmpl[line * feed->nb_channels +
			ch])))
		return TW_RX_UNDECIDED;
	/* Template held: IHL is 5, no fragment, UDP, group, port, and the
	 * transport's fixed bytes (MoldUDP64's session when fixed). */
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(ip_len < TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN +
			TW_RX_XPORT_HDR_LEN || l2 + ip_len > len ||
		     ip_len > feed->max_ip_len))
		return TW_RX_UNDECIDED;
	udp = (const struct rte_udp_hdr *)(ip + 1);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	if (unlikely(udp_len != ip_len - TW_IPV4_HDR_LEN))
		return TW_RX_UNDECIDED;
	if ((ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_IP_CKSUM_GOOD) {
		if ((ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
		    RTE_MBUF_F_RX_IP_CKSUM_BAD ||
		    rte_raw_cksum(ip, TW_IPV4_HDR_LEN) != 0xffff)
			return TW_RX_UNDECIDED;
	}
	/* The port's BAD verdict stands even for a zero checksum, as in
	 * the reference checks. */
	if ((ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
	    RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return TW_RX_UNDECIDED;
	if ((ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD && udp->dgram_cksum != 0) {
		/* As __rte_ipv4_udptcp_cksum, with the level's sum. */
		sum = (uint32_t)lvl_raw_cksum(udp, udp_len) +
			rte_ipv4_phdr_cksum(ip, 0);
		sum = ((sum & 0xffff0000) >> 16) + (sum & 0xffff);
		if (unlikely((uint16_t)sum != 0xffff))
			return TW_RX_UNDECIDED;
	}
	v->channel = ch;
	v->retrans = false;
	v->snapshot = false;
	v->line = (uint8_t)line;
	v->loop = TW_RX_LOOP_NONE;
	v->payload = (const uint8_t *)(udp + 1);
	v->payload_len = udp_len - TW_UDP_HDR_LEN;
	return TW_RX_ACCEPT;
#else
	RTE_SET_USED(ctx);
	RTE_SET_USED(p);
	RTE_SET_USED(len);
	RTE_SET_USED(ol_flags);
	RTE_SET_USED(v);
	return TW_RX_UNDECIDED;
#endif
}

#endif /* TW_RX_NET_H */
