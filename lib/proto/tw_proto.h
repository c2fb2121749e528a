/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire wire format: the one place that knows an offset.
 *
 * Frame: Ethernet [one 802.1Q tag] / IPv4 / UDP / MoldUDP64 header /
 * message blocks. Every multi-byte field on the wire is big-endian.
 * Owns: layouts, sizes, constants, encode/decode of single messages.
 * Never touches: mbufs, the cache, counters, or any EAL service.
 * docs/protocol.md describes the same format in prose.
 */
#ifndef TW_PROTO_H
#define TW_PROTO_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

/* ---- MoldUDP64 framing ---- */

#define TW_MOLD_SESSION_LEN 10
#define TW_MOLD_COUNT_HEARTBEAT 0x0000
#define TW_MOLD_COUNT_END_OF_SESSION 0xFFFF
#define TW_MOLD_FIRST_SEQ 1

struct tw_mold_hdr {
	char session[TW_MOLD_SESSION_LEN];
	rte_be64_t seq;         /* sequence number of the first message */
	rte_be16_t count;       /* messages in the packet; see constants */
} __rte_packed;

/* Each message block is a big-endian u16 length, then the message. */
#define TW_MOLD_BLOCK_HDR_LEN 2

/* ---- Messages (our own, carried in MoldUDP64 blocks) ---- */

enum tw_msg_type {
	TW_MSG_DIRECTORY = 'R',
	TW_MSG_QUOTE = 'Q',
	TW_MSG_TRADE = 'T',
};

#define TW_TICKER_LEN 8

/*
 * All three messages share a 16-byte prefix: type at 0, lateness at 2,
 * locate at 4, send time (ns) at 8. A paced generator stamps send_ns
 * with the time the tick was due and late with how far behind that it
 * actually stamped it, in units of TW_LATE_UNIT_NS (TW_LATE_SATURATED:
 * that far or more), so a receiver can measure from either point (the
 * first corrects for coordinated omission). Unpaced: the stamp, late 0. Prices are signed fixed-point integers:
 * value / 10^price_decimals, the decimals given by the symbol's
 * directory message.
 */
#define TW_LATE_UNIT_NS 64
#define TW_LATE_SATURATED 0xffff        /* 4.19 ms or more */

struct tw_msg_prefix {
	uint8_t type;
	uint8_t pad;
	rte_be16_t late;
	rte_be32_t locate;
	rte_be64_t send_ns;
} __rte_packed;

struct tw_wire_directory {
	uint8_t type;           /* 'R' */
	uint8_t price_decimals;
	rte_be16_t late;
	rte_be32_t locate;
	rte_be64_t send_ns;
	char ticker[TW_TICKER_LEN]; /* ASCII, space padded */
} __rte_packed;

struct tw_wire_quote {
	uint8_t type;           /* 'Q' */
	uint8_t reply_id;       /* 1..255: answer with an order; 0: don't */
	rte_be16_t late;
	rte_be32_t locate;
	rte_be64_t send_ns;
	rte_be64_t bid_px;
	rte_be64_t ask_px;
	rte_be32_t bid_sz;
	rte_be32_t ask_sz;
} __rte_packed;

struct tw_wire_trade {
	uint8_t type;           /* 'T' */
	uint8_t side;           /* aggressor: 'B' buyer, 'S' seller */
	rte_be16_t late;
	rte_be32_t locate;
	rte_be64_t send_ns;
	rte_be64_t price;
	rte_be32_t size;
	uint8_t reserved2[4];
} __rte_packed;

#define TW_MSG_DIRECTORY_LEN ((uint16_t)sizeof(struct tw_wire_directory))
#define TW_MSG_QUOTE_LEN ((uint16_t)sizeof(struct tw_wire_quote))
#define TW_MSG_TRADE_LEN ((uint16_t)sizeof(struct tw_wire_trade))
#define TW_MSG_MAX_LEN TW_MSG_QUOTE_LEN

/* Decoded messages, host byte order. */
struct tw_directory {
	uint32_t locate;
	uint8_t price_decimals;
	char ticker[TW_TICKER_LEN];
	uint64_t send_ns;
};

struct tw_quote {
	uint32_t locate;
	uint16_t late;          /* TW_LATE_UNIT_NS units */
	uint8_t reply_id;
	uint32_t bid_sz;
	uint32_t ask_sz;
	int64_t bid_px;
	int64_t ask_px;
	uint64_t send_ns;
};

struct tw_trade {
	uint32_t locate;
	uint16_t late;
	uint32_t size;
	int64_t price;
	uint8_t side;
	uint64_t send_ns;
};

/* Wire length of a message type; 0 for a type we do not define. */
/* A big-endian 16-bit field at any address (block lengths follow
 * messages of odd sizes: never a misaligned load). */
