/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Report files: a path checked at the start and the report delivered
 * at the end by what the path names (tw_outfile.h): a regular or new
 * file through a temporary file renamed over it, a symlink's target by
 * the same rules, a FIFO, character device or socket written in place
 * once it is still what was checked, "-" and this process's own
 * standard output or error written there; the latency CSVs' set.
 *
 * Owns: those rules, the temporary name, the checks of every flush,
 * sync, close and rename. Never touches: what is written (the caller's
 * writer), streams (tw_outstream.c), how a wait ends
 * (tw_outfile_io.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tw_outfile.h"
#include "tw_outfile_private.h"

/* Symlinks followed to find what a dangling one would create. */
#define LINK_HOPS_MAX 40

int
tw_outfile_path(char *buf, size_t len, const char *path, char *err,
		size_t errlen)
{
	if (path == NULL || path[0] == '\0')
		return 1;
	if ((size_t)snprintf(buf, len, "%s", path) >= len) {
		snprintf(err, errlen, "%.200s...: path too long", path);
		return -ENAMETOOLONG;
	}
	return 0;
}

int
tw_outfile_refuse(const char *path, mode_t mode, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: is a %s, not a file to write a report to",
		path, S_ISDIR(mode) ? "directory" : "block device");
	return S_ISDIR(mode) ? -EISDIR : -EINVAL;
}

/*
 * What a dangling symlink at path would create: follow the chain of
 * links to the first name that does not exist (relative links are
 * relative to their own directory).
 */
static int
dangling_target(const char *path, char *out, size_t outlen)
{
	char cur[PATH_MAX], link[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	unsigned int hop;
	ssize_t n;

	snprintf(cur, sizeof(cur), "%s", path);
	for (hop = 0; hop < LINK_HOPS_MAX; hop++) {
		if (lstat(cur, &st) != 0)
			break;
		if (!S_ISLNK(st.st_mode))
			return -ELOOP;  /* it exists after all: a race */
		n = readlink(cur, link, sizeof(link) - 1);
		if (n < 0)
			return -errno;
		link[n] = '\0';
		if (link[0] == '/') {
			snprintf(cur, sizeof(cur), "%s", link);
			continue;
		}
		snprintf(dir, sizeof(dir), "%s", cur);
		if ((size_t)snprintf(cur, sizeof(cur), "%s/%s", dirname(dir),
				link) >= sizeof(cur))
			return -ENAMETOOLONG;
	}
	if (hop == LINK_HOPS_MAX)
		return -ELOOP;
	if (errno != ENOENT)
		return -errno;
	if ((size_t)snprintf(out, outlen, "%s", cur) >= outlen)
		return -ENAMETOOLONG;
	return 0;
}

/* The kind of what path names (after symlinks) and the file to write. */
static int
classify(struct tw_outfile *o, struct stat *st, bool *exists, char *err,
		size_t errlen)
{
	const char *path = o->path;
	int rc, fd;

	*exists = false;
	snprintf(o->target, sizeof(o->target), "%s", path);
	if (lstat(path, st) != 0) {
		if (errno != ENOENT)
			goto fail;
		o->kind = TW_OUT_REPLACE;
		return 0;
	}
	if (S_ISLNK(st->st_mode)) {
		if (stat(path, st) != 0) {
			if (errno != ENOENT)
				goto fail;
			/* Dangling: the file it names is created. */
			rc = dangling_target(path, o->target,
				sizeof(o->target));
			if (rc != 0) {
				snprintf(err, errlen, "%s: cannot follow the "
					"symlink: %s", path, strerror(-rc));
				return rc;
			}
			o->kind = TW_OUT_REPLACE;
			return 0;
		}
		/* A regular file behind it is replaced where it is. */
		if (S_ISREG(st->st_mode) && realpath(path, o->target) == NULL)
			goto fail;
	}
	*exists = true;
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	/* This process's own standard output or error (/dev/stdout, a file
	 * the shell redirected it to): written there, never replaced. */
	for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++) {
		int out = fd == STDOUT_FILENO ? tw_outfile_report_fd() : fd;
		struct stat sf;

		if (fstat(out, &sf) == 0 &&
		    sf.st_dev == st->st_dev && sf.st_ino == st->st_ino) {
			o->kind = TW_OUT_STDOUT;
			o->std_fd = out;
			return 0;
		}
	}
	if (S_ISREG(st->st_mode)) {
		o->kind = TW_OUT_REPLACE;
	} else if (S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode) ||
		   S_ISSOCK(st->st_mode)) {
		o->kind = TW_OUT_INPLACE;
		o->fifo = S_ISFIFO(st->st_mode);
		o->sock = S_ISSOCK(st->st_mode);
	} else {
		return tw_outfile_refuse(path, st->st_mode, err, errlen);
	}
	return 0;
