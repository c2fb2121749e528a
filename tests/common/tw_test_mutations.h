/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One mutation per malformed-frame class, applied to a good untagged
 * frame of 3 quotes from tt_quote_frame(), with the drop reason the
 * parser must count. Shared by the unit tests and the capture maker.
 */
#ifndef TW_TEST_MUTATIONS_H
#define TW_TEST_MUTATIONS_H

#include "tw_test_frames.h"


typedef uint16_t (*tt_mutate_fn)(uint8_t *frame, uint16_t len);

static inline uint16_t
m_runt(uint8_t *fr, uint16_t len)
{
	return 10;
}

static inline uint16_t
m_not_ipv4(uint8_t *fr, uint16_t len)
{
	((struct rte_ether_hdr *)fr)->ether_type =
		RTE_BE16(RTE_ETHER_TYPE_IPV6);
	return len;
}

static inline uint16_t
m_bad_eth_dst(uint8_t *fr, uint16_t len)
{
	((struct rte_ether_hdr *)fr)->dst_addr.addr_bytes[5] ^= 1;
	return len;
}

static inline uint16_t
m_bad_ip_version(uint8_t *fr, uint16_t len)
{
	tt_ip(fr)->version_ihl = 0x65;
	return len;
}

static inline uint16_t
m_bad_ip_hdr_len(uint8_t *fr, uint16_t len)
{
	tt_ip(fr)->version_ihl = 0x44;
	return len;
}

static inline uint16_t
m_bad_ip_total_len(uint8_t *fr, uint16_t len)
{
	tt_ip(fr)->total_length = rte_cpu_to_be_16(len);  /* > datagram */
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_ip_fragment(uint8_t *fr, uint16_t len)
{
	tt_ip(fr)->fragment_offset = RTE_BE16(RTE_IPV4_HDR_MF_FLAG);
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_bad_ip_csum(uint8_t *fr, uint16_t len)
{
	tt_ip(fr)->hdr_checksum ^= 0x0101;
	return len;
}

static inline uint16_t
m_not_udp(uint8_t *fr, uint16_t len)
{
	tt_ip(fr)->next_proto_id = IPPROTO_TCP;
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_bad_udp_len(uint8_t *fr, uint16_t len)
{
	tt_udp(fr)->dgram_len =
		rte_cpu_to_be_16(rte_be_to_cpu_16(tt_udp(fr)->dgram_len) - 1);
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_bad_udp_csum(uint8_t *fr, uint16_t len)
{
	tt_udp(fr)->dgram_cksum ^= 0x0101;
	return len;
}

static inline uint16_t
m_not_subscribed(uint8_t *fr, uint16_t len)
{
	tt_udp(fr)->dst_port = rte_cpu_to_be_16(TT_PORT + 1);
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_bad_mold_hdr(uint8_t *fr, uint16_t len)
{
	uint16_t short_len = TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN - 1;

	tt_udp(fr)->dgram_len = rte_cpu_to_be_16(short_len);
	tt_ip(fr)->total_length =
		rte_cpu_to_be_16(TW_IPV4_HDR_LEN + short_len);
	tt_fix_checksums(fr);
	return TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + short_len;
}

static inline uint16_t
m_bad_session(uint8_t *fr, uint16_t len)
{
	tt_mold(fr)->session[0] = 'X';
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_bad_msg_len(uint8_t *fr, uint16_t len)
{
	*(rte_be16_t *)tt_first_block(fr) =
		rte_cpu_to_be_16(TW_MSG_QUOTE_LEN - 1);
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_count_overrun(uint8_t *fr, uint16_t len)
{
	tt_mold(fr)->count = rte_cpu_to_be_16(4);  /* three blocks inside */
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_bad_msg_type(uint8_t *fr, uint16_t len)
{
	tt_first_block(fr)[TW_MOLD_BLOCK_HDR_LEN] = 'Z';
	tt_fix_checksums(fr);
	return len;
}

static inline uint16_t
m_bad_locate(uint8_t *fr, uint16_t len)
{
	struct tw_wire_quote *q = (struct tw_wire_quote *)
		(tt_first_block(fr) + TW_MOLD_BLOCK_HDR_LEN);

	q->locate = rte_cpu_to_be_32(TT_SYMBOLS);
	tt_fix_checksums(fr);
	return len;
}

struct tt_malformed_case {
	const char *name;
	tt_mutate_fn mutate;
	enum tw_rx_drop reason;
};

static const struct tt_malformed_case tt_malformed[] = {
	{ "runt", m_runt, TW_DROP_RUNT },
	{ "not_ipv4", m_not_ipv4, TW_DROP_NOT_IPV4 },
	{ "bad_eth_dst", m_bad_eth_dst, TW_DROP_BAD_ETH_DST },
	{ "bad_ip_version", m_bad_ip_version, TW_DROP_BAD_IP_VERSION },
	{ "bad_ip_hdr_len", m_bad_ip_hdr_len, TW_DROP_BAD_IP_HDR_LEN },
	{ "bad_ip_total_len", m_bad_ip_total_len, TW_DROP_BAD_IP_TOTAL_LEN },
	{ "ip_fragment", m_ip_fragment, TW_DROP_IP_FRAGMENT },
	{ "bad_ip_csum", m_bad_ip_csum, TW_DROP_BAD_IP_CSUM },
	{ "not_udp", m_not_udp, TW_DROP_NOT_UDP },
	{ "bad_udp_len", m_bad_udp_len, TW_DROP_BAD_UDP_LEN },
	{ "bad_udp_csum", m_bad_udp_csum, TW_DROP_BAD_UDP_CSUM },
	{ "not_subscribed", m_not_subscribed, TW_DROP_NOT_SUBSCRIBED },
	{ "bad_mold_hdr", m_bad_mold_hdr, TW_DROP_BAD_MOLD_HDR },
	{ "bad_session", m_bad_session, TW_DROP_BAD_SESSION },
	{ "bad_msg_len", m_bad_msg_len, TW_DROP_BAD_MSG_LEN },
	{ "count_overrun", m_count_overrun, TW_DROP_BAD_MSG_LEN },
	{ "bad_msg_type", m_bad_msg_type, TW_DROP_BAD_MSG_TYPE },
	{ "bad_locate", m_bad_locate, TW_DROP_BAD_LOCATE },
};

#endif /* TW_TEST_MUTATIONS_H */
