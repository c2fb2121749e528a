/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SSE4.2 level (built with -msse4.2 -mssse3): the header template
 * in four 16-byte compares, the one's complement sum 16 bytes a step,
 * quote fields byte-swapped with one shuffle per field pair.
 */
#include <immintrin.h>

#include "tw_rx_frame.h"
#include "tw_parse_x86.h"

#define TW_RX_LEVEL sse
#define TW_RX_HAVE_FAST_HEADERS 1

static inline bool
lvl_hdr_match(const uint8_t *p, const struct tw_rx_hdr_tmpl *t)
{
	__m128i diff = _mm_setzero_si128();
	unsigned int i;

	for (i = 0; i < TW_RX_TMPL_LEN; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
		__m128i m = _mm_load_si128((const __m128i *)(t->mask + i));
		__m128i w = _mm_load_si128((const __m128i *)(t->want + i));

		diff = _mm_or_si128(diff,
			_mm_xor_si128(_mm_and_si128(v, m), w));
	}
	return _mm_testz_si128(diff, diff);
}

/* Two accumulators of four 32-bit lanes, each adding two 16-bit words. */
static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	const __m128i lo16 = _mm_set1_epi32(0xffff);
	__m128i a0 = _mm_setzero_si128(), a1 = _mm_setzero_si128();
	uint32_t lanes[8];
	uint64_t sum = 0;
	unsigned int i;

	for (; len >= 32; p += 32, len -= 32) {
		__m128i v0 = _mm_loadu_si128((const __m128i *)p);
		__m128i v1 = _mm_loadu_si128((const __m128i *)(p + 16));

		a0 = _mm_add_epi32(a0, _mm_and_si128(v0, lo16));
		a1 = _mm_add_epi32(a1, _mm_srli_epi32(v0, 16));
		a0 = _mm_add_epi32(a0, _mm_and_si128(v1, lo16));
		a1 = _mm_add_epi32(a1, _mm_srli_epi32(v1, 16));
	}
	_mm_storeu_si128((__m128i *)lanes, a0);
	_mm_storeu_si128((__m128i *)(lanes + 4), a1);
	for (i = 0; i < 8; i++)
		sum += lanes[i];
	sum += __rte_raw_cksum(p, len, 0);
	return tw_cksum_fold64(sum);
}

#include "tw_msg_rx.h"
#include "tw_mold_rx.h"
#include "tw_rx_template.h"
