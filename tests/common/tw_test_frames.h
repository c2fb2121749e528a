/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames for tests, built with the generator's own builder so that a
 * test feeds the parser exactly what tickwire sends, and mutated from
 * there into each malformed class.
 */
#ifndef TW_TEST_FRAMES_H
#define TW_TEST_FRAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tw_tickwire_gen.h"
#include "tw_gen.h"
#include "tw_parse.h"
#include "tw_proto.h"

#define TT_SYMBOLS 64
#define TT_CHANNELS 4
#define TT_GROUP TW_IPV4(239, 1, 1, 1)
#define TT_PORT 30001
#define TT_FRAME_MAX 2048

static inline void
tt_frame_params(struct tw_frame_params *fp, uint16_t vlan)
{
	*fp = (struct tw_frame_params){
		.src_mac = { { 0x02, 0, 0, 0, 0, 1 } },
		.src_ip = TW_IPV4(192, 0, 2, 1),
		.group_base = TT_GROUP,
		.src_port = TT_PORT,
		.dst_port = TT_PORT,
		.vlan = vlan,
		.mtu = 1500,
		.ttl = 16,
	};
	memcpy(fp->session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
}

static inline void
tt_feed(struct tw_rx_feed *feed, uint16_t vlan)
{
	memset(feed, 0, sizeof(*feed));
	memcpy(feed->session, "TICKWIRE01", TW_MOLD_SESSION_LEN);
	feed->group_base = TT_GROUP;
	feed->nb_channels = TT_CHANNELS;
	feed->udp_port = TT_PORT;
	feed->vlan = vlan;
	/* The server is the feed's source (tt_frame_params). */
	feed->server_ip = TW_IPV4(192, 0, 2, 1);
	tw_rx_feed_prepare(feed);
}

/*
 * Frame memory for tw_gen_feed_frames: the framer keeps one frame open
 * a channel, so one buffer a channel, taken when a frame opens and given
 * back when it is done.
 */
struct tt_scratch {
	uint8_t buf[TT_CHANNELS][TT_FRAME_MAX];
	bool busy[TT_CHANNELS];
};

static inline uint8_t *
tt_scratch_get(struct tt_scratch *s)
{
	unsigned int i;

	for (i = 0; i < TT_CHANNELS; i++)
		if (!s->busy[i]) {
			s->busy[i] = true;
			return s->buf[i];
		}
	return NULL;
}

static inline void
tt_scratch_put(struct tt_scratch *s, const uint8_t *buf)
{
	s->busy[(buf - s->buf[0]) / TT_FRAME_MAX] = false;
}

/*
 * Open a frame in buf on channel ch (VLAN vlan, 0: untagged) at
 * sequence seq, with the test feed's headers: t and b to reserve its
 * messages in and close it with.
 */
static inline void
tt_frame_open(uint8_t *buf, uint16_t vlan, uint16_t ch, uint64_t seq,
		struct tw_pkt_tmpl *t, struct tw_pkt_builder *b)
{
	struct tw_frame_params fp;

	tt_frame_params(&fp, vlan);
	tw_pkt_tmpl_init(t, &fp, ch);
	tw_pkt_open(b, t, buf, seq, 0);
}

/* A quote whose fields all derive from (locate, k). */
static inline struct tw_quote
tt_quote(uint32_t locate, int64_t k)
{
	return (struct tw_quote){
		.locate = locate,
		.bid_px = 1000000 + k,
		.ask_px = 1000100 + k,
		.bid_sz = (uint32_t)(100 + k),
		.ask_sz = (uint32_t)(200 + k),
		.send_ns = 1,
	};
}

/*
 * Build a frame on channel ch, first sequence seq, holding n messages:
 * quotes for locates ch, ch + 4, ... with values from k. Returns the
 * frame length. mold_count overrides the count when not 0 (heartbeat 0
 * cannot be asked here: use tt_control_frame).
 */
static inline uint16_t
tt_quote_frame(uint8_t *buf, uint16_t vlan, uint16_t ch, uint64_t seq,
		uint16_t n, int64_t k)
{
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;
	uint16_t i;

	tt_frame_open(buf, vlan, ch, seq, &t, &b);
	for (i = 0; i < n; i++) {
		struct tw_quote q = tt_quote(ch + TT_CHANNELS * i, k + i);

		tw_encode_quote(tw_pkt_reserve(&b, &t, TW_MSG_QUOTE_LEN), &q);
	}
	return tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
}

/* An untagged frame on channel ch, sequence seq, holding quote q. */
static inline uint16_t
tt_frame_of_quote(uint8_t *buf, uint16_t ch, uint64_t seq,
		const struct tw_quote *q)
{
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;

	tt_frame_open(buf, 0, ch, seq, &t, &b);
	tw_encode_quote(tw_pkt_reserve(&b, &t, TW_MSG_QUOTE_LEN), q);
	return tw_pkt_close(&b, &t, b.count, TW_CSUM_SOFTWARE);
}

static inline uint16_t
tt_control_frame(uint8_t *buf, uint16_t ch, uint64_t seq, uint16_t count)
{
	struct tw_pkt_tmpl t;
	struct tw_pkt_builder b;

	tt_frame_open(buf, 0, ch, seq, &t, &b);
	return tw_pkt_close(&b, &t, count, TW_CSUM_SOFTWARE);
}

/* Offsets in an untagged frame (tests mutate fields in place). */
static inline struct rte_ipv4_hdr *
tt_ip(uint8_t *f)
{
	return (struct rte_ipv4_hdr *)(f + TW_ETH_HDR_LEN);
}

static inline struct rte_udp_hdr *
tt_udp(uint8_t *f)
{
	return (struct rte_udp_hdr *)(f + TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN);
}

static inline struct tw_mold_hdr *
tt_mold(uint8_t *f)
{
	return (struct tw_mold_hdr *)(tt_udp(f) + 1);
}

static inline uint8_t *
tt_first_block(uint8_t *f)
{
	return (uint8_t *)(tt_mold(f) + 1);
}

/*
 * Recompute the IPv4 and UDP checksums of a frame of len bytes whose
 * IPv4 header starts at l2_len, so that mutations reach the layers
 * above the checksums. Headers that do not fit the frame (any bytes
 * may be there) are left as they are: nothing is read past len.
 */
static inline void
tt_fix_checksums_at(uint8_t *f, uint32_t len, uint16_t l2_len)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(f + l2_len);
	struct rte_udp_hdr *udp;
	uint32_t ihl, udp_len;

	if (len < l2_len + sizeof(*ip))
		return;
	ihl = rte_ipv4_hdr_len(ip);
	if (ihl < sizeof(*ip) || len < l2_len + ihl + sizeof(*udp))
		return;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	udp_len = rte_be_to_cpu_16(udp->dgram_len);
	/* DPDK sums total_length - ihl bytes of the datagram: in len too. */
	if (udp_len < sizeof(*udp) || l2_len + ihl + udp_len > len ||
	    ihl != sizeof(*ip) ||
	    (uint32_t)rte_be_to_cpu_16(ip->total_length) < ihl ||
	    (uint32_t)l2_len + rte_be_to_cpu_16(ip->total_length) > len)
		return;
	udp->dgram_cksum = 0;
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
}

