/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Streams (--stats-lines, --stats-csv): a report written a line at a
 * time while the run goes, in place whatever the path is (a regular
 * file is truncated and grows), never blocking the caller: lines wait
 * in a bounded buffer for a FIFO's reader (opened once one comes) and
 * are counted when dropped; what is left is written, waiting as a
 * report file would, when the stream closes.
 *
 * Owns: the stream's buffer and fd. Never touches: report files
 * (tw_outfile.c), what the lines say.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tw_outfile.h"
#include "tw_outfile_private.h"

/* A stream's lines waiting for a slow or absent reader, at most. */
#define STREAM_BUF_MAX (1u << 20)

int
tw_outstream_open(struct tw_outstream *s, const char *path, char *err,
		size_t errlen)
{
	struct stat st;
	int fd;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	fd = tw_outfile_path(s->path, sizeof(s->path), path, err, errlen);
	if (fd != 0)
		return fd < 0 ? fd : 0;
	if (tw_outfile_is_stdout(path)) {
		s->fd = tw_outfile_report_fd();
		return 0;
	}
	if (stat(path, &st) == 0 && (S_ISDIR(st.st_mode) ||
				     S_ISBLK(st.st_mode)))
		return tw_outfile_refuse(path, st.st_mode, err, errlen);
	if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		fd = tw_outfile_connect_socket(path);
	else if (stat(path, &st) == 0 && S_ISFIFO(st.st_mode))
		fd = tw_outfile_open_fifo(path, false);
	else
		/* Grows in place (readable while it runs); a symlink's
		 * target is what is written. */
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK |
			O_NOCTTY | O_CLOEXEC, 0666);
	if (fd == -ENXIO) {
		s->pending_open = true;
		return 0;
	}
	if (fd < 0) {
		if (fd == -1)
			fd = -errno;
		snprintf(err, errlen, "%s: cannot write: %s", path,
			strerror(-fd));
		return fd;
	}
	s->fd = fd;
	return 0;
}

/* Write what the buffer holds that the fd takes now. */
static int
stream_push(struct tw_outstream *s)
{
	size_t done = 0;

	if (s->pending_open) {
		int fd = tw_outfile_open_fifo(s->path, false);

		if (fd == -ENXIO)
			return 0;
		if (fd < 0)
			return fd;
		s->fd = fd;
		s->pending_open = false;
	}
	while (done < s->len) {
		ssize_t n = write(s->fd, s->buf + done, s->len - done);

		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		break;
	}
	memmove(s->buf, s->buf + done, s->len - done);
	s->len -= done;
	return 0;
}

int
tw_outstream_write(struct tw_outstream *s, const char *line, size_t len)
{
	if (s->err != 0 || (s->fd < 0 && !s->pending_open))
		return s->err;
	if (s->len + len > STREAM_BUF_MAX) {
		s->lines_dropped++;
	} else {
		if (s->len + len > s->cap) {
			size_t cap = s->cap ? s->cap : 4096;
			char *b;

			while (cap < s->len + len)
				cap *= 2;
			b = realloc(s->buf, cap);
			if (b == NULL) {
				s->lines_dropped++;
				return 0;
			}
			s->buf = b;
			s->cap = cap;
		}
		memcpy(s->buf + s->len, line, len);
		s->len += len;
	}
	tw_outfile_ignore_sigpipe();
	s->err = stream_push(s);
	return s->err;
}

int
tw_outstream_close(struct tw_outstream *s, char *err, size_t errlen)
{
	int rc = s->err;

	if (s->fd < 0 && !s->pending_open)
		return 0;
	if (rc == 0 && s->pending_open && s->len > 0) {
		int fd = tw_outfile_open_fifo(s->path, true);

		if (fd >= 0) {
			s->fd = fd;
			s->pending_open = false;
		} else {
			rc = fd;
		}
	}
	if (rc == 0 && s->fd >= 0 && s->len > 0)
		rc = tw_outfile_write_all(s->fd, s->buf, s->len, false);
	if (s->fd > STDERR_FILENO && s->fd != tw_outfile_report_fd() &&
	    close(s->fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && s->lines_dropped != 0)
		rc = -ENOBUFS;
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", s->path, rc == -ENXIO ?
			"no reader opened the FIFO" : rc == -ENOBUFS ?
			"lines dropped: the reader did not keep up" :
			rc == -ETIMEDOUT ? "the reader took nothing (gave up)" :
			strerror(-rc));
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	s->fd = -1;
	s->pending_open = false;
	return rc;
}
