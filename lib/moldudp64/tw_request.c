/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "tw_request.h"

uint16_t
tw_request_frame(uint8_t *buf, const struct tw_request *r,
		const struct rte_ether_addr *dst_mac, uint32_t dst_ip,
		uint16_t request_port)
{
	struct tw_mold_hdr *mold = (struct tw_mold_hdr *)tw_encode_udp4(buf,
		&r->src_mac, dst_mac, r->src_ip, dst_ip, r->src_port,
		(uint16_t)(request_port + r->channel), TW_MOLD_HDR_LEN);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + TW_ETH_HDR_LEN);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	memcpy(mold->session, r->session, TW_MOLD_SESSION_LEN);
	mold->seq = rte_cpu_to_be_64(r->seq);
	mold->count = rte_cpu_to_be_16(r->count);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return TW_REQUEST_FRAME_LEN;
}

int
tw_request_from_frame(const uint8_t *frame, uint32_t len,
		uint16_t request_port, uint16_t nb_channels,
		struct tw_request *r)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)frame;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);
	const struct tw_mold_hdr *mold = (const struct tw_mold_hdr *)(udp + 1);
	uint16_t port, ip_len;

	if (len < TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN ||
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    ip->next_proto_id != IPPROTO_UDP)
		return -ENOENT;
	port = rte_be_to_cpu_16(udp->dst_port);
	if (port < request_port || port - request_port >= nb_channels)
		return -ENOENT;
	ip_len = rte_be_to_cpu_16(ip->total_length);
	if (ip_len != TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN ||
	    len < TW_ETH_HDR_LEN + (uint32_t)ip_len ||
	    rte_be_to_cpu_16(udp->dgram_len) !=
		TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN ||
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
		RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
	    rte_ipv4_cksum(ip) != 0 ||
	    (udp->dgram_cksum != 0 &&
	     rte_ipv4_udptcp_cksum_verify(ip, udp) != 0))
		return -EINVAL;
	r->channel = (uint16_t)(port - request_port);
	memcpy(r->session, mold->session, TW_MOLD_SESSION_LEN);
	r->seq = rte_be_to_cpu_64(mold->seq);
	r->count = rte_be_to_cpu_16(mold->count);
	rte_ether_addr_copy(&eth->src_addr, &r->src_mac);
	r->src_ip = rte_be_to_cpu_32(ip->src_addr);
	r->dst_ip = rte_be_to_cpu_32(ip->dst_addr);
	r->src_port = rte_be_to_cpu_16(udp->src_port);
	return 0;
}

const char *
tw_request_verdict_name(enum tw_request_verdict v)
{
	static const char *const names[TW_REQ_MAX] = {
		[TW_REQ_SERVED] = "served",
		[TW_REQ_MALFORMED] = "malformed",
		[TW_REQ_BAD_SOURCE] = "bad_source",
		[TW_REQ_RATE_LIMITED] = "rate_limited",
		[TW_REQ_BAD_SESSION] = "bad_session",
		[TW_REQ_BAD_SEQ] = "bad_seq",
		[TW_REQ_FUTURE] = "future",
		[TW_REQ_EXPIRED] = "expired",
		[TW_REQ_NO_MBUF] = "no_mbuf",
		[TW_REQ_OVER_BUDGET] = "over_budget",
		[TW_REQ_OTHER_SERVER] = "other_server",
	};

	return (unsigned int)v < TW_REQ_MAX ? names[v] : "?";
}

void
tw_rate_limit_init(struct tw_rate_limit *rl, uint64_t hz, uint32_t per_s,
		uint32_t burst)
{
	memset(rl, 0, sizeof(*rl));
	if (per_s == 0)
		return;
	/* Rounded up: never more than per_s a second, whatever hz is. */
	rl->interval = RTE_MAX((hz + per_s - 1) / per_s, UINT64_C(1));
	rl->tolerance = (uint64_t)(RTE_MAX(burst, 1u) - 1) * rl->interval;
}

void
tw_rate_limit_total(struct tw_rate_limit *rl, uint64_t hz,
		uint32_t total_per_s, uint32_t burst)
{
	rl->total_interval = 0;
	rl->total_tolerance = 0;
	rl->total_tat = 0;
	if (total_per_s == 0)
		return;
	rl->total_interval = RTE_MAX((hz + total_per_s - 1) / total_per_s,
		UINT64_C(1));
	rl->total_tolerance = (uint64_t)(RTE_MAX(burst, 1u) - 1) *
		rl->total_interval;
}

/* ip's slot, or a slot it may take (free, or a budget whole again);
 * -1 when every slot it may use holds a source still spending. */
