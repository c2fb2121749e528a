/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Report files: opened when the run starts (so a bad path fails before
 * any work), written to a temporary name beside the target and renamed
 * over it only once complete, so a reader never sees a partial file and
 * a full disk never leaves a truncated one. Errors carry the path and
 * strerror.
 *
 * Owns: the temporary name, the checks of every write, flush, sync,
 * close and rename. Never touches: what is written (the caller's
 * writer), the data path.
 */
#ifndef TW_OUTFILE_H
#define TW_OUTFILE_H

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "tw_hist.h"

struct tw_outfile {
	char path[PATH_MAX];
	char tmp[PATH_MAX + 32];
	FILE *f;                /* NULL: not asked for */
};

/*
 * Open PATH.tmp-PID for writing ("" or NULL: nothing asked, o->f
 * stays NULL). 0, or -errno with "PATH: cannot create ...: reason" in
 * err.
 */
int tw_outfile_open(struct tw_outfile *o, const char *path, char *err,
		size_t errlen);

/*
 * Finish a file the caller wrote (rc: the writer's result): flush,
 * sync, close and rename over the target when all went well; otherwise
 * remove the temporary file. 0 (also when not asked for), or -errno
 * with "PATH: ...: reason" in err.
 */
int tw_outfile_close(struct tw_outfile *o, int rc, char *err, size_t errlen);

/* The latency CSVs: PREFIX.<span>.csv for each span (TW_SPAN_MAX). */
int tw_outfile_open_latency(struct tw_outfile *out, const char *prefix,
		char *err, size_t errlen);

#endif /* TW_OUTFILE_H */
