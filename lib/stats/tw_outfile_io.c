/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What report files and streams share: where "-" goes (standard output,
 * or the copy of it tw_outfile_claim_stdout keeps), how long a writer
 * may wait for a slow or absent reader and what interrupts it, and the
 * writes and opens that wait that way: all of a buffer to a
 * non-blocking fd, a FIFO's writing end, a Unix socket's connection.
 *
 * Owns: the process-wide delivery state (the report fd, the signals
 * and the limit of a wait) and SIGPIPE's disposition when it was the
 * default. Never touches: paths' rules (tw_outfile.c), the stream's
 * buffer (tw_outstream.c), what is written.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tw_outfile.h"
#include "tw_outfile_private.h"

/* A blocked writer looks at the clock and the signals this often. */
#define WAIT_STEP_MS 20

static const volatile int *intr_signals;
static unsigned int wait_limit_ms = 10000;
static int report_fd = STDOUT_FILENO;   /* "-": see claim_stdout */

void
tw_outfile_set_interrupt(const volatile int *signals, unsigned int limit_ms)
{
	intr_signals = signals;
	wait_limit_ms = limit_ms;
}

int
tw_outfile_claim_stdout(void)
{
	int fd;

	if (report_fd != STDOUT_FILENO)
		return 0;
	fflush(stdout);
	fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return -errno;
	if (dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	report_fd = fd;
	return 0;
}

int
tw_outfile_report_fd(void)
{
	return report_fd;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A wait that began at `since` with `sig` signals seen may go on. */
static bool
may_wait(uint64_t since, int sig)
{
	if (intr_signals != NULL && *intr_signals != sig)
		return false;
	return now_ms() - since < wait_limit_ms;
}

static int
signals_now(void)
{
	return intr_signals != NULL ? *intr_signals : 0;
}

/* A reader that left must not kill the writer: EPIPE instead. */
void
tw_outfile_ignore_sigpipe(void)
{
	struct sigaction sa;

	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
		sa.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &sa, NULL);
	}
}

/* Write all of buf to fd (non-blocking), waiting in poll() when full. */
int
tw_outfile_write_all(int fd, const char *buf, size_t len, bool sock)
{
	uint64_t since = now_ms();
	int sig = signals_now();

	tw_outfile_ignore_sigpipe();
	while (len > 0) {
		ssize_t n = sock ? send(fd, buf, len, MSG_NOSIGNAL) :
			write(fd, buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		if (!may_wait(since, sig))
			return -ETIMEDOUT;
		poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1,
			WAIT_STEP_MS);
	}
	return 0;
}

/* A FIFO opened for writing; its reader waited for (ENXIO: none yet). */
int
tw_outfile_open_fifo(const char *path, bool wait)
{
	uint64_t since = now_ms();
	int sig = signals_now();
	int fd;

	for (;;) {
		fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0 || errno != ENXIO || !wait)
			return fd >= 0 ? fd : -errno;
		if (!may_wait(since, sig))
			return -ENXIO;
		usleep(WAIT_STEP_MS * 1000);
	}
}

int
tw_outfile_connect_socket(const char *path)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int i;
	int fd, rc = -EPROTOTYPE;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC | SOCK_NONBLOCK,
			0);
		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		rc = -errno;
		close(fd);
		if (rc != -EPROTOTYPE)
			break;
	}
	return rc;
}
