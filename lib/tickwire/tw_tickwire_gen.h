/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire's own protocol, the generator side: its messages (directory,
 * quotes, trades) written through the transport's framer with the
 * ground truth and the tick-to-trade requests, and a whole feed of them
 * in memory for tests, benchmarks and capture tools.
 *
 * Owns: which message a tick becomes, its stamps, the truth it leaves.
 * Never touches: framing (lib/moldudp64's framer), frame memory.
 */
#ifndef TW_TICKWIRE_GEN_H
#define TW_TICKWIRE_GEN_H

#include "tw_framer.h"

/* The directory message of every symbol of the scheduled channels. */
void tw_emit_directory(struct tw_emitter *e, uint64_t now, uint64_t send_ns);

/*
 * n ticks from the model on the scheduled channels (fewer once they
 * have had their count): tick k stamped first_ns + k * step_ns (its due
 * time when paced; step 0 and first_ns = now_ns when not), with its
 * lateness against now_ns (TW_LATE_UNIT_NS units, saturating).
 */
void tw_emit_ticks(struct tw_emitter *e, unsigned int n, uint64_t now,
		uint64_t now_ns, uint64_t first_ns, uint64_t step_ns);

/*
 * One message sent as it is (a replayed capture's, len bytes) counted
 * by kind as the emitters count their own: a quote or a trade is a
 * tick, a directory message a directory; anything else is other.
 */
void tw_count_sent(struct tw_gen_counters *ctr, const uint8_t *m,
		uint16_t len);

/* ---- a whole feed in memory (tests, benchmarks, capture tools) ---- */

struct tw_gen_feed_opts {
	uint64_t nb_ticks;
	bool directory;         /* every symbol's directory message first */
	uint16_t max_msgs;      /* messages per frame at most (MTU permitting) */
	bool vary;              /* each frame holds 1..max_msgs, at random */
	uint64_t send_ns;       /* stamp of message i: send_ns + i */
};

/* A buffer (TW_FRAME_HDR_MAX + mtu bytes at least) for the next frame. */
typedef uint8_t *(*tw_gen_frame_buf_t)(void *arg);
/* The frame in buf is complete: len bytes, msgs messages. */
typedef void (*tw_gen_frame_done_t)(void *arg, uint8_t *buf, uint16_t len,
		uint16_t msgs);

/*
 * Generate o->nb_ticks ticks from g through a framer and the tickwire
 * emitter, per channel into frames built on tmpl[channel] with software
 * checksums. Frames are completed in the order their last message was
 * added; each channel's sequence numbers start at 1; open frames are
 * closed at the end, channel by channel. -ENOBUFS when get_buf returns
 * NULL.
 */
int tw_gen_feed_frames(struct tw_gen *g, const struct tw_pkt_tmpl *tmpl,
		const struct tw_gen_feed_opts *o, tw_gen_frame_buf_t get_buf,
		tw_gen_frame_done_t done, void *arg);

#endif /* TW_TICKWIRE_GEN_H */