fail:
	rc = -errno;
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return rc;
}

/*
 * A temporary name beside target that fits a directory entry, unique to
 * this process and attempt (a leftover of a killed run with the same
 * pid, or a sibling report, never collides).
 */
static void
tmp_name(struct tw_outfile *o)
{
	static unsigned int seq;
	char dir[PATH_MAX], base[PATH_MAX];
	struct timespec ts;
	const char *b;
	unsigned int tag;

	clock_gettime(CLOCK_REALTIME, &ts);
	tag = (unsigned int)ts.tv_nsec ^ (++seq * 2654435761u);
	snprintf(base, sizeof(base), "%s", o->target);
	b = basename(base);
	if (strlen(b) + 32 < NAME_MAX) {
		snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-%d-%08x", o->target,
			(int)getpid(), tag);
		return;
	}
	snprintf(dir, sizeof(dir), "%s", o->target);
	snprintf(o->tmp, sizeof(o->tmp), "%s/.tickwire-%d-%08x.tmp",
		dirname(dir), (int)getpid(), tag);
}

static int
open_replace(struct tw_outfile *o, const struct stat *st, bool exists,
		char *err, size_t errlen)
{
	unsigned int tries;
	int fd, rc;

	for (tries = 0; ; tries++) {
		tmp_name(o);
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST || tries == 16)
			break;
	}
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot create (as %s): %s",
			o->path, o->tmp, strerror(errno));
		o->tmp[0] = '\0';
		return rc;
	}
	if (exists) {
		/* What replaces it keeps its mode (and owner, as root). */
		if (fchmod(fd, st->st_mode & 07777) != 0) {
			/* not ours to change: the umask's mode stays */
		}
		if (geteuid() == 0 && fchown(fd, st->st_uid, st->st_gid) != 0) {
			/* best effort, as cp -p */
		}
	}
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		rc = -errno;
		close(fd);
		unlink(o->tmp);
		o->tmp[0] = '\0';
		snprintf(err, errlen, "%s: %s", o->path, strerror(-rc));
		return rc;
	}
	return 0;
}

/* Open what is written in place (a FIFO's reader waited for or not). */
static int
open_inplace(const struct tw_outfile *o, bool wait)
{
	int fd;

	if (o->sock)
		return tw_outfile_connect_socket(o->target);
	if (o->fifo)
		return tw_outfile_open_fifo(o->target, wait);
	fd = open(o->target, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

/* In place: can it be written at all? (A FIFO's reader and a socket's
 * listener are waited for at the end.) */
static int
check_inplace(struct tw_outfile *o, char *err, size_t errlen)
{
	int fd;

	/* Opening a FIFO would show its reader an end of file: asked. */
	if (o->sock || o->fifo)
		fd = access(o->target, W_OK) == 0 ? INT_MAX : -errno;
	else
		fd = open_inplace(o, false);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", o->path,
			strerror(-fd));
		return fd;
	}
	if (fd != INT_MAX)
		close(fd);
	return 0;
}

