/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A frame, built: each channel's Ethernet, IPv4, UDP and transport
 * headers precomputed once (MoldUDP64's session included), then per
 * frame the messages reserved one by one (each with its 2-byte prefix,
 * as the transport writes it) and the frame closed (the transport's
 * sequence and count or time, lengths, checksums). The transport is a
 * struct tw_framing: MoldUDP64's here (tw_mold_framing, the default of
 * every template), another transport's in its own folder (CME MDP
 * 3.0's in lib/mdp3). The framer (tw_framer.h) builds every frame the
 * generator sends with it; the tests, tools and the request server's
 * replies build MoldUDP64 frames with it too.
 *
 * Owns: the frame's layout up to the messages, the session name,
 * MoldUDP64's framing. Never touches: what the messages say, where
 * frame memory comes from.
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

/*
 * How a transport frames messages into a datagram: its header after
 * UDP, each message's 2-byte prefix, its sequence, its heartbeat and
 * end of session. The prefix and the sequence are data (read per
 * message, no call); the header is written by calls, once per frame.
 */
struct tw_framing {
	const char *name;
	uint16_t hdr_len;       /* the transport's header, after UDP */
	uint8_t prefix_self;    /* added to the message's length in its
				 * prefix: 2 when the prefix counts itself */
	bool prefix_le;         /* the prefix little-endian (else big) */
	bool seq_per_packet;    /* a sequence per frame (else per message) */
	bool stamp;             /* the header carries the send time */
	/* The header's constant part, in a channel's template. */
	void (*tmpl)(uint8_t *hdr, const struct tw_frame_params *fp);
	/* At close: the first sequence of the frame (its own, with
	 * seq_per_packet), the header's count and the send time (ns since
	 * the epoch; 0 unless stamp). */
	void (*seal)(uint8_t *hdr, uint64_t seq, uint16_t count,
			uint64_t send_ns);
	/* A heartbeat: this message alone in a frame of its own sequence;
	 * NULL: a frame with no message whose header count is
	 * heartbeat_count (no sequence taken). */
	const uint8_t *heartbeat_msg;
	uint16_t heartbeat_len;
	uint16_t heartbeat_count;
	/* The end of a session: a frame with no message whose header count
	 * is end_count; false: the transport has none. */
	bool end_of_session;
	uint16_t end_count;
	/* Most messages a frame carries. */
	uint16_t max_msgs;
};

/* MoldUDP64: session, sequence of the first message, count (20 bytes,
 * big-endian); each message's block length big-endian, itself not
 * counted; a sequence per message. */
extern const struct tw_framing tw_mold_framing;

/* Precomputed headers of one channel's frames. */
struct tw_pkt_tmpl {
	uint8_t hdr[TW_FRAME_HDR_MAX];
	uint16_t hdr_len;
	uint16_t l2_len;
	uint16_t max_len;       /* largest frame: l2_len + mtu */
	uint16_t thdr_off;      /* the transport's header */
	uint8_t prefix_self;    /* the framing's, copied: read per message */
	bool prefix_le;
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
/* Channel channel's template of MoldUDP64 frames. */
void tw_pkt_tmpl_init(struct tw_pkt_tmpl *t, const struct tw_frame_params *fp,
		uint16_t channel);
/* ... of the framing's frames. */
void tw_pkt_tmpl_init_framing(struct tw_pkt_tmpl *t,
		const struct tw_frame_params *fp, uint16_t channel,
		const struct tw_framing *fr);

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
 * it (its prefix written as the template's framing says, count taken),
 * or NULL when it would pass the MTU or the frame's message limit
 * (b->max_msgs).
 */
static inline uint8_t *
tw_pkt_reserve(struct tw_pkt_builder *b, const struct tw_pkt_tmpl *t,
		uint16_t msg_len)
{
	uint16_t v = (uint16_t)(msg_len + t->prefix_self);
	uint16_t w;
	uint8_t *p;

	if (b->len + TW_MOLD_BLOCK_HDR_LEN + msg_len > t->max_len ||
	    b->count >= b->max_msgs)
		return NULL;
	p = b->buf + b->len;
	/* After an odd-sized message (ITCH has them) the prefix is not
	 * 2-byte aligned: memcpy, one store all the same. */
	w = t->prefix_le ? rte_cpu_to_le_16(v) : rte_cpu_to_be_16(v);
	memcpy(p, &w, sizeof(w));
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

/* The same after the transport's header is sealed: IPv4 and UDP
 * lengths and checksums. Returns the frame length; the builder is left
 * closed. */
uint16_t tw_pkt_close_ip(struct tw_pkt_builder *b,
		const struct tw_pkt_tmpl *t, enum tw_csum_mode csum);

#endif /* TW_MOLD_FRAME_H */
