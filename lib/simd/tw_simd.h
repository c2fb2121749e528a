/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SIMD levels and the one place that picks one.
 *
 * Owns: the names of the levels, what each needs from the CPU, and the
 * choice at start: the best level the CPU has, capped by the EAL's
 * max SIMD bitwidth (so --force-max-simd-bitwidth works), or the level
 * the user asked for.
 * Never touches: the kernels themselves; each module keeps one source
 * file per level, built with that level's compiler flags, and a table
 * indexed by enum tw_simd.
 */
#ifndef TW_SIMD_H
#define TW_SIMD_H

#include <stdbool.h>
#include <stddef.h>

#include <rte_config.h>

enum tw_simd {
	TW_SIMD_SCALAR,         /* the reference: plain C, baseline flags */
	TW_SIMD_SSE,            /* SSE4.2 (with SSSE3 shuffles), 128 bit */
	TW_SIMD_AVX2,           /* AVX2, 256 bit */
	TW_SIMD_AVX512,         /* AVX-512 F+BW+VL+DQ, 512 bit */
	TW_SIMD_MAX,
	TW_SIMD_AUTO = TW_SIMD_MAX, /* a request: best allowed */
};

/* "scalar", "sse", "avx2", "avx512" ("auto" for TW_SIMD_AUTO). */
const char *tw_simd_name(enum tw_simd level);

/* Parse a name; -ENOENT when it names no level. */
int tw_simd_from_name(const char *name);

/* Vector width in bits of a level (64 for scalar). */
unsigned int tw_simd_bits(enum tw_simd level);

/* Built into this binary (x86-64 builds have all four). */
bool tw_simd_compiled(enum tw_simd level);

/* The CPU has every feature the level's code uses. */
bool tw_simd_cpu_has(enum tw_simd level);

/*
 * Resolve a request. AUTO: the best level compiled in, present on the
 * CPU and no wider than max_bits (rte_vect_get_max_simd_bitwidth(), or
 * 0 for no cap). A named level must be compiled in and present on the
 * CPU, else -ENOTSUP (-EINVAL: no such level) with the reason in err; a named level wider than
 * max_bits is allowed (the request is explicit) and *capped is set so
 * the caller can say so.
 */
int tw_simd_resolve(enum tw_simd request, unsigned int max_bits,
		bool *capped, char *err, size_t errlen);

/*
 * The one way a library chooses a level's functions. A library with a
 * kernel fn built once per level (fn_scalar, fn_sse, fn_avx2,
 * fn_avx512, each from its own source and flags) declares them in its
 * private header with TW_SIMD_DECLARE and keeps a table
 *
 *	static const fn_t fns[TW_SIMD_MAX] = TW_SIMD_TABLE(fn);
 *
 * from which tw_simd_pick(fns, level) gives the level's function, or
 * NULL for a level this build lacks (only scalar off x86-64).
 */
#ifdef RTE_ARCH_X86_64
#define TW_SIMD_DECLARE(ret, fn, args) \
	ret fn ## _scalar args; ret fn ## _sse args; \
	ret fn ## _avx2 args; ret fn ## _avx512 args
#define TW_SIMD_TABLE(fn) { \
	[TW_SIMD_SCALAR] = fn ## _scalar, [TW_SIMD_SSE] = fn ## _sse, \
	[TW_SIMD_AVX2] = fn ## _avx2, [TW_SIMD_AVX512] = fn ## _avx512 }
#else
#define TW_SIMD_DECLARE(ret, fn, args) ret fn ## _scalar args
#define TW_SIMD_TABLE(fn) { [TW_SIMD_SCALAR] = fn ## _scalar }
#endif
#define tw_simd_pick(table, level) \
	((unsigned int)(level) < TW_SIMD_MAX ? (table)[level] : NULL)

#endif /* TW_SIMD_H */
