/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The AVX-512 level (built with -mavx512f -mavx512bw -mavx512vl
 * -mavx512dq): the header template in one 64-byte masked test, the one's
 * complement sum 128 bytes a step with a masked load for the tail.
 */
#include "tw_rx_frame.h"
#include "tw_parse_x86.h"

#define TW_RX_LEVEL avx512
#define TW_RX_HAVE_FAST_HEADERS 1

static inline bool
lvl_hdr_match(const uint8_t *p, const struct tw_rx_hdr_tmpl *t)
{
	__m512i v = _mm512_loadu_si512(p);
	__m512i diff = _mm512_xor_si512(v,
		_mm512_load_si512((const void *)t->want));

	return _mm512_test_epi64_mask(diff,
		_mm512_load_si512((const void *)t->mask)) == 0;
}

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	const __m512i lo16 = _mm512_set1_epi32(0xffff);
	__m512i a0 = _mm512_setzero_si512(), a1 = _mm512_setzero_si512();
	uint64_t sum;

	for (; len >= 128; p += 128, len -= 128) {
		__m512i v0 = _mm512_loadu_si512(p);
		__m512i v1 = _mm512_loadu_si512(p + 64);

		a0 = _mm512_add_epi32(a0, _mm512_and_si512(v0, lo16));
		a1 = _mm512_add_epi32(a1, _mm512_srli_epi32(v0, 16));
		a0 = _mm512_add_epi32(a0, _mm512_and_si512(v1, lo16));
		a1 = _mm512_add_epi32(a1, _mm512_srli_epi32(v1, 16));
	}
	/* Whole 16-bit words of the tail, up to 126 bytes, masked loads. */
	while (len >= 2) {
		uint32_t n = RTE_MIN(len & ~1u, 64u);
		__m512i v = _mm512_maskz_loadu_epi8(
			n == 64 ? ~UINT64_C(0) : (UINT64_C(1) << n) - 1, p);

		a0 = _mm512_add_epi32(a0, _mm512_and_si512(v, lo16));
		a1 = _mm512_add_epi32(a1, _mm512_srli_epi32(v, 16));
		p += n;
		len -= n;
	}
	/* Widen to 64-bit lanes before the horizontal sum. */
	sum = (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(
		_mm512_cvtepu32_epi64(_mm512_castsi512_si256(a0)),
		_mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(a0, 1))));
	sum += (uint64_t)_mm512_reduce_add_epi64(_mm512_add_epi64(
		_mm512_cvtepu32_epi64(_mm512_castsi512_si256(a1)),
		_mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(a1, 1))));
	sum += __rte_raw_cksum(p, len, 0);
	return tw_cksum_fold64(sum);
}

#include "tw_msg_rx.h"
#include "tw_mold_rx.h"
#include "tw_rx_template.h"
