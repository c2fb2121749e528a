/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What tickwire tells a lab is true and harms nothing: each report path
 * form (a symlink, a FIFO with a reader, a device node, "-", a dangling
 * symlink, paths that cannot be written), each exit status (whole, loss
 * without recovery, loss accepted, recovery without a server, a stop
 * before the end, set-up and usage errors), and nothing of a run left
 * behind (no temporary file, no hugepage file, no runtime directory).
 * The real binary over net_ring (and memif for the lone processor),
 * each run under its own file prefix.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "itest.h"

/* A scratch directory of its own for each test, emptied first. */
static const char *
scratch(const char *name)
{
	static char dir[256];
	char cmd[700];

	snprintf(dir, sizeof(dir), "%s/verdict-%s", TW_OUT, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, dir);
	assert_int_equal(system(cmd), 0);
	return dir;
}

static const char *
in(const char *dir, const char *name)
{
	/* Enough that a test's option arrays outlive its later calls. */
	static char buf[64][640];
	static int i;

	i = (i + 1) % 64;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* Entries of dir (but . and ..). */
static int
count_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* The file prefix this suite gives tickwire (TW_PREFIX tags it). */
static const char *
prefix(const char *what)
{
	static char buf[4][64];
	static int i;
	const char *tag = getenv("TW_PREFIX");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "twv-%s-%s", what,
		tag != NULL ? tag : "x");
	return buf[i];
}

/* Nothing of the run under /dev/hugepages or /var/run/dpdk. */
static void
assert_no_run_files(const char *pfx)
{
	char path[256], cmd[512];
	struct stat st;

	snprintf(path, sizeof(path), "/var/run/dpdk/%s", pfx);
	assert_int_not_equal(stat(path, &st), 0);
	snprintf(cmd, sizeof(cmd), "ls /dev/hugepages 2>/dev/null | "
		"grep -q '^%smap_'", pfx);
	assert_int_not_equal(system(cmd), 0);
}

/*
 * tickwire over net_ring with the loopback profile's shape, its own
 * prefix, stdout and stderr to files of their own; exit status.
 */
