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
	tw_encode_order(tw_encode_udp4(buf, src_mac, &r->src_mac, src_ip,
		r->src_ip, TW_ORDER_PORT, TW_ORDER_PORT, TW_MSG_ORDER_LEN),
		&r->order);
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