static inline uint16_t
tw_be16_load(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

static inline uint16_t
tw_msg_len(uint8_t type)
{
	switch (type) {
	case TW_MSG_QUOTE:
		return TW_MSG_QUOTE_LEN;
	case TW_MSG_TRADE:
		return TW_MSG_TRADE_LEN;
	case TW_MSG_DIRECTORY:
		return TW_MSG_DIRECTORY_LEN;
	default:
		return 0;
	}
}

/* ---- Frame layout ---- */

/*
 * An IPv4 address a.b.c.d in host order. DPDK 22.11's RTE_IPV4 shifts
 * an int, undefined for a >= 128 (UBSan says so); this one is unsigned.
 */
#define TW_IPV4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
	(uint32_t)(c) << 8 | (uint32_t)(d))

#define TW_ETH_HDR_LEN ((uint16_t)sizeof(struct rte_ether_hdr))
#define TW_VLAN_HDR_LEN ((uint16_t)sizeof(struct rte_vlan_hdr))
#define TW_IPV4_HDR_LEN ((uint16_t)sizeof(struct rte_ipv4_hdr))
#define TW_UDP_HDR_LEN ((uint16_t)sizeof(struct rte_udp_hdr))
#define TW_MOLD_HDR_LEN ((uint16_t)sizeof(struct tw_mold_hdr))

/* Bytes before the first message block, for the frames we send. */
static inline uint16_t
tw_frame_hdr_len(bool vlan)
{
	return TW_ETH_HDR_LEN + (vlan ? TW_VLAN_HDR_LEN : 0) +
		TW_IPV4_HDR_LEN + TW_UDP_HDR_LEN + TW_MOLD_HDR_LEN;
}

/* Room for message blocks in a packet whose IP datagram is at most mtu. */
static inline uint16_t
tw_frame_payload_room(uint16_t mtu)
{
	return mtu - TW_IPV4_HDR_LEN - TW_UDP_HDR_LEN - TW_MOLD_HDR_LEN;
}

/* RFC 1112: 01:00:5e followed by the low 23 bits of the group. */
static inline void
tw_mcast_mac(uint32_t group_host, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x01;
	mac->addr_bytes[1] = 0x00;
	mac->addr_bytes[2] = 0x5e;
	mac->addr_bytes[3] = (group_host >> 16) & 0x7f;
	mac->addr_bytes[4] = (group_host >> 8) & 0xff;
	mac->addr_bytes[5] = group_host & 0xff;
}

/*
 * An untagged Ethernet / IPv4 / UDP header for a unicast datagram of
 * payload_len bytes (the orders, the re-requests): IPv4 checksum set,
 * DF, TTL 64, UDP checksum 0 (the caller may compute one once the
 * payload is in). Returns where the payload goes.
 */
static inline uint8_t *
tw_encode_udp4(uint8_t *buf, const struct rte_ether_addr *src_mac,
		const struct rte_ether_addr *dst_mac, uint32_t src_ip,
		uint32_t dst_ip, uint16_t src_port, uint16_t dst_port,
		uint16_t payload_len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)buf;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t udp_len = TW_UDP_HDR_LEN + payload_len;

	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(TW_IPV4_HDR_LEN + udp_len);
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src_ip);
	ip->dst_addr = rte_cpu_to_be_32(dst_ip);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(src_port);
	udp->dst_port = rte_cpu_to_be_16(dst_port);
	udp->dgram_len = rte_cpu_to_be_16(udp_len);
	udp->dgram_cksum = 0;
	return (uint8_t *)(udp + 1);
}

/* ---- Single-message encode / decode (p points at the message) ---- */

static inline void
tw_encode_directory(uint8_t *p, const struct tw_directory *d)
{
	struct tw_wire_directory *w = (struct tw_wire_directory *)p;

	w->type = TW_MSG_DIRECTORY;
	w->price_decimals = d->price_decimals;
	w->late = 0;
	w->locate = rte_cpu_to_be_32(d->locate);
	w->send_ns = rte_cpu_to_be_64(d->send_ns);
	memcpy(w->ticker, d->ticker, TW_TICKER_LEN);
}

static inline void
tw_decode_directory(const uint8_t *p, struct tw_directory *d)
{
	const struct tw_wire_directory *w =
		(const struct tw_wire_directory *)p;

	d->locate = rte_be_to_cpu_32(w->locate);
	d->price_decimals = w->price_decimals;
	d->send_ns = rte_be_to_cpu_64(w->send_ns);
	memcpy(d->ticker, w->ticker, TW_TICKER_LEN);
}

