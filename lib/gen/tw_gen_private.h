/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/gen: the per-level block kernels. tw_gen_fill.c is
 * built once per SIMD level (lane width and flags differ, the
 * arithmetic does not) and exports tw_gen_fill_<level>.
 */
#ifndef TW_GEN_PRIVATE_H
#define TW_GEN_PRIVATE_H

#include "tw_gen.h"

TW_SIMD_DECLARE(void, tw_gen_fill,
	(struct tw_gen_lanes *st, struct tw_gen_block *out));

#endif /* TW_GEN_PRIVATE_H */
