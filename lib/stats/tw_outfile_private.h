/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internal to lib/stats: what report files (tw_outfile.c) and streams
 * (tw_outstream.c) share: the path rules they both apply, and from
 * tw_outfile_io.c where standard output goes and the writes and opens
 * that never block for longer than tw_outfile_set_interrupt allows.
 */
#ifndef TW_OUTFILE_PRIVATE_H
#define TW_OUTFILE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The path a report or stream is named by, into buf: 0; 1 when none is
 * asked for ("" or NULL); or -ENAMETOOLONG with "PATH...: path too
 * long" in err.
 */
int tw_outfile_path(char *buf, size_t len, const char *path, char *err,
		size_t errlen);

/*
 * What a report is never written to (a directory, a block device, or
 * anything else not a file, FIFO, character device or socket):
 * -EISDIR or -EINVAL, with "PATH: is a ..." in err.
 */
int tw_outfile_refuse(const char *path, mode_t mode, char *err,
		size_t errlen);

/* The fd a report named "-" goes to (see tw_outfile_claim_stdout). */
int tw_outfile_report_fd(void);

/* A reader that left must not kill the writer: EPIPE instead. */
void tw_outfile_ignore_sigpipe(void);

/*
 * Write all of buf to fd (non-blocking; sock: a socket), waiting in
 * poll() when full as tw_outfile_set_interrupt says. 0 or -errno
 * (-ETIMEDOUT: given up).
 */
int tw_outfile_write_all(int fd, const char *buf, size_t len, bool sock);

/*
 * A FIFO opened for writing, non-blocking; with wait, its reader
 * waited for as tw_outfile_set_interrupt says. The fd, or -errno
 * (-ENXIO: no reader).
 */
int tw_outfile_open_fifo(const char *path, bool wait);

/* A non-blocking connection to the Unix socket at path, or -errno. */
int tw_outfile_connect_socket(const char *path);

#endif /* TW_OUTFILE_PRIVATE_H */
