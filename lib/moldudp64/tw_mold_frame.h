/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A MoldUDP64 frame, built: each channel's Ethernet, IPv4, UDP and
 * MoldUDP64 headers precomputed once (session included), then per frame
 * the messages reserved one by one (each with its block length) and the
 * frame closed (sequence, count, lengths, checksums). The framer
 * (tw_framer.h) builds every frame the generator sends with it; the
 * tests, tools and the request server's replies too.
 *
 * Owns: the frame's layout up to the messages, the session name.
 * Never touches: what the messages say, where frame memory comes from.
 */
#ifndef TW_MOLD_FRAME_H
#define TW_MOLD_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "tw_proto.h"


struct tw_frame_params {
	struct rte_ether_addr src_mac;
	uint32_t src_ip;        /* host order */
	uint32_t group_base;    /* channel c sends to group_base + c */
	uint16_t src_port;
	uint16_t dst_port;
	uint16_t vlan;          /* 0 = untagged */
	uint16_t mtu;           /* largest IP datagram */
	uint8_t ttl;
	char session[TW_MOLD_SESSION_LEN];
};

#define TW_FRAME_HDR_MAX 64

/* Precomputed headers of one channel's frames. */
struct tw_pkt_tmpl {
	uint8_t hdr[TW_FRAME_HDR_MAX];
	uint16_t hdr_len;
	uint16_t l2_len;
	uint16_t max_len;       /* largest frame: l2_len + mtu */
};

enum tw_csum_mode {
	TW_CSUM_SOFTWARE,       /* IPv4 and UDP checksums computed here */
	TW_CSUM_OFFLOAD,        /* IPv4 zero, UDP pseudo-header only */
};

/* An open packet of one channel. buf == NULL: none open. */
struct tw_pkt_builder {
	uint8_t *buf;
	uint16_t len;
	uint16_t count;
	uint16_t max_msgs;      /* the frame closes at this many messages */
	uint64_t first_seq;
	uint64_t open_tsc;
};

/* Most messages one MoldUDP64 packet may carry (the next count is EOS). */
#define TW_PKT_MAX_MSGS (TW_MOLD_COUNT_END_OF_SESSION - 1)

int tw_frame_params_check(const struct tw_frame_params *fp);

/*
 * A session name that no other run reuses: "TW" and the start time in
 * milliseconds since 1970 as 8 base-36 digits (unique until 2059 to
 * the millisecond).
 */
void tw_gen_session_name(char name[TW_MOLD_SESSION_LEN], uint64_t unix_ms);
void tw_pkt_tmpl_init(struct tw_pkt_tmpl *t, const struct tw_frame_params *fp,
		uint16_t channel);

static inline void
tw_pkt_open(struct tw_pkt_builder *b, const struct tw_pkt_tmpl *t,
		uint8_t *buf, uint64_t first_seq, uint64_t now_tsc)
{
	memcpy(buf, t->hdr, t->hdr_len);
	b->buf = buf;
	b->len = t->hdr_len;
	b->count = 0;
	b->max_msgs = TW_PKT_MAX_MSGS;
	b->first_seq = first_seq;
	b->open_tsc = now_tsc;
}

/*
 * Room for one more message of msg_len bytes? Returns where to encode
 * it (its block length written, count taken), or NULL when it would
 * pass the MTU or the frame's message limit (b->max_msgs).
 */
static inline uint8_t *
tw_pkt_reserve(struct tw_pkt_builder *b, const struct tw_pkt_tmpl *t,
		uint16_t msg_len)
{
	rte_be16_t be_len;
	uint8_t *p;

	if (b->len + TW_MOLD_BLOCK_HDR_LEN + msg_len > t->max_len ||
	    b->count >= b->max_msgs)
		return NULL;
	p = b->buf + b->len;
	/* After an odd-sized message (ITCH has them) the block header is
	 * not 2-byte aligned: memcpy, one store all the same. */
	be_len = rte_cpu_to_be_16(msg_len);
	memcpy(p, &be_len, sizeof(be_len));
	b->len += TW_MOLD_BLOCK_HDR_LEN + msg_len;
	b->count++;
	return p + TW_MOLD_BLOCK_HDR_LEN;
}

/*
 * Finish the open packet: MoldUDP64 sequence and count (the messages
 * reserved, or mold_count for a heartbeat or end of session), IPv4 and
 * UDP lengths and checksums. Returns the frame length; the builder is
 * left closed.
 */
uint16_t tw_pkt_close(struct tw_pkt_builder *b, const struct tw_pkt_tmpl *t,
		uint16_t mold_count, enum tw_csum_mode csum);

#endif /* TW_MOLD_FRAME_H */
