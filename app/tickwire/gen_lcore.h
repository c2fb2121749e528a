/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The generator lcore's units, private to app/tickwire. Each owns one
 * role of struct tw_gen_lcore and reaches the others only through what
 * is declared here:
 *
 *   gen_lcore.c   the sender, the sources and the loop
 *   gen_serve.c   what comes back: the MoldUDP64 request server over
 *                 the store, the snapshot server, order replies
 *   gen_setup.c   creation: the shared model, templates and channel
 *                 sequences, each lcore's share and its source
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

/* Channel c leaves on TX queue c % queues (see struct tw_gen_lcore). */
static inline uint16_t
tw_gen_txq_of(const struct tw_gen_lcore *g, uint16_t ch)
{
	return g->nb_txq == 1 ? 0 : (uint16_t)(ch % g->nb_txq);
}

/* gen_lcore.c */
/* The framer's frame source: an mbuf, and a finished frame sent. */
uint8_t *tw_gen_frame_get(void *arg, uint16_t ch, void **handle,
		uint16_t *max_msgs);
void tw_gen_frame_put(void *arg, void *handle, uint16_t ch, uint16_t len,
		uint16_t msgs);
/* Queue m (msgs messages) on TX queue q, with the mirror or not. */
void tw_gen_txq_add(struct tw_gen_lcore *g, uint16_t q, struct rte_mbuf *m,
		uint16_t msgs, bool mirror);

/* gen_serve.c */
/* Orders and requests on the back queues: matched, served, counted. */
void tw_gen_poll_back(struct tw_gen_lcore *g);
/* The order replies' counters, copied where the view reads them. */
void tw_gen_reply_counters(struct tw_gen_lcore *g);

#endif /* TW_APP_GEN_LCORE_H */
