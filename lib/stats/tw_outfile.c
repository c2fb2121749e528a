/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tw_outfile.h"

int
tw_outfile_open(struct tw_outfile *o, const char *path, char *err,
		size_t errlen)
{
	int rc;

	o->f = NULL;
	o->path[0] = o->tmp[0] = '\0';
	if (path == NULL || path[0] == '\0')
		return 0;
	if ((size_t)snprintf(o->path, sizeof(o->path), "%s", path) >=
	    sizeof(o->path)) {
		snprintf(err, errlen, "%.200s...: path too long", path);
		return -ENAMETOOLONG;
	}
	snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-%d", path, (int)getpid());
	o->f = fopen(o->tmp, "w");
	if (o->f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot create (as %s): %s", path,
			o->tmp, strerror(errno));
		return rc;
	}
	return 0;
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
	} else if (rc == 0 && fsync(fileno(o->f)) != 0 && errno != EINVAL) {
		rc = -errno;
		what = "sync";
	}
	if (fclose(o->f) != 0 && rc == 0) {
		rc = -errno;
		what = "close";
	}
	o->f = NULL;
	if (rc == 0 && rename(o->tmp, o->path) != 0) {
		rc = -errno;
		what = "rename";
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s failed: %s (nothing written)",
			o->path, what, strerror(-rc));
		unlink(o->tmp);
	}
	return rc;
}

int
tw_outfile_open_latency(struct tw_outfile *out, const char *prefix,
		char *err, size_t errlen)
{
	char path[PATH_MAX];
	unsigned int sp;
	int rc;

	for (sp = 0; sp < TW_SPAN_MAX; sp++)
		out[sp].f = NULL;
	if (prefix == NULL || prefix[0] == '\0')
		return 0;
	for (sp = 0; sp < TW_SPAN_MAX; sp++) {
		snprintf(path, sizeof(path), "%s.%s.csv", prefix,
			tw_lat_span_file(sp));
		rc = tw_outfile_open(&out[sp], path, err, errlen);
		if (rc != 0) {
			while (sp-- > 0)
				tw_outfile_close(&out[sp], rc, err, 0);
			return rc;
		}
	}
	return 0;
}
