/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The AVX2 level (built with -mavx2): the header template in two
 * 32-byte compares, the one's complement sum 64 bytes a step.
 */
#include "tw_rx_frame.h"
#include "tw_parse_x86.h"

#define TW_RX_LEVEL avx2
#define TW_RX_HAVE_FAST_HEADERS 1

static inline bool
lvl_hdr_match(const uint8_t *p, const struct tw_rx_hdr_tmpl *t)
{
	__m256i v0 = _mm256_loadu_si256((const __m256i *)p);
	__m256i v1 = _mm256_loadu_si256((const __m256i *)(p + 32));
	__m256i d0 = _mm256_xor_si256(_mm256_and_si256(v0,
		_mm256_load_si256((const __m256i *)t->mask)),
		_mm256_load_si256((const __m256i *)t->want));
	__m256i d1 = _mm256_xor_si256(_mm256_and_si256(v1,
		_mm256_load_si256((const __m256i *)(t->mask + 32))),
		_mm256_load_si256((const __m256i *)(t->want + 32)));
	__m256i diff = _mm256_or_si256(d0, d1);

	return _mm256_testz_si256(diff, diff);
}

static inline uint16_t
lvl_raw_cksum(const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	const __m256i lo16 = _mm256_set1_epi32(0xffff);
	__m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
	uint32_t lanes[16];
	uint64_t sum = 0;
	unsigned int i;

	for (; len >= 64; p += 64, len -= 64) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)p);
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(p + 32));

		a0 = _mm256_add_epi32(a0, _mm256_and_si256(v0, lo16));
		a1 = _mm256_add_epi32(a1, _mm256_srli_epi32(v0, 16));
		a0 = _mm256_add_epi32(a0, _mm256_and_si256(v1, lo16));
		a1 = _mm256_add_epi32(a1, _mm256_srli_epi32(v1, 16));
	}
	_mm256_storeu_si256((__m256i *)lanes, a0);
	_mm256_storeu_si256((__m256i *)(lanes + 8), a1);
	for (i = 0; i < 16; i++)
		sum += lanes[i];
	sum += __rte_raw_cksum(p, len, 0);
	return tw_cksum_fold64(sum);
}

#include "tw_msg_rx.h"
#include "tw_mold_rx.h"
#include "tw_rx_template.h"
