/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "tw_order.h"

uint16_t
tw_order_frame(uint8_t *buf, const struct tw_order_reply *r,
		const struct rte_ether_addr *src_mac, uint32_t src_ip)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t udp_len = TW_UDP_HDR_LEN + TW_MSG_ORDER_LEN;

	rte_ether_addr_copy(&r->src_mac, &eth->dst_addr);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(TW_IPV4_HDR_LEN + udp_len);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src_ip);
	ip->dst_addr = rte_cpu_to_be_32(r->src_ip);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = RTE_BE16(TW_ORDER_PORT);
	udp->dst_port = RTE_BE16(TW_ORDER_PORT);
	udp->dgram_len = rte_cpu_to_be_16(udp_len);
	udp->dgram_cksum = 0;
	tw_encode_order((uint8_t *)(udp + 1), &r->order);
	return TW_ORDER_FRAME_LEN;
}

int
tw_order_from_frame(const uint8_t *frame, uint32_t len, struct tw_order *o)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)frame;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);
	const uint8_t *p = (const uint8_t *)(udp + 1);

	if (len < (uint32_t)(p - frame) + TW_MSG_ORDER_LEN ||
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    ip->next_proto_id != IPPROTO_UDP ||
	    udp->dst_port != RTE_BE16(TW_ORDER_PORT) ||
	    rte_be_to_cpu_16(udp->dgram_len) <
		TW_UDP_HDR_LEN + TW_MSG_ORDER_LEN ||
	    p[0] != TW_MSG_ORDER)
		return -EINVAL;
	tw_decode_order(p, o);
	return 0;
}
