/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator lcore's units, private to app/tickwire. Each owns one
 * role of struct tw_gen_lcore and reaches the others only through what
 * is declared here:
 *
 *   gen_send.c       the sender and its loop: TX queues, tx_burst and
 *                    retries, [faults], line B, the mirror, the framer's
 *                    frame hand-off; runs one source, ends the session
 *   gen_serve.c      what comes back: the MoldUDP64 request server over
 *                    the store, the snapshot server, order replies
 *   gen_src_model.c  source: the protocol's model, paced by [generator]
 *   gen_src_pcap.c   source: a capture ([replay])
 *   gen_src_itch.c   source: an ITCH 5.0 day file ([generator] itch_file)
 *   gen_setup.c      creation: the shared model, templates and channel
 *                    sequences, each lcore's share, the source chosen
 *
 * This header never holds code that runs per tick: what is inline here
 * is arithmetic on the lcore's own fields.
 */
#ifndef TW_APP_GEN_LCORE_H
#define TW_APP_GEN_LCORE_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "tickwire.h"

/*
 * Where the generator's data comes from. One table per source, chosen
 * once at set-up (gen_setup.c); the loop (gen_send.c) calls it a batch
 * at a time and never asks which source runs. Whatever a source does
 * per tick or per frame stays inside its emit.
 */
struct tw_gen_source {
	const char *name;
	/*
	 * The source is the whole session, its own ends included (a
	 * capture): the lcore neither ends the session nor serves after it.
	 */
	bool whole_session;
	/* Before the first batch, at now: the source's clock starts. */
	void (*begin)(struct tw_gen_lcore *g, uint64_t now);
	/* One batch; false once the source is spent. */
	bool (*emit)(struct tw_gen_lcore *g);
	/* After the last batch, however the loop stopped. NULL: none. */
	void (*drain)(struct tw_gen_lcore *g);
	/* The session's last messages, unless quitting. NULL: none. */
	void (*close)(struct tw_gen_lcore *g, uint64_t now);
	/* The lcore's last line. */
	void (*report)(const struct tw_gen_lcore *g);
};

extern const struct tw_gen_source tw_gen_src_model;
extern const struct tw_gen_source tw_gen_src_pcap;
extern const struct tw_gen_source tw_gen_src_itch;

/* Channel c leaves on TX queue c % queues (see struct tw_gen_lcore). */
static inline uint16_t
tw_gen_txq_of(const struct tw_gen_lcore *g, uint16_t ch)
{
	return g->nb_txq == 1 ? 0 : (uint16_t)(ch % g->nb_txq);
}

/* gen_send.c */
/* The framer's frame source: an mbuf, and a finished frame sent. */
uint8_t *tw_gen_frame_get(void *arg, uint16_t ch, void **handle,
		uint16_t *max_msgs);
void tw_gen_frame_put(void *arg, void *handle, uint16_t ch, uint16_t len,
		uint16_t msgs);
/* A loop's finished frame (channel ch of 2 x channels): line A, no
 * faults. */
void tw_gen_loop_put(void *arg, void *handle, uint16_t ch, uint16_t len,
		uint16_t msgs);
/* Queue m (msgs messages) on TX queue q, with the mirror or not. */
void tw_gen_txq_add(struct tw_gen_lcore *g, uint16_t q, struct rte_mbuf *m,
		uint16_t msgs, bool mirror);
/* m on the mirror port only (a reply to a request that came there). */
void tw_gen_mirror_add(struct tw_gen_lcore *g, struct rte_mbuf *m);
void tw_gen_mirror_flush(struct tw_gen_lcore *g);
/* Every queue's pending frames to the port; with wait, all of them. */
void tw_gen_tx_flush(struct tw_gen_lcore *g, bool wait);
/* The report of a source that ends in a session end. */
void tw_gen_session_report(const struct tw_gen_lcore *g);

/* gen_serve.c */
/* Orders and requests on the back queues: matched, served, counted. */
void tw_gen_poll_back(struct tw_gen_lcore *g);
/* The order replies' counters, copied where the view reads them. */
void tw_gen_reply_counters(struct tw_gen_lcore *g);

#endif /* TW_APP_GEN_LCORE_H */