static int
rate_slot(struct tw_rate_limit *rl, uint32_t ip, uint64_t now)
{
	/* Fibonacci hashing: the top bits of ip * 2^32 / phi. */
	unsigned int h = (uint32_t)(ip * UINT32_C(2654435769)) >> 22;
	int spare = -1;
	unsigned int i;

	for (i = 0; i < TW_RATE_WAYS; i++) {
		unsigned int k = (h + i) % TW_RATE_SLOTS;

		if (rl->slot[k].used && rl->slot[k].ip == ip)
			return (int)k;
		if (spare < 0 && (!rl->slot[k].used ||
				  rl->slot[k].tat <= now))
			spare = (int)k;
	}
	if (spare >= 0) {
		rl->slot[spare].ip = ip;
		rl->slot[spare].used = 1;
		rl->slot[spare].tat = now;
	}
	return spare;
}

bool
tw_rate_limit_allow(struct tw_rate_limit *rl, uint32_t ip, uint64_t now)
{
	uint64_t tat = 0, total = 0;
	int k = -1;

	if (rl->interval != 0) {
		k = rate_slot(rl, ip, now);
		if (k < 0) {
			rl->no_slot++;
			return false;
		}
		tat = RTE_MAX(rl->slot[k].tat, now);
		if (tat - now > rl->tolerance)
			return false;
	}
	if (rl->total_interval != 0) {
		total = RTE_MAX(rl->total_tat, now);
		if (total - now > rl->total_tolerance)
			return false;
		rl->total_tat = total + rl->total_interval;
	}
	if (k >= 0)
		rl->slot[k].tat = tat + rl->interval;
	return true;
}

void
tw_reply_budget_init(struct tw_reply_budget *b, uint64_t hz,
		uint64_t bytes_per_s, uint64_t burst_bytes)
{
	memset(b, 0, sizeof(*b));
	b->hz = hz;
	b->bytes_per_s = bytes_per_s;
	/* In 128 bits: a burst of GiBs at a GHz clock overflows 64. */
	if (bytes_per_s != 0)
		b->depth = (uint64_t)((unsigned __int128)burst_bytes * hz /
			bytes_per_s);
}

bool
tw_reply_budget_take(struct tw_reply_budget *b, uint32_t len, uint64_t now)
{
	uint64_t tat, cost;

	if (b->bytes_per_s == 0) {
		b->bytes += len;
		return true;
	}
	/* Rounded up: a reply never costs less than its bytes. */
	cost = ((uint64_t)len * b->hz + b->bytes_per_s - 1) / b->bytes_per_s;
	tat = RTE_MAX(b->tat, now);
	if (tat + cost - now > b->depth) {
		b->refused++;
		return false;
	}
	b->tat = tat + cost;
	b->bytes += len;
	return true;
}

enum tw_request_verdict
tw_request_judge(const struct tw_request_rules *rules,
		struct tw_rate_limit *rl, const struct tw_request *r,
		uint64_t first, uint64_t end, uint64_t now, uint32_t *count)
{
	enum tw_request_verdict v;
	uint64_t n;

	*count = 0;
	v = tw_request_judge_snapshot(rules, rl, r, now);
	if (v != TW_REQ_SERVED)
		return v;
	if (r->seq == 0 || r->count == 0)
		return TW_REQ_BAD_SEQ;
	if (r->seq >= end)
		return TW_REQ_FUTURE;
	if (r->seq < first)
		return TW_REQ_EXPIRED;
	n = RTE_MIN((uint64_t)r->count, end - r->seq);
	*count = (uint32_t)RTE_MIN(n, (uint64_t)rules->max_count);
	return TW_REQ_SERVED;
}

/*
 * A source a reply may go to: one host. A request "from" 0.0.0.0, a
 * multicast or limited broadcast address, or a group MAC would point
 * the replies at nobody, or at everyone on the segment.
 */
static bool
unicast_source(const struct tw_request *r)
{
	return r->src_ip != 0 && r->src_ip != UINT32_MAX &&
		(r->src_ip >> 28) != 0xe &&
		rte_is_unicast_ether_addr(&r->src_mac);
}

enum tw_request_verdict
tw_request_judge_snapshot(const struct tw_request_rules *rules,
		struct tw_rate_limit *rl, const struct tw_request *r,
		uint64_t now)
{
	if (rules->server_ip != 0 && r->dst_ip != rules->server_ip)
		return TW_REQ_OTHER_SERVER;
	if ((r->src_ip & rules->client_mask) != rules->client_net ||
	    !unicast_source(r))
		return TW_REQ_BAD_SOURCE;
	if (!tw_rate_limit_allow(rl, r->src_ip, now))
		return TW_REQ_RATE_LIMITED;
	if (memcmp(r->session, rules->session, TW_MOLD_SESSION_LEN) != 0)
		return TW_REQ_BAD_SESSION;
	return TW_REQ_SERVED;
}
