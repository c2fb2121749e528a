/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cmocka fixture of the RX unit tests: a scalar receiver over the
 * test feed (tw_test_rx.h) and a frame buffer. Include after cmocka.h.
 */
#ifndef TW_TEST_FIXTURE_H
#define TW_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdlib.h>

#include "tw_test_rx.h"

struct tt_fixture {
	struct tt_rx rx;
	uint8_t frame[TT_FRAME_MAX];
};

/* A fixture whose feed takes one session (or, session_any, each one). */
static inline int
tt_fixture_setup(void **state, bool session_any)
{
	struct tt_fixture *f = aligned_alloc(64, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(tt_rx_init(&f->rx, 0, TT_SYMBOLS, TW_SIMD_SCALAR),
		0);
	f->rx.feed.session_any = session_any;
	*state = f;
	return 0;
}

static inline int
tt_setup(void **state)
{
	return tt_fixture_setup(state, false);
}

static inline int
tt_teardown(void **state)
{
	struct tt_fixture *f = *state;

	tt_rx_fini(&f->rx);
	free(f);
	return 0;
}

#endif /* TW_TEST_FIXTURE_H */
