/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The harnesses' one way to fail: an invariant that does not hold is
 * printed with its values and aborts, which libFuzzer reports with the
 * input that broke it.
 */
#ifndef TW_FUZZ_CHECK_H
#define TW_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define FZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz invariant failed: %s: ", #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

#endif /* TW_FUZZ_CHECK_H */
