/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/parse: kernels the x86 vector levels share. Included
 * by each level's source, so each copy is built with that level's flags
 * (VEX-encoded under AVX2 and AVX-512).
 */
#ifndef TW_PARSE_X86_H
#define TW_PARSE_X86_H

#include <immintrin.h>

#include "tw_rx_frame.h"

/*
 * A quote's prices and sizes sit on the wire in the same order as in
 * the cache entry: one 16-byte load and one shuffle swap both prices,
 * one 8-byte load and one shuffle both sizes.
 */
static inline void
lvl_quote_fields(struct tw_cache_entry *e, const uint8_t *m)
{
	const __m128i swap64 = _mm_set_epi8(8, 9, 10, 11, 12, 13, 14, 15,
		0, 1, 2, 3, 4, 5, 6, 7);
	const __m128i swap32 = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11,
		4, 5, 6, 7, 0, 1, 2, 3);
	__m128i px = _mm_loadu_si128((const __m128i *)
		(m + offsetof(struct tw_wire_quote, bid_px)));
	__m128i sz = _mm_loadl_epi64((const __m128i *)
		(m + offsetof(struct tw_wire_quote, bid_sz)));

	_mm_store_si128((__m128i *)&e->bid_px, _mm_shuffle_epi8(px, swap64));
	_mm_storel_epi64((__m128i *)&e->bid_sz, _mm_shuffle_epi8(sz, swap32));
}

#endif /* TW_PARSE_X86_H */
