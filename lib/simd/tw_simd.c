/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cpuflags.h>

#include "tw_simd.h"

static const char *const names[TW_SIMD_MAX + 1] = {
	[TW_SIMD_SCALAR] = "scalar",
	[TW_SIMD_SSE] = "sse",
	[TW_SIMD_AVX2] = "avx2",
	[TW_SIMD_AVX512] = "avx512",
	[TW_SIMD_AUTO] = "auto",
};

const char *
tw_simd_name(enum tw_simd level)
{
	return (unsigned int)level <= TW_SIMD_AUTO ? names[level] : "?";
}

int
tw_simd_from_name(const char *name)
{
	unsigned int i;

	for (i = 0; i <= TW_SIMD_AUTO; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	return -ENOENT;
}

unsigned int
tw_simd_bits(enum tw_simd level)
{
	static const unsigned int bits[TW_SIMD_MAX] = { 64, 128, 256, 512 };

	return (unsigned int)level < TW_SIMD_MAX ? bits[level] : 0;
}

bool
tw_simd_compiled(enum tw_simd level)
{
#ifdef RTE_ARCH_X86_64
	return (unsigned int)level < TW_SIMD_MAX;
#else
	return level == TW_SIMD_SCALAR;
#endif
}

bool
tw_simd_cpu_has(enum tw_simd level)
{
#ifdef RTE_ARCH_X86_64
	static const enum rte_cpu_flag_t sse[] = {
		RTE_CPUFLAG_SSSE3, RTE_CPUFLAG_SSE4_1, RTE_CPUFLAG_SSE4_2,
	};
	static const enum rte_cpu_flag_t avx2[] = {
		RTE_CPUFLAG_AVX, RTE_CPUFLAG_AVX2,
	};
	static const enum rte_cpu_flag_t avx512[] = {
		RTE_CPUFLAG_AVX512F, RTE_CPUFLAG_AVX512BW,
		RTE_CPUFLAG_AVX512VL, RTE_CPUFLAG_AVX512DQ,
	};
	static const struct {
		const enum rte_cpu_flag_t *flags;
		unsigned int n;
	} need[TW_SIMD_MAX] = {
		[TW_SIMD_SSE] = { sse, RTE_DIM(sse) },
		[TW_SIMD_AVX2] = { avx2, RTE_DIM(avx2) },
		[TW_SIMD_AVX512] = { avx512, RTE_DIM(avx512) },
	};
	unsigned int l, i;

	if ((unsigned int)level >= TW_SIMD_MAX)
		return false;
	/* Each level includes the ones below it. */
	for (l = TW_SIMD_SSE; l <= (unsigned int)level; l++)
		for (i = 0; i < need[l].n; i++)
			if (rte_cpu_get_flag_enabled(need[l].flags[i]) <= 0)
				return false;
	return true;
#else
	return level == TW_SIMD_SCALAR;
#endif
}

int
tw_simd_resolve(enum tw_simd request, unsigned int max_bits, bool *capped,
		char *err, size_t errlen)
{
	int l;

	*capped = false;
	if (request == TW_SIMD_AUTO) {
		for (l = TW_SIMD_MAX - 1; l > TW_SIMD_SCALAR; l--)
			if (tw_simd_compiled(l) && tw_simd_cpu_has(l) &&
			    (max_bits == 0 || tw_simd_bits(l) <= max_bits))
				return l;
		return TW_SIMD_SCALAR;
	}
	if ((unsigned int)request >= TW_SIMD_MAX) {
		snprintf(err, errlen, "unknown SIMD level %d", request);
		return -EINVAL;
	}
	if (!tw_simd_compiled(request)) {
		snprintf(err, errlen, "SIMD level '%s' is not built into "
			"this binary (not x86-64)", tw_simd_name(request));
		return -ENOTSUP;
	}
	if (!tw_simd_cpu_has(request)) {
		snprintf(err, errlen, "SIMD level '%s' needs CPU features "
			"this CPU lacks", tw_simd_name(request));
		return -ENOTSUP;
	}
	*capped = max_bits != 0 && tw_simd_bits(request) > max_bits;
	return request;
}
