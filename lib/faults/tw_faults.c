/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <math.h>

#include "tw_faults.h"

/* A probability as a threshold on a uniform 64-bit draw. */
static uint64_t
threshold(double p)
{
	if (p <= 0.0)
		return 0;
	if (p >= 1.0)
		return UINT64_MAX;
	return (uint64_t)ldexp(p, 64);
}

static bool
share_ok(double p)
{
	return p >= 0.0 && p < 1.0;
}

int
tw_faults_init(struct tw_faults *f, const struct tw_fault_params *p,
		struct tw_fault_counters *ctr)
{
	double enter;

	*f = (struct tw_faults){ .losing = false, .ctr = ctr };
	if (!share_ok(p->loss) || !share_ok(p->dup) ||
	    !share_ok(p->reorder) || !share_ok(p->corrupt) ||
	    !(p->burst >= 1.0))
		return -EINVAL;
	tw_rng_seed(&f->rng, p->seed);
	/*
	 * Runs of lost frames of mean length burst: stay with 1 - 1/burst.
	 * A long-run share `loss` then needs
	 * enter = loss / (burst * (1 - loss)).
	 */
	if (p->loss > 0.0) {
		enter = p->loss / (p->burst * (1.0 - p->loss));
		f->p_enter = threshold(enter);
		f->p_stay = threshold(1.0 - 1.0 / p->burst);
	}
	f->p_dup = threshold(p->dup);
	f->p_reorder = threshold(p->reorder);
	f->p_corrupt = threshold(p->corrupt);
	f->any = f->p_enter != 0 || f->p_dup != 0 || f->p_reorder != 0 ||
		f->p_corrupt != 0;
	return 0;
}

void
tw_faults_corrupt(struct tw_faults *f, uint8_t *frame, uint16_t from,
		uint16_t len)
{
	uint64_t r = tw_rng_u64(&f->rng);
	uint32_t bits = (uint32_t)(len - from) * 8;
	uint32_t bit;

	if (len <= from)
		return;
	bit = (uint32_t)((r >> 32) * bits >> 32);
	frame[from + bit / 8] ^= (uint8_t)(1u << (bit % 8));
}