static int
run_split(const char *pfx, const char *const *opts, const char *out,
		const char *err, int timeout_s)
{
	char fp[96], *argv[IT_MAX_ARGS];
	pid_t pid;
	int n;

	snprintf(fp, sizeof(fp), "--file-prefix=%s", pfx);
	it_tickwire_argv_eal(argv, fp, opts);
	fprintf(stderr, "run:");
	for (n = 0; argv[n] != NULL; n++)
		fprintf(stderr, " %s", argv[n]);
	fprintf(stderr, "\n  out: %s\n", out);
	pid = fork();
	if (pid == 0) {
		if (freopen(out, "w", stdout) == NULL ||
		    freopen(err, "w", stderr) == NULL)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	return it_wait(pid, timeout_s);
}

static bool
file_has(const char *path, const char *text)
{
	char *s = it_slurp(path);
	bool has = s != NULL && strstr(s, text) != NULL;

	free(s);
	return has;
}

/* A symlink stays one, and the file it names holds the report. */
static void
a_symlink_report_writes_its_target(void **state)
{
	const char *d = scratch("symlink");
	const char *const opts[] = { "--count", "20000", "--quiet",
		"--stats-json", in(d, "link.json"), "--dump-cache",
		in(d, "dangling.csv"), NULL };
	struct stat st;
	FILE *f;

	f = fopen(in(d, "real.json"), "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	assert_int_equal(chmod(in(d, "real.json"), 0600), 0);
	assert_int_equal(symlink("real.json", in(d, "link.json")), 0);
	/* A dangling link creates what it names. */
	assert_int_equal(symlink("made.csv", in(d, "dangling.csv")), 0);
	assert_int_equal(run_split(prefix("sym"), opts, in(d, "out"),
		in(d, "err"), 60), IT_WHOLE);
	assert_int_equal(lstat(in(d, "link.json"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(in(d, "dangling.csv"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(file_has(in(d, "real.json"), "\"verdict\""));
	/* What replaced the file kept its mode. */
	assert_int_equal(stat(in(d, "real.json"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(it_count_lines(in(d, "made.csv")), 1001);
	/* link.json, real.json, dangling.csv, made.csv, out, err. */
	assert_int_equal(count_entries(d), 6);
	assert_no_run_files(prefix("sym"));
}

/* A FIFO is written in place for its reader, never replaced. */
static void
a_fifo_report_goes_to_its_reader(void **state)
{
	const char *d = scratch("fifo");
	const char *fifo = in(d, "cache.fifo");
	const char *got = in(d, "got.csv");
	const char *const opts[] = { "--count", "20000", "--quiet",
		"--dump-cache", fifo, "--dump-truth", in(d, "truth.csv"),
		NULL };
	char *cat[] = { (char *)"cat", (char *)fifo, NULL };
	struct stat st;
	pid_t reader;

	assert_int_equal(mkfifo(fifo, 0600), 0);
	reader = it_spawn(cat, got);
	assert_int_equal(run_split(prefix("fifo"), opts, in(d, "out"),
		in(d, "err"), 60), IT_WHOLE);
	assert_int_equal(it_wait(reader, 30), 0);
	assert_int_equal(lstat(fifo, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_true(it_files_equal(got, in(d, "truth.csv")));
	assert_int_equal(count_entries(d), 5);
}

/*
 * A FIFO nobody reads holds up nothing: the run ends, says the report
 * had no reader, and exits 1 (a report not written).
 */
static void
a_fifo_without_a_reader_never_blocks_the_run(void **state)
{
	const char *d = scratch("fifo-noreader");
	const char *fifo = in(d, "lines.fifo");
	const char *const opts[] = { "--count", "20000", "--quiet",
		"--stats-json", fifo, NULL };
	time_t t0 = time(NULL);

	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* The writer waits 10 s for a reader at most. */
	assert_int_equal(run_split(prefix("fifo2"), opts, in(d, "out"),
		in(d, "err"), 50), IT_FAILED);
	assert_true(time(NULL) - t0 < 45);
	assert_true(file_has(in(d, "err"), "no reader"));
	assert_no_run_files(prefix("fifo2"));
}

/* A device node (made here with mknod) is written, never replaced. */
static void
a_device_node_report_stays_a_device(void **state)
{
	const char *d = scratch("device");
	const char *dev = in(d, "null");
	const char *const opts[] = { "--count", "20000", "--quiet",
		"--stats-json", dev, "--latency-csv", in(d, "lat"), NULL };
	struct stat st;

	assert_int_equal(mknod(dev, S_IFCHR | 0666, makedev(1, 3)), 0);
	assert_int_equal(run_split(prefix("dev"), opts, in(d, "out"),
		in(d, "err"), 60), IT_WHOLE);
	assert_int_equal(lstat(dev, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(st.st_rdev, makedev(1, 3));
	assert_true(file_has(in(d, "lat.send-cache.csv"), "lo_ns"));
}

/* "-" is standard output; everything else goes to standard error. */
static void
a_dash_report_is_standard_output(void **state)
{
	const char *d = scratch("dash");
	const char *const opts[] = { "--count", "20000", "--quiet",
		"--stats-json", "-", NULL };
	char *out;

	assert_int_equal(run_split(prefix("dash"), opts, in(d, "out"),
		in(d, "err"), 60), IT_WHOLE);
	out = it_slurp(in(d, "out"));
	assert_non_null(out);
	/* Nothing but the report: JSON from its first byte to its last. */
	assert_int_equal(out[0], '{');
	assert_int_equal(out[strlen(out) - 2], '}');
	assert_int_equal(it_json_u64(out, "verdict", "exit_status"), 0);
	free(out);
	assert_true(file_has(in(d, "err"), "verdict: whole"));
	assert_true(file_has(in(d, "err"), "file prefix"));
	/* out, err: no file named "-". */
	assert_int_equal(count_entries(d), 2);
}

/*
 * Paths that cannot be written are refused before the EAL takes any
 * hugepage: a read-only directory, a directory, a path too long, a
 * missing directory; and two reports on standard output are a usage
 * error. Nothing is created.
 */
static void
unwritable_paths_are_refused_before_the_eal(void **state)
{
	const char *d = scratch("refused");
	char ro[300], longp[5000];
	const char *paths[] = { in(ro, "x.json"), d, longp,
		in(d, "no/such/dir.json") };
	unsigned int i;

	snprintf(ro, sizeof(ro), "%s/ro", d);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	assert_int_equal(mkdir(ro, 0555), 0);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		const char *const opts[] = { "--count", "1000", "--quiet",
			"--stats-json", paths[i], NULL };

		/* Root writes a read-only directory anyway: skip that one
		 * only where the test runs as root. */
		if (i == 0 && geteuid() == 0)
			continue;
		/* Too long for the profile's key: a usage error. */
		assert_int_equal(run_split(prefix("ref"), opts, in(d, "out"),
			in(d, "err"), 30), paths[i] == longp ? IT_USAGE :
			IT_FAILED);
		assert_false(file_has(in(d, "out"), "EAL"));
		assert_false(file_has(in(d, "err"), "EAL:"));
		assert_no_run_files(prefix("ref"));
	}
	{
		const char *const opts[] = { "--count", "1000", "--quiet",
			"--stats-json", "-", "--dump-cache", "-", NULL };

		assert_int_equal(run_split(prefix("ref"), opts, in(d, "out"),
			in(d, "err"), 30), IT_USAGE);
	}
	/* ro, out, err. */
	assert_int_equal(count_entries(d), 3);
	assert_int_equal(count_entries(ro), 0);
}

/* Clean, and a usage error. */
static void
a_whole_run_exits_0_and_a_bad_option_2(void **state)
{
	const char *d = scratch("clean");
	const char *const opts[] = { "--count", "50000", "--quiet",
		"--stats-json", in(d, "s.json"), NULL };
	const char *const bad[] = { "--no-such-option", NULL };
	char *s;

	assert_int_equal(run_split(prefix("clean"), opts, in(d, "out"),
		in(d, "err"), 60), IT_WHOLE);
	s = it_slurp(in(d, "s.json"));
	assert_non_null(s);
	assert_true(strstr(s, "\"whole\": true") != NULL);
	assert_true(strstr(s, "\"file_prefix\": \"twv-clean") != NULL);
	free(s);
	assert_no_run_files(prefix("clean"));
	assert_int_equal(run_split(prefix("clean"), bad, in(d, "out"),
		in(d, "err"), 30), IT_USAGE);
}

/* A set-up error (a device that cannot be made) exits 1, cleanly. */
static void
a_setup_error_exits_1(void **state)
{
	const char *d = scratch("setup");
	const char *const opts[] = { "--config", in(d, "bad.ini"),
		"--count", "1000", "--quiet", "--stats-json",
		in(d, "s.json"), NULL };
	FILE *f = fopen(in(d, "bad.ini"), "w");

	assert_non_null(f);
	/* A capture to replay that is not there. */
	fputs("[eal]\nargs = --no-pci --lcores=0@(0,1),1@1 "
		"--vdev=net_pcap0,rx_pcap=/nonexistent.pcap,tx_iface=lo\n"
		"[generator]\nenabled = false\n"
		"[rx]\nlcores = 1\nports = 0\n", f);
	fclose(f);
	assert_int_equal(run_split(prefix("setup"), opts, in(d, "out"),
		in(d, "err"), 60), IT_FAILED);
	/* bad.ini, out, err: no report, no temporary file. */
	assert_int_equal(count_entries(d), 3);
}

/*
 * Loss without recovery: not whole (3), the LOSS and STALE lines say
 * what; --accept-loss makes it 0 and changes nothing else.
 */
static void
loss_without_recovery_is_not_whole_unless_accepted(void **state)
{
	const char *d = scratch("loss");
	const char *const opts[] = { "--count", "200000", "--quiet",
		"--set", "faults.loss=0.01", "--set", "faults.seed=5",
		"--stats-json", in(d, "s.json"), NULL };
	const char *const accept[] = { "--count", "200000", "--quiet",
		"--set", "faults.loss=0.01", "--set", "faults.seed=5",
		"--accept-loss", "--stats-json", in(d, "a.json"), NULL };
	char *s;

	assert_int_equal(run_split(prefix("loss"), opts, in(d, "out"),
		in(d, "err"), 60), IT_NOT_WHOLE);
	assert_true(file_has(in(d, "out"), "LOSS:"));
	assert_true(file_has(in(d, "out"), "STALE:"));
	assert_true(file_has(in(d, "out"), "NOT whole (exit 3)"));
	s = it_slurp(in(d, "s.json"));
	assert_non_null(s);
	assert_true(strstr(s, "\"whole\": false") != NULL);
	assert_true(it_json_u64(s, "verdict", "gaps_given_up") > 0);
	assert_true(it_json_u64(s, "verdict", "stale_symbols") > 0);
	free(s);
	assert_int_equal(run_split(prefix("loss"), accept, in(d, "out"),
		in(d, "err"), 60), IT_WHOLE);
	assert_true(file_has(in(d, "out"), "accepted by --accept-loss"));
	s = it_slurp(in(d, "a.json"));
	assert_non_null(s);
	assert_true(strstr(s, "\"whole\": false") != NULL);
	assert_int_equal(it_json_u64(s, "verdict", "exit_status"), 0);
	free(s);
}

/*
 * Re-requests on and no server to answer (the store is off, as the
 * requests go nowhere): the receiver never freezes. Every message not
 * lost by the injection is applied, the gaps are given up, the
 * symbols marked, the status "not whole".
 */
static void
recovery_without_a_server_applies_all_the_rest(void **state)
{
	const char *d = scratch("noserver");
	const char *const opts[] = { "--count", "1000000", "--quiet",
		"--set", "faults.loss=0.01", "--set", "faults.burst=20",
		"--set", "faults.seed=9", "--set", "recovery.rerequest=true",
		"--set", "recovery.store_messages=0",
		"--stats-json", in(d, "s.json"), NULL };
	uint64_t sent, lost, applied;
	char *s;

	assert_int_equal(run_split(prefix("nosrv"), opts, in(d, "out"),
		in(d, "err"), 120), IT_NOT_WHOLE);
	s = it_slurp(in(d, "s.json"));
	assert_non_null(s);
	sent = it_json_u64(s, "generator", "ticks") +
		it_json_u64(s, "generator", "directories");
	lost = it_json_u64(s, "generator", "faults_lost_messages");
	applied = it_json_u64(s, "rx", "messages");
	fprintf(stderr, "sent %" PRIu64 ", lost by injection %" PRIu64
		", applied %" PRIu64 "\n", sent, lost, applied);
	assert_true(lost > 0);
	/* The session ended, so nothing is held back at the stop. */
	assert_int_equal(applied, sent - lost);
	assert_int_equal(it_json_u64(s, "verdict", "messages_given_up"),
		lost);
	assert_int_equal(it_json_u64(s, "verdict", "gaps_open"), 0);
	assert_true(it_json_u64(s, "verdict", "stale_symbols") >= 250);
	assert_int_equal(it_json_u64(s, NULL, "channels_ended"), 4);
	free(s);
	assert_true(file_has(in(d, "out"), "STALE:"));
	assert_true(file_has(in(d, "out"), "(TW0000"));
}

/*
 * A processor alone stopped by Ctrl-C before its generator ended the
 * session: asked to stop, nothing lost, so 0, and the summary says
 * the channels had not ended. It leaves nothing behind.
 */
static void
a_processor_stopped_before_the_end_says_so(void **state)
{
	const char *d = scratch("stop");
	const char *gen_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-gen.ini", "--count", "0",
		"--rate", "100000", "--duration", "60", "--quiet", NULL };
	const char *proc_opts[] = { "--config",
		TW_SRC "/drivers-config/memif-proc.ini", "--duration", "60",
		"--quiet", "--stats-json", in(d, "p.json"), NULL };
	char *gargv[IT_MAX_ARGS], *pargv[IT_MAX_ARGS];
	pid_t gen, proc;
	char *s;

	it_tickwire_argv(gargv, gen_opts);
	it_tickwire_argv(pargv, proc_opts);
	gen = it_spawn(gargv, in(d, "gen.log"));
	assert_int_equal(it_wait_for(in(d, "gen.log"), "(net_memif) started",
		60), 0);
	proc = it_spawn(pargv, in(d, "proc.log"));
	/* Linked and applying the feed, then asked to stop. */
	assert_int_equal(it_wait_for(in(d, "proc.log"), "polling", 60), 0);
	sleep(2);
	kill(proc, SIGINT);
	assert_int_equal(it_wait(proc, 30), IT_WHOLE);
	kill(gen, SIGINT);
	assert_int_equal(it_wait(gen, 30), IT_WHOLE);
	s = it_slurp(in(d, "p.json"));
	assert_non_null(s);
	assert_true(strstr(s, "\"stopped_early\": true") != NULL);
	assert_true(strstr(s, "\"whole\": true") != NULL);
	assert_int_equal(it_json_u64(s, NULL, "channels_not_ended"), 4);
	assert_true(it_json_u64(s, "rx", "messages") > 10000);
	free(s);
	assert_true(file_has(in(d, "proc.log"),
		"stopped by a signal before the end of the session"));
}

/*
 * Signals at every phase: during set-up, while running, twice. The
 * reports are either whole or not there, never half written, and no
 * temporary file, hugepage file or runtime directory is left.
 */
static void
signals_at_any_phase_leave_nothing_behind(void **state)
{
	static const int delays_ms[] = { 30, 300, 1500 };
	const char *d = scratch("signals");
	unsigned int i, twice;

	for (twice = 0; twice < 2; twice++)
		for (i = 0; i < sizeof(delays_ms) / sizeof(delays_ms[0]);
		     i++) {
			const char *const opts[] = { "--duration", "30",
				"--rate", "200000", "--quiet",
				"--stats-json", in(d, "s.json"),
				"--dump-cache", in(d, "c.csv"), NULL };
			char fp[96], *argv[IT_MAX_ARGS];
			pid_t pid;
			int rc;

			remove(in(d, "s.json"));
			remove(in(d, "c.csv"));
			snprintf(fp, sizeof(fp), "--file-prefix=%s",
				prefix("sig"));
			it_tickwire_argv_eal(argv, fp, opts);
			pid = it_spawn(argv, in(d, "log"));
			usleep(delays_ms[i] * 1000);
			kill(pid, SIGINT);
			if (twice) {
				usleep(20 * 1000);
				kill(pid, SIGINT);
			}
			rc = it_wait(pid, 30);
			fprintf(stderr, "signal after %d ms%s: exit %d\n",
				delays_ms[i], twice ? ", twice" : "", rc);
			assert_true(rc == IT_WHOLE || rc == IT_FAILED ||
				rc == IT_NOT_WHOLE);
			/* Written whole, or not at all. */
			if (rc != IT_FAILED)
				assert_true(file_has(in(d, "s.json"),
					"\"verdict\""));
			/* s.json, c.csv (when written) and log only. */
			assert_true(count_entries(d) <= 3);
			assert_no_run_files(prefix("sig"));
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_symlink_report_writes_its_target),
		cmocka_unit_test(a_fifo_report_goes_to_its_reader),
		cmocka_unit_test(a_fifo_without_a_reader_never_blocks_the_run),
		cmocka_unit_test(a_device_node_report_stays_a_device),
		cmocka_unit_test(a_dash_report_is_standard_output),
		cmocka_unit_test(unwritable_paths_are_refused_before_the_eal),
		cmocka_unit_test(a_whole_run_exits_0_and_a_bad_option_2),
		cmocka_unit_test(a_setup_error_exits_1),
		cmocka_unit_test(
			loss_without_recovery_is_not_whole_unless_accepted),
		cmocka_unit_test(recovery_without_a_server_applies_all_the_rest),
		cmocka_unit_test(a_processor_stopped_before_the_end_says_so),
		cmocka_unit_test(signals_at_any_phase_leave_nothing_behind),
	};

	return cmocka_run_group_tests_name("verdicts", tests, NULL, NULL);
}