static inline void
tw_encode_quote(uint8_t *p, const struct tw_quote *q)
{
	struct tw_wire_quote *w = (struct tw_wire_quote *)p;

	w->type = TW_MSG_QUOTE;
	w->reply_id = q->reply_id;
	w->late = rte_cpu_to_be_16(q->late);
	w->locate = rte_cpu_to_be_32(q->locate);
	w->send_ns = rte_cpu_to_be_64(q->send_ns);
	w->bid_px = rte_cpu_to_be_64((uint64_t)q->bid_px);
	w->ask_px = rte_cpu_to_be_64((uint64_t)q->ask_px);
	w->bid_sz = rte_cpu_to_be_32(q->bid_sz);
	w->ask_sz = rte_cpu_to_be_32(q->ask_sz);
}

static inline void
tw_decode_quote(const uint8_t *p, struct tw_quote *q)
{
	const struct tw_wire_quote *w = (const struct tw_wire_quote *)p;

	q->locate = rte_be_to_cpu_32(w->locate);
	q->late = rte_be_to_cpu_16(w->late);
	q->reply_id = w->reply_id;
	q->send_ns = rte_be_to_cpu_64(w->send_ns);
	q->bid_px = (int64_t)rte_be_to_cpu_64(w->bid_px);
	q->ask_px = (int64_t)rte_be_to_cpu_64(w->ask_px);
	q->bid_sz = rte_be_to_cpu_32(w->bid_sz);
	q->ask_sz = rte_be_to_cpu_32(w->ask_sz);
}

static inline void
tw_encode_trade(uint8_t *p, const struct tw_trade *t)
{
	struct tw_wire_trade *w = (struct tw_wire_trade *)p;

	w->type = TW_MSG_TRADE;
	w->side = t->side;
	w->late = rte_cpu_to_be_16(t->late);
	w->locate = rte_cpu_to_be_32(t->locate);
	w->send_ns = rte_cpu_to_be_64(t->send_ns);
	w->price = rte_cpu_to_be_64((uint64_t)t->price);
	w->size = rte_cpu_to_be_32(t->size);
	memset(w->reserved2, 0, sizeof(w->reserved2));
}

static inline void
tw_decode_trade(const uint8_t *p, struct tw_trade *t)
{
	const struct tw_wire_trade *w = (const struct tw_wire_trade *)p;

	t->locate = rte_be_to_cpu_32(w->locate);
	t->side = w->side;
	t->late = rte_be_to_cpu_16(w->late);
	t->send_ns = rte_be_to_cpu_64(w->send_ns);
	t->price = (int64_t)rte_be_to_cpu_64(w->price);
	t->size = rte_be_to_cpu_32(w->size);
}

/*
 * ---- Orders: the tick-to-trade reply ----
 *
 * A quote whose reply_id is not 0 asks the receiver to answer with an
 * order: one UDP datagram to the quote's source address, destination
 * port TW_ORDER_PORT, payload one tw_wire_order. The order echoes the
 * quote's channel, sequence number and reply id, so the generator can
 * match it to its request and time the round trip on its own clock.
 */
#define TW_ORDER_PORT 30002
#define TW_MSG_ORDER 'O'

struct tw_wire_order {
	uint8_t type;           /* 'O' */
	uint8_t reply_id;
	rte_be16_t channel;
	rte_be32_t locate;
	rte_be64_t seq;         /* MoldUDP64 sequence of the quote answered */
	rte_be64_t send_ns;     /* the quote's send_ns, echoed */
} __rte_packed;

#define TW_MSG_ORDER_LEN ((uint16_t)sizeof(struct tw_wire_order))

struct tw_order {
	uint8_t reply_id;
	uint16_t channel;
	uint32_t locate;
	uint64_t seq;
	uint64_t send_ns;
};

static inline void
tw_encode_order(uint8_t *p, const struct tw_order *o)
{
	struct tw_wire_order *w = (struct tw_wire_order *)p;

	w->type = TW_MSG_ORDER;
	w->reply_id = o->reply_id;
	w->channel = rte_cpu_to_be_16(o->channel);
	w->locate = rte_cpu_to_be_32(o->locate);
	w->seq = rte_cpu_to_be_64(o->seq);
	w->send_ns = rte_cpu_to_be_64(o->send_ns);
}

static inline void
tw_decode_order(const uint8_t *p, struct tw_order *o)
{
	const struct tw_wire_order *w = (const struct tw_wire_order *)p;

	o->reply_id = w->reply_id;
	o->channel = rte_be_to_cpu_16(w->channel);
	o->locate = rte_be_to_cpu_32(w->locate);
	o->seq = rte_be_to_cpu_64(w->seq);
	o->send_ns = rte_be_to_cpu_64(w->send_ns);
}

