/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tick to trade: the order a receiver sends back for a quote that asked
 * for one, as a frame, from both sides.
 *
 * Owns: the order frame (Ethernet, IPv4, UDP to TW_ORDER_PORT, one
 * tw_wire_order), building it on the receiver and recognising it on the
 * generator, and the generator's table of outstanding requests
 * (tw_reply.h). The order message's bytes are tw_proto.h's.
 * Never touches: ports, mempools, clocks (callers pass TSC values).
 */
#ifndef TW_ORDER_H
#define TW_ORDER_H

#include <stdint.h>

#include <rte_ether.h>

#include "tw_proto.h"
#include "tw_reply.h"

/* A quote that asked for an order, and where its frame came from. */
struct tw_order_reply {
	struct tw_order order;
	struct rte_ether_addr src_mac;  /* the quote's sender */
	uint32_t src_ip;                /* host order */
};

/* Room an order frame needs: Ethernet, IPv4, UDP, one order. */
#define TW_ORDER_FRAME_LEN (TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + \
	TW_UDP_HDR_LEN + TW_MSG_ORDER_LEN)

/*
 * Build the order frame answering r into buf (TW_ORDER_FRAME_LEN bytes
 * at least): from src_mac / src_ip to the quote's sender, UDP to
 * TW_ORDER_PORT, IPv4 checksum set, UDP checksum 0 (none). Returns the
 * frame length.
 */
uint16_t tw_order_frame(uint8_t *buf, const struct tw_order_reply *r,
		const struct rte_ether_addr *src_mac, uint32_t src_ip);

/*
 * Recognise an order frame: Ethernet, IPv4 with header length 5, UDP to
 * TW_ORDER_PORT, one order. 0 with *o filled, or -EINVAL.
 */
int tw_order_from_frame(const uint8_t *frame, uint32_t len,
		struct tw_order *o);

#endif /* TW_ORDER_H */
