/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Integration test helpers: run the real tickwire binary (and tshark,
 * ip) as child processes with time limits, read what they wrote.
 * TW_BIN, TW_SRC and TW_OUT come from meson; TW_EAL_EXTRA from the
 * environment (scripts/test.sh sets --no-huge where hugepages are not
 * available).
 */
#ifndef TW_ITEST_H
#define TW_ITEST_H

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define IT_MAX_ARGS 64

/* tickwire's exit statuses (tickwire(1), EXIT STATUS). */
#define IT_WHOLE 0
#define IT_FAILED 1
#define IT_USAGE 2
#define IT_NOT_WHOLE 3

/* Log files of this test go to TW_OUT/<name>.<what>. */
static inline const char *
it_path(const char *name)
{
	/* Enough that a test's paths outlive its later calls. */
	static char buf[64][512];
	static int i;

	i = (i + 1) % 64;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", TW_OUT, name);
	return buf[i];
}

/*
 * The files of one run named name in the output directory: its stats
 * JSON (one process, or -gen and -proc), cache, truth, books, truth
 * books and day file.
 */
struct it_run_files {
	char json[512], gjson[512], pjson[512];
	char cache[512], truth[512], books[512], tbooks[512], day[512];
};

static inline void
it_run_files(struct it_run_files *f, const char *name)
{
	snprintf(f->json, sizeof(f->json), "%s/%s.json", TW_OUT, name);
	snprintf(f->gjson, sizeof(f->gjson), "%s/%s-gen.json", TW_OUT, name);
	snprintf(f->pjson, sizeof(f->pjson), "%s/%s-proc.json", TW_OUT, name);
	snprintf(f->cache, sizeof(f->cache), "%s/%s.cache.csv", TW_OUT, name);
	snprintf(f->truth, sizeof(f->truth), "%s/%s.truth.csv", TW_OUT, name);
	snprintf(f->books, sizeof(f->books), "%s/%s.books.csv", TW_OUT, name);
	snprintf(f->tbooks, sizeof(f->tbooks), "%s/%s.truth-books.csv",
		TW_OUT, name);
	snprintf(f->day, sizeof(f->day), "%s/%s.itch", TW_OUT, name);
}

/*
 * argv of tickwire: binary, extra EAL options (TW_EAL_EXTRA, then eal
 * when not NULL), --, then the given.
 */
static inline int
it_tickwire_argv_eal(char **out, const char *eal, const char *const *opts)
{
	static char extra[512];
	const char *env = getenv("TW_EAL_EXTRA");
	char *tok, *save = NULL;
	int n = 0;

	out[n++] = (char *)TW_BIN;
	snprintf(extra, sizeof(extra), "%s", env != NULL ? env : "");
	for (tok = strtok_r(extra, " ", &save); tok != NULL;
	     tok = strtok_r(NULL, " ", &save))
		out[n++] = tok;
	if (eal != NULL)
		out[n++] = (char *)eal;
	out[n++] = (char *)"--";
	for (; *opts != NULL && n < IT_MAX_ARGS - 1; opts++)
		out[n++] = (char *)*opts;
	out[n] = NULL;
	return n;
}

static inline int
it_tickwire_argv(char **out, const char *const *opts)
{
	return it_tickwire_argv_eal(out, NULL, opts);
}

