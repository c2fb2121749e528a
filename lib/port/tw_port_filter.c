/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What reaches a started port's RX queues: multicast membership (the
 * address list, else allmulticast, else promiscuous), a unicast address
 * beside the port's own, and rte_flow rules steering each channel to
 * its queue. Never configures, starts or stops a port (tw_port.c), never
 * reads its counters (tw_port_report.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>

#include "tw_port.h"
#include "tw_port_private.h"
#include "tw_proto.h"

#define TW_MAX_GROUPS 256

int
tw_port_join(uint16_t port_id, uint32_t group_base, uint16_t nb,
		uint32_t group_b, struct tw_port_state *st)
{
	struct rte_ether_addr macs[2 * TW_MAX_GROUPS];
	uint16_t i, n = 0;
	int rc;

	if (nb > TW_MAX_GROUPS)
		nb = TW_MAX_GROUPS;
	for (i = 0; i < nb; i++)
		tw_mcast_mac(group_base + i, &macs[n++]);
	for (i = 0; group_b != 0 && i < nb; i++)
		tw_mcast_mac(group_b + i, &macs[n++]);
	nb = n;
	rc = rte_eth_dev_set_mc_addr_list(port_id, macs, nb);
	if (rc == 0) {
		snprintf(st->mcast_mode, sizeof(st->mcast_mode),
			"multicast address list (%u groups)", nb);
		return 0;
	}
	rc = rte_eth_allmulticast_enable(port_id);
	if (rc == 0 && rte_eth_allmulticast_get(port_id) == 1) {
		snprintf(st->mcast_mode, sizeof(st->mcast_mode),
			"allmulticast");
		return 0;
	}
	rc = rte_eth_promiscuous_enable(port_id);
	if (rc == 0) {
		snprintf(st->mcast_mode, sizeof(st->mcast_mode),
			"promiscuous");
		return 0;
	}
	/* Virtual devices such as net_ring deliver everything anyway. */
	snprintf(st->mcast_mode, sizeof(st->mcast_mode),
		"no filter (device passes all frames)");
	return 0;
}

const char *
tw_port_accept_mac(uint16_t port_id, const struct rte_ether_addr *mac)
{
	struct rte_ether_addr own;

	if (rte_eth_macaddr_get(port_id, &own) == 0 &&
	    rte_is_same_ether_addr(&own, mac))
		return "its own address";
	if (rte_eth_dev_mac_addr_add(port_id,
			(struct rte_ether_addr *)(uintptr_t)mac, 0) == 0)
		return "an added unicast address";
	if (rte_eth_promiscuous_enable(port_id) == 0 &&
	    rte_eth_promiscuous_get(port_id) == 1)
		return "promiscuous mode";
	return "nothing (the device passes all frames, or they are lost)";
}

int
tw_port_steer(uint16_t port_id, uint32_t group_base, uint16_t nb,
		uint16_t udp_port, uint16_t nb_rxq)
{
	const struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_ipv4 ip_spec, ip_mask;
	struct rte_flow_item_udp udp_spec, udp_mask;
	struct rte_flow_action_queue queue;
	struct rte_flow_item pattern[4];
	struct rte_flow_action actions[2];
	struct rte_flow_error err;
	uint16_t c;

	for (c = 0; c < nb; c++) {
		memset(&ip_spec, 0, sizeof(ip_spec));
		memset(&ip_mask, 0, sizeof(ip_mask));
		memset(&udp_spec, 0, sizeof(udp_spec));
		memset(&udp_mask, 0, sizeof(udp_mask));
		ip_spec.hdr.dst_addr = rte_cpu_to_be_32(group_base + c);
		ip_mask.hdr.dst_addr = RTE_BE32(UINT32_MAX);
		udp_spec.hdr.dst_port = rte_cpu_to_be_16(udp_port);
		udp_mask.hdr.dst_port = RTE_BE16(UINT16_MAX);
		queue.index = c % nb_rxq;
		memset(pattern, 0, sizeof(pattern));
		pattern[0].type = RTE_FLOW_ITEM_TYPE_ETH;
		pattern[1] = (struct rte_flow_item){
			.type = RTE_FLOW_ITEM_TYPE_IPV4,
			.spec = &ip_spec, .mask = &ip_mask };
		pattern[2] = (struct rte_flow_item){
			.type = RTE_FLOW_ITEM_TYPE_UDP,
			.spec = &udp_spec, .mask = &udp_mask };
		pattern[3].type = RTE_FLOW_ITEM_TYPE_END;
		actions[0] = (struct rte_flow_action){
			.type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &queue };
		actions[1] = (struct rte_flow_action){
			.type = RTE_FLOW_ACTION_TYPE_END };
		memset(&err, 0, sizeof(err));
		if (rte_flow_validate(port_id, &attr, pattern, actions,
				&err) != 0)
			return c == 0 ? -ENOTSUP : -rte_errno;
		if (rte_flow_create(port_id, &attr, pattern, actions,
				&err) == NULL) {
			PORT_LOG(ERR, "port %u: flow for channel %u: %s\n",
				port_id, c, err.message != NULL ?
				err.message : "refused");
			return -rte_errno;
		}
	}
	return 0;
}