/* The same after a mutation of a whole untagged test frame. */
static inline void
tt_fix_checksums(uint8_t *f)
{
	tt_fix_checksums_at(f, TT_FRAME_MAX, TW_ETH_HDR_LEN);
}

/*
 * An untagged frame of channel ch's template carrying UDP payload p
 * (len bytes, any transport's) to group (host order), its MAC the
 * group's, checksums right; its length.
 */
static inline uint16_t
tt_group_frame(uint8_t *f, const uint8_t *p, uint16_t len, uint16_t ch,
		uint32_t group)
{
	uint16_t l4 = TW_ETH_HDR_LEN + TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN;
	uint16_t flen = (uint16_t)(l4 + len);
	struct tw_frame_params fp;
	struct rte_ether_addr mac;
	struct tw_pkt_tmpl tm;

	tt_frame_params(&fp, 0);
	tw_pkt_tmpl_init(&tm, &fp, ch);
	memcpy(f, tm.hdr, l4);
	memcpy(f + l4, p, len);
	tt_ip(f)->dst_addr = rte_cpu_to_be_32(group);
	tw_mcast_mac(group, &mac);
	memcpy(f, &mac, sizeof(mac));
	tt_ip(f)->total_length = rte_cpu_to_be_16(flen - TW_ETH_HDR_LEN);
	tt_udp(f)->dgram_len = rte_cpu_to_be_16(flen - TW_ETH_HDR_LEN -
		TW_IPV4_HDR_LEN);
	tt_fix_checksums_at(f, flen, TW_ETH_HDR_LEN);
	return flen;
}

#endif /* TW_TEST_FRAMES_H */