/* Start argv with stdout and stderr into log; returns the pid. */
static inline pid_t
it_spawn(char *const *argv, const char *log)
{
	pid_t pid;
	int i;

	fprintf(stderr, "run:");
	for (i = 0; argv[i] != NULL; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, "\n  log: %s\n", log);
	pid = fork();
	if (pid == 0) {
		if (freopen(log, "w", stdout) == NULL ||
		    dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Wait for pid up to timeout_s; on timeout kill it. Exit status or -1. */
static inline int
it_wait(pid_t pid, int timeout_s)
{
	int status, waited_ms;

	for (waited_ms = 0; waited_ms < timeout_s * 1000; waited_ms += 20) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		usleep(20 * 1000);
	}
	fprintf(stderr, "timeout after %d s: killing %d\n", timeout_s, pid);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static inline int
it_run(char *const *argv, const char *log, int timeout_s)
{
	return it_wait(it_spawn(argv, log), timeout_s);
}

/*
 * Wait until a child's log says text (a phase it reached), up to
 * timeout_s: a test steps on what happened, never on how long it took
 * a loaded host to get there. 0, or -1 on time out.
 */
static inline int
it_wait_for(const char *log, const char *text, int timeout_s)
{
	int waited_ms;

	for (waited_ms = 0; waited_ms < timeout_s * 1000; waited_ms += 50) {
		FILE *f = fopen(log, "r");
		char line[1024];
		int found = 0;

		while (f != NULL && !found && fgets(line, sizeof(line), f))
			found = strstr(line, text) != NULL;
		if (f != NULL)
			fclose(f);
		if (found)
			return 0;
		usleep(50 * 1000);
	}
	fprintf(stderr, "%s: no '%s' within %d s\n", log, text, timeout_s);
	return -1;
}

/* Run tickwire with opts; prints the log tail when it fails. */
static inline int
it_tickwire(const char *const *opts, const char *log, int timeout_s)
{
	char *argv[IT_MAX_ARGS];
	int rc;

	it_tickwire_argv(argv, opts);
	rc = it_run(argv, log, timeout_s);
	if (rc != 0) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "tail -30 %s >&2", log);
		if (system(cmd) != 0)
			fprintf(stderr, "(no log)\n");
	}
	return rc;
}

static inline char *
it_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	if (buf == NULL || fread(buf, 1, n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/*
 * Value of "key": N in a stats JSON. obj names the enclosing object
 * ("generator", "rx", "drops") or is NULL for a top-level key. Returns
 * UINT64_MAX when absent.
 */
static inline uint64_t
it_json_u64(const char *json, const char *obj, const char *key)
{
	char pat[128];
	const char *p = json;

	if (obj != NULL) {
		snprintf(pat, sizeof(pat), "\"%s\": {", obj);
		p = strstr(json, pat);
		if (p == NULL)
			return UINT64_MAX;
	}
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(p, pat);
	if (p == NULL)
		return UINT64_MAX;
	return strtoull(p + strlen(pat), NULL, 10);
}

/*
 * A counter of port port_id in a stats JSON's "ports" array (ipackets,
 * opackets, ...); UINT64_MAX when the port or the key is absent.
 */
static inline uint64_t
it_port_u64(const char *json, unsigned int port_id, const char *key)
{
	const char *p = strstr(json, "\"ports\": [");
	char pat[64];

	if (p == NULL)
		return UINT64_MAX;
	snprintf(pat, sizeof(pat), "{ \"port\": %u, ", port_id);
	p = strstr(p, pat);
	return p == NULL ? UINT64_MAX : it_json_u64(p, NULL, key);
}

/*
 * Two lines on two ports ([feed] line_b_port), each losing frames of its
 * own: gen and rx are the generator's and the receiver's stats JSONs
 * (the same one in a single process); line A on port a, line B on port
 * b of both. Line B's frames all arrived on port b and none on port a;
 * each line won frames; every frame a line lost was won by the other
 * or filled by a retransmission. Prints the per-line counters.
 */
static inline void
it_assert_lines_on_two_ports(const char *gen, const char *rx,
		unsigned int a, unsigned int b, bool gen_port_whole)
{
	uint64_t lost_a = it_json_u64(gen, "generator", "faults_lost");
	uint64_t lost_b = it_json_u64(gen, "generator", "faults_lost_b");
	uint64_t both = it_json_u64(gen, "generator", "faults_lost_both");
	uint64_t sent_b = it_json_u64(gen, "generator", "line_b_packets");
	uint64_t eos_again = it_json_u64(gen, "generator",
		"end_of_session_repeats");
	uint64_t retrans = it_json_u64(gen, "generator", "retrans_messages");
	uint64_t data = sent_b - it_json_u64(gen, "generator",
		"end_of_session") - eos_again -
		it_json_u64(gen, "generator", "heartbeats");
	uint64_t a_pkts = it_json_u64(rx, "rx", "line_a_packets");
	uint64_t b_pkts = it_json_u64(rx, "rx", "line_b_packets");
	uint64_t a_won = it_json_u64(rx, "rx", "line_a_won");
	uint64_t b_won = it_json_u64(rx, "rx", "line_b_won");
	uint64_t a_in = it_port_u64(rx, a, "ipackets");
	uint64_t b_in = it_port_u64(rx, b, "ipackets");

	fprintf(stderr, "lost on A %" PRIu64 ", on B %" PRIu64 ", on both %"
		PRIu64 "; line B sent %" PRIu64 "; A: %" PRIu64 " frames, %"
		PRIu64 " first; B: %" PRIu64 ", %" PRIu64 " first; port %u in %"
		PRIu64 ", port %u in %" PRIu64 " (out %" PRIu64 ")\n", lost_a,
		lost_b, both, sent_b, a_pkts, a_won, b_pkts, b_won, a, a_in, b,
		b_in, it_port_u64(gen, b, "opackets"));
	assert_true(lost_a > 100 && lost_a != UINT64_MAX);
	assert_true(lost_b > 100 && lost_b != UINT64_MAX);
	assert_true(sent_b != UINT64_MAX && b_in != UINT64_MAX &&
		a_in != UINT64_MAX);
	/* Line B's port took line B's frames, all of them, and nothing
	 * else; the generator put them there (an end of session sent again
	 * after the receiver left may not arrive). */
	assert_int_equal(b_in, b_pkts);
	assert_true(b_in <= sent_b - lost_b && b_in + eos_again >=
		sent_b - lost_b);
	/* The driver's own count where it keeps it whole: a memif server's
	 * reads zero once its client has left, so what it sent after the
	 * main lcore's last read (a 50 ms tick) is not in it. */
	if (gen_port_whole)
		assert_true(it_port_u64(gen, b, "opackets") >= b_in);
	/* Line A's port: line A and the requests' traffic, no line B. */
	assert_true(a_in >= a_pkts);
	assert_true(a_in - a_pkts <= it_json_u64(rx, "recovery", "requests") +
		it_json_u64(gen, "generator", "retrans_packets") +
		it_json_u64(gen, "generator", "snapshot_messages") + eos_again);
	/* Frames won by each line; a data frame applied first from a line,
	 * or lost on both, or (a copy late) filled by a retransmission. */
	assert_true(a_won > 0 && b_won > 0);
	assert_true(a_won + b_won + both <= data);
	assert_true(a_won + b_won + both + retrans >= data);
	assert_true(b_won + retrans >= lost_a - both);
	assert_true(a_won + retrans >= lost_b - both);
}

/*
 * Tick to trade: every quote that asked was answered once (matched ==
 * requested == orders the receiver sent), none lost, duplicated, stale
 * or malformed, and each answer timed.
 */
static inline void
it_assert_orders(const char *gen_json, const char *rx_json,
		uint64_t min_requested)
{
	uint64_t req = it_json_u64(gen_json, "generator", "orders_requested");

	fprintf(stderr, "orders: %" PRIu64 " requested, %" PRIu64 " matched\n",
		req, it_json_u64(gen_json, "generator", "orders_matched"));
	if (req < min_requested || req == UINT64_MAX ||
	    it_json_u64(gen_json, "generator", "orders_matched") != req ||
	    it_json_u64(rx_json, "rx", "orders_sent") != req ||
	    it_json_u64(gen_json, "generator", "orders_lost") != 0 ||
	    it_json_u64(gen_json, "generator", "orders_duplicate") != 0 ||
	    it_json_u64(gen_json, "generator", "orders_stale") != 0 ||
	    it_json_u64(gen_json, "generator", "orders_invalid") != 0 ||
	    it_json_u64(gen_json, "tick_to_trade_ns", "count") != req) {
		fprintf(stderr, "tick-to-trade counters wrong\n");
		abort();
	}
}

static inline int
it_files_equal(const char *a, const char *b)
{
	char *x = it_slurp(a), *y = it_slurp(b);
	int eq = x != NULL && y != NULL && strcmp(x, y) == 0;

	free(x);
	free(y);
	return eq;
}

static inline unsigned int
it_count_lines(const char *path)
{
	char *s = it_slurp(path), *p;
	unsigned int n = 0;

	if (s == NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		n += *p == '\n';
	free(s);
	return n;
}

#endif /* TW_ITEST_H */

#ifdef cmocka_unit_test
/*
 * A feed delivered whole: the generator sent ticks plus one directory
 * message per symbol with nothing dropped, and the processor (whose
 * stats are in rx_json) applied every message with no drop, gap or
 * duplicate, and saw every channel end.
 */
static inline void
it_assert_clean_feed(const char *gen_json, const char *rx_json,
		uint64_t ticks, uint64_t symbols, uint64_t channels)
{
	uint64_t sent_pkts = it_json_u64(gen_json, "generator", "packets");

	assert_int_equal(it_json_u64(gen_json, "generator", "ticks"), ticks);
	assert_int_equal(it_json_u64(gen_json, "generator", "directories"),
		symbols);
	assert_int_equal(it_json_u64(gen_json, "generator", "tx_dropped"), 0);
	assert_int_equal(it_json_u64(gen_json, "generator",
		"mbuf_alloc_failed"), 0);
	assert_int_equal(it_json_u64(rx_json, "rx", "messages"),
		ticks + symbols);
	assert_int_equal(it_json_u64(rx_json, "rx", "packets"), sent_pkts);
	assert_int_equal(it_json_u64(rx_json, "rx", "packets_accepted"),
		sent_pkts);
	assert_int_equal(it_json_u64(rx_json, NULL, "drops_total"), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "gaps"), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "duplicate_packets"), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "channels_ended"),
		channels);
}

/*
 * Every gap the receiver (stats in rx_json) saw was filled: none given
 * up or still open, no message missing, every channel ended. Prints
 * the counts.
 */
static inline void
it_assert_recovered(const char *rx_json)
{
	uint64_t gaps = it_json_u64(rx_json, NULL, "gaps");

	fprintf(stderr, "gaps %" PRIu64 ", filled %" PRIu64 ", unrecovered %"
		PRIu64 ", open %" PRIu64 "\n", gaps,
		it_json_u64(rx_json, "recovery", "gaps_filled"),
		it_json_u64(rx_json, "recovery", "gaps_unrecovered"),
		it_json_u64(rx_json, "recovery", "gaps_open"));
	assert_true(gaps > 0 && gaps != UINT64_MAX);
	assert_int_equal(it_json_u64(rx_json, "recovery", "gaps_filled"), gaps);
	assert_int_equal(it_json_u64(rx_json, "recovery", "gaps_unrecovered"),
		0);
	assert_int_equal(it_json_u64(rx_json, "recovery", "gaps_open"), 0);
	assert_int_equal(it_json_u64(rx_json, "recovery",
		"messages_unrecovered"), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "messages_unreceived"), 0);
	assert_int_equal(it_json_u64(rx_json, NULL, "channels_not_ended"), 0);
}