/*
 * ---- Snapshots: a channel's whole state, for late joiners ----
 *
 * The generator's snapshot server answers a MoldUDP64 request on UDP
 * port snapshot_port + c with channel c's state: one 'S' message per
 * symbol that has a directory entry or an update, in frames whose
 * MoldUDP64 sequence number is the channel's next one (the state
 * reflects every message before it) and whose count is the messages
 * in the frame. `total` is the number of 'S' messages of this snapshot,
 * so the receiver knows when it has all of them.
 */
#define TW_MSG_SNAPSHOT 'S'

struct tw_wire_snapshot {
	uint8_t type;           /* 'S' */
	uint8_t price_decimals;
	uint8_t known;          /* 1: ticker and decimals are set */
	uint8_t pad;
	rte_be32_t locate;
	char ticker[TW_TICKER_LEN];
	rte_be64_t bid_px;
	rte_be64_t ask_px;
	rte_be64_t last_px;
	rte_be64_t volume;
	rte_be64_t last_seq;
	rte_be32_t bid_sz;
	rte_be32_t ask_sz;
	rte_be32_t last_sz;
	rte_be32_t updates;
	rte_be32_t total;
} __rte_packed;

#define TW_MSG_SNAPSHOT_LEN ((uint16_t)sizeof(struct tw_wire_snapshot))

/* One symbol's state as a snapshot carries it, host order. */
struct tw_snapshot {
	uint32_t locate;
	uint8_t known;
	uint8_t price_decimals;
	char ticker[TW_TICKER_LEN];
	int64_t bid_px;
	int64_t ask_px;
	int64_t last_px;
	uint64_t volume;
	uint64_t last_seq;
	uint32_t bid_sz;
	uint32_t ask_sz;
	uint32_t last_sz;
	uint32_t updates;
	uint32_t total;
};

static inline void
tw_encode_snapshot(uint8_t *p, const struct tw_snapshot *s)
{
	struct tw_wire_snapshot *w = (struct tw_wire_snapshot *)p;

	w->type = TW_MSG_SNAPSHOT;
	w->price_decimals = s->price_decimals;
	w->known = s->known;
	w->pad = 0;
	w->locate = rte_cpu_to_be_32(s->locate);
	memcpy(w->ticker, s->ticker, TW_TICKER_LEN);
	w->bid_px = rte_cpu_to_be_64((uint64_t)s->bid_px);
	w->ask_px = rte_cpu_to_be_64((uint64_t)s->ask_px);
	w->last_px = rte_cpu_to_be_64((uint64_t)s->last_px);
	w->volume = rte_cpu_to_be_64(s->volume);
	w->last_seq = rte_cpu_to_be_64(s->last_seq);
	w->bid_sz = rte_cpu_to_be_32(s->bid_sz);
	w->ask_sz = rte_cpu_to_be_32(s->ask_sz);
	w->last_sz = rte_cpu_to_be_32(s->last_sz);
	w->updates = rte_cpu_to_be_32(s->updates);
	w->total = rte_cpu_to_be_32(s->total);
}

static inline void
tw_decode_snapshot(const uint8_t *p, struct tw_snapshot *s)
{
	const struct tw_wire_snapshot *w = (const struct tw_wire_snapshot *)p;

	s->price_decimals = w->price_decimals;
	s->known = w->known;
	s->locate = rte_be_to_cpu_32(w->locate);
	memcpy(s->ticker, w->ticker, TW_TICKER_LEN);
	s->bid_px = (int64_t)rte_be_to_cpu_64(w->bid_px);
	s->ask_px = (int64_t)rte_be_to_cpu_64(w->ask_px);
	s->last_px = (int64_t)rte_be_to_cpu_64(w->last_px);
	s->volume = rte_be_to_cpu_64(w->volume);
	s->last_seq = rte_be_to_cpu_64(w->last_seq);
	s->bid_sz = rte_be_to_cpu_32(w->bid_sz);
	s->ask_sz = rte_be_to_cpu_32(w->ask_sz);
	s->last_sz = rte_be_to_cpu_32(w->last_sz);
	s->updates = rte_be_to_cpu_32(w->updates);
	s->total = rte_be_to_cpu_32(w->total);
}

/* Locate of any message, read from the shared prefix. */
static inline uint32_t
tw_msg_locate(const uint8_t *p)
{
	return rte_be_to_cpu_32(((const struct tw_msg_prefix *)p)->locate);
}

static inline uint16_t
tw_msg_late(const uint8_t *p)
{
	return rte_be_to_cpu_16(((const struct tw_msg_prefix *)p)->late);
}

static inline uint64_t
tw_msg_send_ns(const uint8_t *p)
{
	return rte_be_to_cpu_64(((const struct tw_msg_prefix *)p)->send_ns);
}

#endif /* TW_PROTO_H */