int
tw_outfile_open(struct tw_outfile *o, const char *path, char *err,
		size_t errlen)
{
	struct stat st;
	bool exists;
	int rc;

	memset(o, 0, sizeof(*o));
	rc = tw_outfile_path(o->path, sizeof(o->path), path, err, errlen);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (tw_outfile_is_stdout(path)) {
		o->kind = TW_OUT_STDOUT;
		o->std_fd = tw_outfile_report_fd();
	} else {
		rc = classify(o, &st, &exists, err, errlen);
		if (rc != 0)
			return rc;
		if (o->kind == TW_OUT_REPLACE)
			return open_replace(o, &st, exists, err, errlen);
		if (o->kind == TW_OUT_INPLACE)
			rc = check_inplace(o, err, errlen);
		if (rc != 0)
			return rc;
	}
	/* Written in memory, delivered in place at the end. */
	o->f = open_memstream(&o->buf, &o->len);
	if (o->f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	return 0;
}

/* The report in memory, to where it goes. */
static int
deliver(struct tw_outfile *o, const char **what)
{
	int fd, rc;

	struct stat st;

	if (o->kind == TW_OUT_STDOUT)
		return tw_outfile_write_all(o->std_fd, o->buf, o->len, false);
	*what = "open";
	fd = open_inplace(o, true);
	if (fd < 0)
		return fd;
	/* Still what was checked at the start (a path re-pointed or
	 * replaced meanwhile is not written), and never a regular file. */
	if (!o->sock && (fstat(fd, &st) != 0 || S_ISREG(st.st_mode) ||
			 st.st_dev != o->dev || st.st_ino != o->ino)) {
		close(fd);
		return -ESTALE;
	}
	*what = "write";
	rc = tw_outfile_write_all(fd, o->buf, o->len, o->sock);
	close(fd);
	return rc;
}

int
tw_outfile_close(struct tw_outfile *o, int rc, char *err, size_t errlen)
{
	const char *what = "write";

	if (o->f == NULL)
		return 0;
	if (rc != 0 || ferror(o->f)) {
		/* The writer failed: flushing again names the reason. */
		clearerr(o->f);
		if (fflush(o->f) != 0)
			rc = -errno;
		else if (rc == 0)
			rc = -EIO;
	} else if (fflush(o->f) != 0) {
		rc = -errno;
	} else if (rc == 0 && o->kind == TW_OUT_REPLACE &&
		   fsync(fileno(o->f)) != 0 && errno != EINVAL) {
		rc = -errno;
		what = "sync";
	}
	if (fclose(o->f) != 0 && rc == 0) {
		rc = -errno;
		what = "close";
	}
	o->f = NULL;
	if (rc == 0 && o->kind == TW_OUT_REPLACE &&
	    rename(o->tmp, o->target) != 0) {
		rc = -errno;
		what = "rename";
	}
	if (rc == 0 && o->kind != TW_OUT_REPLACE)
		rc = deliver(o, &what);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s failed: %s%s", o->path, what,
			rc == -ENXIO && o->fifo ? "no reader opened the FIFO" :
			rc == -ETIMEDOUT ? "the reader took nothing (gave up)" :
			rc == -ESTALE ? "it is no longer what was checked at "
			"the start (not written)" :
			strerror(-rc), o->kind == TW_OUT_REPLACE ?
			" (nothing written)" : "");
	if (rc != 0 && o->kind == TW_OUT_REPLACE)
		unlink(o->tmp);
	free(o->buf);
	o->buf = NULL;
	o->tmp[0] = '\0';
	return rc;
}

void
tw_outfile_discard(struct tw_outfile *o)
{
	if (o->f != NULL)
		fclose(o->f);
	o->f = NULL;
	if (o->kind == TW_OUT_REPLACE && o->tmp[0] != '\0')
		unlink(o->tmp);
	o->tmp[0] = '\0';
	free(o->buf);
	o->buf = NULL;
}

int
tw_outfile_open_latency(struct tw_outfile *out, const char *prefix,
		char *err, size_t errlen)
{
	char path[PATH_MAX];
	unsigned int sp;
	int rc;

	for (sp = 0; sp < TW_SPAN_MAX; sp++)
		memset(&out[sp], 0, sizeof(out[sp]));
	if (prefix == NULL || prefix[0] == '\0')
		return 0;
	if (tw_outfile_is_stdout(prefix)) {
		snprintf(err, errlen, "--latency-csv -: a prefix of several "
			"files, not standard output");
		return -EINVAL;
	}
	for (sp = 0; sp < TW_SPAN_MAX; sp++) {
		if ((size_t)snprintf(path, sizeof(path), "%s.%s.csv", prefix,
				tw_lat_span_file(sp)) >= sizeof(path)) {
			snprintf(err, errlen, "%.200s...: path too long",
				prefix);
			rc = -ENAMETOOLONG;
		} else {
			rc = tw_outfile_open(&out[sp], path, err, errlen);
		}
		if (rc != 0) {
			while (sp-- > 0)
				tw_outfile_discard(&out[sp]);
			return rc;
		}
	}
	return 0;
}