/*
 * TW_TEST_FILTER=PATTERN (cmocka's: '*' and '?') runs only the tests of
 * a group whose names match: one test at a time on a busy host.
 */
static inline void
it_test_filter(void)
{
	const char *f = getenv("TW_TEST_FILTER");

	if (f != NULL && f[0] != '\0')
		cmocka_set_test_filter(f);
}

/* Two stats JSONs, read (both must be there); free() each. */
static inline void
it_read_pair(const char *gjson, const char *pjson, char **g, char **p)
{
	*g = it_slurp(gjson);
	*p = it_slurp(pjson);
	assert_non_null(*g);
	assert_non_null(*p);
}

/*
 * A generator (memif server) and a processor (client) run to their ends,
 * the server first since a client cannot start without it; both exit 0.
 * Logs: NAME-gen.log, NAME-proc.log. The stats JSONs (named in the
 * options) are removed first and read into *g and *p.
 */
/*
 * An interface name as tickwire tags a tap's under TW_PREFIX=TAG:
 * N-TAG, N cut so that the whole fits 15 characters.
 */
static inline const char *
it_tap_name(const char *n)
{
	static char name[4][IF_NAMESIZE];
	static unsigned int i;
	const char *tag = getenv("TW_PREFIX");
	size_t keep;

	i = (i + 1) % 4;
	if (tag == NULL || *tag == '\0') {
		snprintf(name[i], sizeof(name[i]), "%s", n);
		return name[i];
	}
	keep = strlen(n);
	if (keep > IF_NAMESIZE - 2 - strlen(tag))
		keep = IF_NAMESIZE - 2 - strlen(tag);
	snprintf(name[i], sizeof(name[i]), "%.*s-%s", (int)keep, n, tag);
	return name[i];
}

