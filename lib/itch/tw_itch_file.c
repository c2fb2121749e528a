/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Day files (NASDAQ's framing: a 2-byte big-endian length, then the
 * message; plain or gzip) read into memory and checked message by
 * message, and the count of a sent ITCH message by kind.
 *
 * Owns: loading and freeing a tw_itch_file, tw_itch_count_sent.
 * Never touches: the model, frames, books (tw_itch_gen.c sends a file).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <rte_common.h>

#include "tw_itch.h"
#include "tw_itch_gen.h"

int
tw_itch_file_load(struct tw_itch_file *f, const char *path, char *err,
		size_t errlen)
{
	gzFile z = gzopen(path, "rb");
	size_t cap = 1 << 20, off;
	int n;

	memset(f, 0, sizeof(*f));
	if (z == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ?
			errno : ENOENT));
		return -ENOENT;
	}
	f->data = malloc(cap);
	while (f->data != NULL && (n = gzread(z, f->data + f->len,
			(unsigned int)RTE_MIN(cap - f->len,
				(size_t)1 << 30))) > 0) {
		f->len += (size_t)n;
		if (f->len == cap) {
			uint8_t *bigger = realloc(f->data, cap * 2);

			if (bigger == NULL) {
				free(f->data);
				f->data = NULL;
				break;
			}
			f->data = bigger;
			cap *= 2;
		}
	}
	gzclose(z);
	if (f->data == NULL) {
		snprintf(err, errlen, "%s: no memory for it", path);
		return -ENOMEM;
	}
	/* Whole messages of known types and their sizes, nothing else. */
	for (off = 0; off < f->len;) {
		uint16_t len;
		const uint8_t *m;

		if (f->len - off < 2 ||
		    (len = (uint16_t)(f->data[off] << 8 | f->data[off + 1]),
		     f->len - off - 2 < len)) {
			snprintf(err, errlen, "%s: the last %zu bytes are no "
				"whole message", path, f->len - off);
			goto bad;
		}
		m = f->data + off + 2;
		if (len == 0 || tw_itch_len[m[0]] != len) {
			snprintf(err, errlen, "%s: message %" PRIu64 " at byte "
				"%zu: %u bytes of type 0x%02x, not an ITCH 5.0 "
				"message of that type", path, f->msgs + 1, off,
				len, len ? m[0] : 0);
			goto bad;
		}
		if (f->msgs == 0)
			f->first_ts = tw_itch_timestamp(m);
		f->last_ts = tw_itch_timestamp(m);
		f->max_locate = RTE_MAX(f->max_locate,
			(uint32_t)tw_itch_locate(m));
		f->msgs++;
		off += 2 + (size_t)len;
	}
	return 0;
bad:
	tw_itch_file_free(f);
	return -EINVAL;
}

void
tw_itch_file_free(struct tw_itch_file *f)
{
	free(f->data);
	memset(f, 0, sizeof(*f));
}

void
tw_itch_count_sent(struct tw_gen_counters *ctr, const uint8_t *m,
		uint16_t len)
{
	if (len < TW_ITCH_HDR_LEN)
		ctr->other_msgs++;
	else if (m[0] == TW_ITCH_STOCK_DIRECTORY)
		ctr->directories++;
	else if (tw_itch_locate(m) == 0)
		ctr->events++;
	else
		ctr->ticks++;
}
