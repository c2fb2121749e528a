/* SPDX-License-Identifier: BSD-3-Clause */
/* A frame's headers, built and closed, and MoldUDP64's framing
 * (tw_mold_frame.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf_core.h>
#include <rte_udp.h>

#include "tw_mold_frame.h"


void
tw_gen_session_name(char name[TW_MOLD_SESSION_LEN], uint64_t unix_ms)
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	int i;

	name[0] = 'T';
	name[1] = 'W';
	for (i = TW_MOLD_SESSION_LEN - 1; i >= 2; i--) {
		name[i] = digits[unix_ms % 36];
		unix_ms /= 36;
	}
}

int
tw_frame_params_check(const struct tw_frame_params *fp)
{
	uint32_t hi = fp->group_base >> 28;

	if (hi != 0xe)  /* 224.0.0.0/4 */
		return -EINVAL;
	if (fp->vlan > 4094)
		return -EINVAL;
	if (fp->mtu < TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN +
			TW_MOLD_BLOCK_HDR_LEN + TW_MSG_MAX_LEN ||
	    fp->mtu > 9000)
		return -EINVAL;
	return 0;
}

static void
mold_tmpl(uint8_t *hdr, const struct tw_frame_params *fp)
{
	struct tw_mold_hdr *mold = (struct tw_mold_hdr *)hdr;

	memcpy(mold->session, fp->session, TW_MOLD_SESSION_LEN);
}

static void
mold_seal(uint8_t *hdr, uint64_t seq, uint16_t count, uint64_t send_ns)
{
	struct tw_mold_hdr *mold = (struct tw_mold_hdr *)hdr;

	RTE_SET_USED(send_ns);
	mold->seq = rte_cpu_to_be_64(seq);
	mold->count = rte_cpu_to_be_16(count);
}

const struct tw_framing tw_mold_framing = {
	.name = "moldudp64",
	.hdr_len = TW_MOLD_HDR_LEN,
	.tmpl = mold_tmpl,
	.seal = mold_seal,
	.heartbeat_count = TW_MOLD_COUNT_HEARTBEAT,
	.end_of_session = true,
	.end_count = TW_MOLD_COUNT_END_OF_SESSION,
	.max_msgs = TW_PKT_MAX_MSGS,
};

void
tw_pkt_tmpl_init(struct tw_pkt_tmpl *t, const struct tw_frame_params *fp,
		uint16_t channel)
{
	tw_pkt_tmpl_init_framing(t, fp, channel, &tw_mold_framing);
}

void
tw_pkt_tmpl_init_framing(struct tw_pkt_tmpl *t,
		const struct tw_frame_params *fp, uint16_t channel,
		const struct tw_framing *fr)
{
	uint32_t group = fp->group_base + channel;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	uint16_t off = TW_ETH_HDR_LEN;

	memset(t, 0, sizeof(*t));
	tw_mcast_mac(group, &eth->dst_addr);
	rte_ether_addr_copy(&fp->src_mac, &eth->src_addr);
	if (fp->vlan != 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(t->hdr + off);

		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(fp->vlan);
		vh->eth_proto = RTE_BE16(RTE_ETHER_TYPE_IPV4);
		off += TW_VLAN_HDR_LEN;
	} else {
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	}
	t->l2_len = off;

	ip = (struct rte_ipv4_hdr *)(t->hdr + off);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = fp->ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(fp->src_ip);
	ip->dst_addr = rte_cpu_to_be_32(group);
	off += TW_IPV4_HDR_LEN;

	udp = (struct rte_udp_hdr *)(t->hdr + off);
	udp->src_port = rte_cpu_to_be_16(fp->src_port);
	udp->dst_port = rte_cpu_to_be_16(fp->dst_port);
	off += TW_UDP_HDR_LEN;

	t->thdr_off = off;
	fr->tmpl(t->hdr + off, fp);
	off += fr->hdr_len;

	t->hdr_len = off;
	t->max_len = t->l2_len + fp->mtu;
	t->prefix_self = fr->prefix_self;
	t->prefix_le = fr->prefix_le;
}

uint16_t
tw_pkt_close(struct tw_pkt_builder *b, const struct tw_pkt_tmpl *t,
		uint16_t mold_count, enum tw_csum_mode csum)
{
	mold_seal(b->buf + t->thdr_off, b->first_seq, mold_count, 0);
	return tw_pkt_close_ip(b, t, csum);
}

uint16_t
tw_pkt_close_ip(struct tw_pkt_builder *b, const struct tw_pkt_tmpl *t,
		enum tw_csum_mode csum)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b->buf + t->l2_len);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t len = b->len;

	ip->total_length = rte_cpu_to_be_16(len - t->l2_len);
	udp->dgram_len = rte_cpu_to_be_16(len - t->l2_len - TW_IPV4_HDR_LEN);
	ip->hdr_checksum = 0;
	udp->dgram_cksum = 0;
	if (csum == TW_CSUM_SOFTWARE) {
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else {
		udp->dgram_cksum = rte_ipv4_phdr_cksum(ip,
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
			RTE_MBUF_F_TX_UDP_CKSUM);
	}
	b->buf = NULL;
	return len;
}
