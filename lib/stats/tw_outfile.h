/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Report files: the paths a user names for tickwire to write. They are
 * checked when the run starts (before the EAL takes hugepages, so a bad
 * path costs nothing) and written when it ends, without ever harming
 * what the path names:
 *
 *   - a regular file, or a name that does not exist yet: written to a
 *     temporary file beside it (created exclusively, never through a
 *     symlink) and renamed over it once complete, so a reader never
 *     sees a partial report and a full disk never leaves a truncated one;
 *   - a symlink stays a symlink: what it points to is written, by the
 *     rule of what that is;
 *   - a FIFO, character device or socket is opened and written in place
 *     (never replaced), without blocking: a writer that would block
 *     waits in poll() for at most the delivery limit and gives up on a
 *     signal (tw_outfile_set_interrupt);
 *   - "-" is standard output (tw_outfile_claim_stdout moves the human
 *     output to standard error first);
 *   - a directory or block device is refused.
 *
 * A stream (--stats-interval) is written a line at a time while the run
 * goes: in place whatever the path is (a regular file is truncated and
 * grows), never blocking the caller: lines wait in a bounded buffer for
 * a FIFO's reader and are counted when dropped.
 *
 * Owns: those rules, the temporary name, the checks of every write,
 * flush, sync, close and rename. Never touches: what is written (the
 * caller's writer), the data path. Errors carry the path and strerror.
 */
#ifndef TW_OUTFILE_H
#define TW_OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tw_hist.h"

enum tw_outfile_kind {
	TW_OUT_NONE,            /* not asked for */
	TW_OUT_REPLACE,         /* regular or new: temporary, then rename */
	TW_OUT_INPLACE,         /* FIFO, character device, socket */
	TW_OUT_STDOUT,          /* "-" */
};

struct tw_outfile {
	char path[PATH_MAX];    /* as named */
	char target[PATH_MAX];  /* what is written (a symlink's target) */
	char tmp[PATH_MAX + 32];
	enum tw_outfile_kind kind;
	bool fifo;              /* in place: a FIFO (may wait for a reader) */
	bool sock;              /* in place: a socket (connected at close) */
	dev_t dev;              /* in place: what was checked, so what is */
	ino_t ino;              /* opened at the end is the same thing */
	int std_fd;             /* TW_OUT_STDOUT: the fd (1, or 2) */
	FILE *f;                /* the caller writes here; NULL: none */
	char *buf;              /* in place: the report, until delivered */
	size_t len;
};

/*
 * Check PATH by the rules above and get it ready for writing ("" or
 * NULL: nothing asked, o->f stays NULL). 0, or -errno with
 * "PATH: why" in err.
 */
int tw_outfile_open(struct tw_outfile *o, const char *path, char *err,
		size_t errlen);

/*
 * Finish a file the caller wrote (rc: the writer's result): deliver it
 * when all went well (rename over the target, or write in place);
 * otherwise remove the temporary file and leave the target as it was.
 * 0 (also when not asked for), or -errno with "PATH: ...: reason" in
 * err.
 */
int tw_outfile_close(struct tw_outfile *o, int rc, char *err, size_t errlen);

/* Give up a file opened and not closed (an error, a stop): nothing is
 * written, the temporary file is removed. */
void tw_outfile_discard(struct tw_outfile *o);

/* The latency CSVs: PREFIX.<span>.csv for each span (TW_SPAN_MAX). */
int tw_outfile_open_latency(struct tw_outfile *out, const char *prefix,
		char *err, size_t errlen);

/* The path means standard output. */
static inline bool
tw_outfile_is_stdout(const char *path)
{
	return path != NULL && path[0] == '-' && path[1] == '\0';
}

/*
 * Reports go to standard output from now on, and everything else the
 * process prints there goes to standard error: fd 1 becomes a copy of
 * fd 2, the reports write to a copy of the old fd 1. Call once, before
 * anything is printed. 0 or -errno.
 */
int tw_outfile_claim_stdout(void);

/*
 * A writer that would block (a FIFO's reader, a full pipe) waits at
 * most limit_ms, and gives up as soon as *signals changes (NULL: only
 * the limit). Process-wide.
 */
void tw_outfile_set_interrupt(const volatile int *signals,
		unsigned int limit_ms);

/* A stream: a line at a time while the run goes (see above). */
struct tw_outstream {
	char path[PATH_MAX];
	int fd;                 /* -1: not open (yet) */
	bool pending_open;      /* a FIFO with no reader yet */
	char *buf;              /* lines not written yet */
	size_t len, cap;
	uint64_t lines_dropped; /* the buffer was full */
	int err;                /* the first write error (-errno), or 0 */
};

/* Open (or check, for a FIFO with no reader) PATH. 0 or -errno. */
int tw_outstream_open(struct tw_outstream *s, const char *path, char *err,
		size_t errlen);

/* Queue one line (with its newline) and write what can be, never
 * blocking. 0, or the stream's error (-errno): it stops writing. */
int tw_outstream_write(struct tw_outstream *s, const char *line, size_t len);

/* Write what is left (waiting as tw_outfile_set_interrupt says), close.
 * 0, or -errno with the reason in err. */
int tw_outstream_close(struct tw_outstream *s, char *err, size_t errlen);

#endif /* TW_OUTFILE_H */
