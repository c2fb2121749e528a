/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault injection on the generator's line: what a lossy network does
 * to a feed, done on purpose, seeded, and counted, so a test knows
 * exactly what happened to the frames it checks the cache against.
 *
 * Owns: the decision per frame (lose, duplicate, reorder, corrupt), the
 * burst-loss model, the random stream it draws from, and the counters.
 * Never touches: mbufs or ports (the generator lcore acts on the
 * verdict), the retransmission store (it keeps what was sent, faults
 * or not), control frames (heartbeats and the end of session are never
 * faulted: a lost end of session is a stop problem, not a gap).
 *
 * Loss follows a two-state (Gilbert) model: loss is the long-run share
 * of frames lost, burst the mean length of a run of lost frames.
 */
#ifndef TW_FAULTS_H
#define TW_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "tw_gen.h"

struct tw_fault_params {
	double loss;            /* share of frames lost, [0, 1) */
	double burst;           /* mean frames per loss run, >= 1 */
	double dup;             /* share of frames sent twice */
	double reorder;         /* share of frames sent after the next one */
	double corrupt;         /* share with one bit flipped after the sum */
	uint64_t seed;
};


/* Thresholds against a 64-bit draw; 0: never. */
struct tw_faults {
	struct tw_rng rng;
	uint64_t p_enter;       /* good -> losing */
	uint64_t p_stay;        /* losing -> losing */
	uint64_t p_dup;
	uint64_t p_reorder;
	uint64_t p_corrupt;
	bool losing;
	bool any;               /* some fault is possible at all */
	struct tw_fault_counters *ctr;  /* where its faults are counted */
};

enum tw_fault {
	TW_FAULT_LOSE = 1 << 0,
	TW_FAULT_DUP = 1 << 1,
	TW_FAULT_REORDER = 1 << 2,
	TW_FAULT_CORRUPT = 1 << 3,
};

/* -EINVAL for a share outside [0, 1) or a burst below 1. */
int tw_faults_init(struct tw_faults *f, const struct tw_fault_params *p,
		struct tw_fault_counters *ctr);

/*
 * The verdict on the next data frame: 0 (sent as it is) or TW_FAULT_*
 * bits (LOSE alone; otherwise any of DUP, REORDER, CORRUPT). Counts
 * what it decides; msgs is the frame's message count.
 */
static inline unsigned int
tw_faults_next(struct tw_faults *f, uint16_t msgs)
{
	unsigned int v = 0;

	if (!f->any)
		return 0;
	f->losing = tw_rng_u64(&f->rng) < (f->losing ? f->p_stay :
		f->p_enter);
	if (f->losing) {
		f->ctr->lost++;
		f->ctr->lost_msgs += msgs;
		return TW_FAULT_LOSE;
	}
	if (f->p_dup != 0 && tw_rng_u64(&f->rng) < f->p_dup) {
		f->ctr->dup++;
		v |= TW_FAULT_DUP;
	}
	/* Counted by the caller when a frame does overtake it. */
	if (f->p_reorder != 0 && tw_rng_u64(&f->rng) < f->p_reorder)
		v |= TW_FAULT_REORDER;
	if (f->p_corrupt != 0 && tw_rng_u64(&f->rng) < f->p_corrupt) {
		f->ctr->corrupted++;
		v |= TW_FAULT_CORRUPT;
	}
	return v;
}

/*
 * Flip one bit, chosen from the stream, among the frame's bytes from
 * offset `from` (after the checksums are set: the receiver must catch
 * it).
 */
void tw_faults_corrupt(struct tw_faults *f, uint8_t *frame, uint16_t from,
		uint16_t len);

#endif /* TW_FAULTS_H */
