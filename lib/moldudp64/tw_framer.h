/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator's one way of putting messages into frames, used by the
 * generator lcore, tickwire-bench, the tests and the capture tools
 * alike. The transport's framing (struct tw_framing, tw_mold_frame.h)
 * decides the packet header, each message's prefix, the sequence, the
 * heartbeat and the end of session: MoldUDP64's unless
 * tw_framer_framing says another (CME MDP 3.0's).
 *
 * Owns: the open frame of each channel, each channel's next sequence
 * number, reserving room for a message (closing the frame that is full),
 * the flush deadline of an open frame, heartbeats on idle channels and
 * the end of session; and the context a protocol's generator ops write
 * with (struct tw_emitter). tickwire's own messages through it are lib/
 * tickwire's (tw_tickwire_gen.h), ITCH's lib/itch's, MDP 3.0's lib/
 * mdp3's.
 * Never touches: where frame memory comes from or where finished frames
 * go: a frame source (mbufs and tx_burst on the lcore, plain buffers in
 * tests) is injected; nor clocks but to read the send time a framing
 * stamps (callers pass TSC and ns values).
 */
#ifndef TW_FRAMER_H
#define TW_FRAMER_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>

#include "tw_cache.h"
#include "tw_gen.h"
#include "tw_mold_frame.h"
#include "tw_reply.h"

struct tw_clock;

/* Where a framer's frames come from and go to. */
struct tw_frame_src {
	/*
	 * Memory for a new frame of channel ch, at least TW_FRAME_HDR_MAX
	 * + mtu bytes, and a handle the source knows it by; NULL when none
	 * can be had now. The source may lower *max_msgs (the frame then
	 * closes at that many messages).
	 */
	uint8_t *(*get)(void *arg, uint16_t ch, void **handle,
			uint16_t *max_msgs);
	/* A finished frame: len bytes holding msgs messages (0: control). */
	void (*put)(void *arg, void *handle, uint16_t ch, uint16_t len,
			uint16_t msgs);
	void *arg;
};

struct tw_framer_chan {
	struct tw_pkt_builder b;        /* b.buf == NULL: no frame open */
	void *handle;                   /* the source's name for b.buf */
	uint64_t next_seq;              /* of the next frame's first message */
	uint64_t last_tx_tsc;           /* a frame last left */
};

struct tw_framer {
	const struct tw_pkt_tmpl *tmpl; /* per channel */
	const struct tw_framing *framing;
	const struct tw_clock *clock;   /* the send time a framing stamps */
	uint16_t seq_mask;              /* a message's seq: first + (i & mask) */
	struct tw_framer_chan *ch;      /* per channel */
	uint16_t nb_channels;
	enum tw_csum_mode csum;
	uint64_t flush_tsc;             /* an open frame closes this old */
	uint64_t heartbeat_tsc;         /* an idle channel heartbeats */
	struct tw_frame_src src;
	struct tw_gen_counters *ctr;    /* heartbeats, end_of_session */
	/*
	 * The channels this framer writes (all, unless tw_framer_own
	 * says): several generator lcores share one chans array, each
	 * writing its own channels' entries only.
	 */
	uint16_t nb_own;
	uint16_t own[TW_GEN_MAX_CHANNELS];
};

/*
 * Set up a framer over nb_channels channels (chans: that many entries,
 * caller memory), every sequence starting at 1. flush_tsc and
 * heartbeat_tsc may be UINT64_MAX for never.
 */
void tw_framer_init(struct tw_framer *fr, const struct tw_pkt_tmpl *tmpl,
		struct tw_framer_chan *chans, uint16_t nb_channels,
		enum tw_csum_mode csum, const struct tw_frame_src *src,
		struct tw_gen_counters *ctr);

/*
 * The framing of the transport (the templates must be of it:
 * tw_pkt_tmpl_init_framing), and the clock of its send time (NULL:
 * 0). MoldUDP64's until this is called.
 */
void tw_framer_framing(struct tw_framer *fr, const struct tw_framing *f,
		const struct tw_clock *clock);

/* This framer writes channels own[0..nb) only (housekeeping, ends). */
void tw_framer_own(struct tw_framer *fr, const uint16_t *own, uint16_t nb);

/* Open a frame on ch from the source: 0, or -ENOBUFS. */
int tw_framer_open(struct tw_framer *fr, uint16_t ch, uint64_t now);

/* Finish ch's open frame and hand it to the source. */
void tw_framer_close(struct tw_framer *fr, uint16_t ch, uint64_t now);

/*
 * A frame with no news on ch, after closing what is open: a heartbeat
 * (TW_MOLD_COUNT_HEARTBEAT: the framing's) or the end of session
 * (TW_MOLD_COUNT_END_OF_SESSION). 0, -ENOBUFS, or -ENOTSUP when the
 * transport has no end of session (nothing is sent).
 */
int tw_framer_control(struct tw_framer *fr, uint16_t ch,
		uint16_t mold_count, uint64_t now);

/* Close frames past their flush deadline; heartbeat idle channels. */
void tw_framer_housekeeping(struct tw_framer *fr, uint64_t now);

/* Close every open frame, channel by channel. */
void tw_framer_close_all(struct tw_framer *fr, uint64_t now);

/* An end of session on every channel (what is open is closed first);
 * none where the transport has none. */
void tw_framer_end_session(struct tw_framer *fr, uint64_t now);

/*
 * Room for one message of len bytes on channel ch: where to encode it,
 * with its sequence number in *seq. A full frame is closed and a new
 * one opened. NULL only when the source has no memory.
 */
static inline uint8_t *
tw_framer_reserve(struct tw_framer *fr, uint16_t ch, uint16_t len,
		uint64_t now, uint64_t *seq)
{
	struct tw_framer_chan *c = &fr->ch[ch];
	uint8_t *p;

	if (likely(c->b.buf != NULL)) {
		p = tw_pkt_reserve(&c->b, &fr->tmpl[ch], len);
		if (likely(p != NULL))
			goto done;
		tw_framer_close(fr, ch, now);
	}
	if (unlikely(tw_framer_open(fr, ch, now) != 0))
		return NULL;
	p = tw_pkt_reserve(&c->b, &fr->tmpl[ch], len);
done:
	*seq = c->b.first_seq + ((c->b.count - 1) & fr->seq_mask);
	return p;
}

/*
 * What a protocol's generator ops write with (struct tw_protocol's
 * gen_open, gen_ticks, gen_close): this framer, the model and its
 * schedule, the counters, the ground truth and the tick-to-trade table.
 */
struct tw_emitter {
	struct tw_framer *fr;
	struct tw_gen *gen;
	struct tw_gen_sched *sched;     /* whose ticks, channels, count */
	struct tw_gen_counters *ctr;
	struct tw_cache *truth;         /* what was sent; or NULL */
	struct tw_reply_table *replies; /* tick to trade; or NULL */
	uint32_t reply_every;           /* every Nth quote asks (0: none) */
	uint32_t quotes_to_request;     /* countdown to the next request */
	const volatile bool *quit;      /* stops a long directory; or NULL */
	void *proto_state;              /* another protocol's model; or NULL */
	/* A transport's loops (MDP 3.0's snapshot and definition loops:
	 * channel c's on c and channels + c), line A only; or NULL. */
	struct tw_framer *loops;
};

#endif /* TW_FRAMER_H */