/* The generator lcore's interruption record in a stats JSON: the time
 * its loop ran, as lib/noise measured it (ns). */
static inline uint64_t
it_gen_noise_elapsed_ns(const char *json)
{
	const char *p = strstr(json, "\"role\": \"gen\", \"lcore\": 1,");
	const char *q;

	assert_non_null(p);
	q = strstr(p, "\"elapsed_ns\": ");
	assert_non_null(q);
	return strtoull(q + strlen("\"elapsed_ns\": "), NULL, 10);
}

static inline void
it_memif_pair(const char *name, const char *const *gen_opts,
		const char *const *proc_opts, const char *gjson,
		const char *pjson, char **g, char **p)
{
	char *argv[IT_MAX_ARGS], log[128];
	pid_t gen;
	int proc_rc;

	remove(gjson);
	remove(pjson);
	it_tickwire_argv(argv, gen_opts);
	snprintf(log, sizeof(log), "%s-gen.log", name);
	gen = it_spawn(argv, it_path(log));
	sleep(1);
	snprintf(log, sizeof(log), "%s-proc.log", name);
	proc_rc = it_tickwire(proc_opts, it_path(log), 180);
	assert_int_equal(it_wait(gen, 60), 0);
	assert_int_equal(proc_rc, 0);
	it_read_pair(gjson, pjson, g, p);
}
#endif
