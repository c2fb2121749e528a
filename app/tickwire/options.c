/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tickwire's command line: options over the profile (each names the
 * profile key it sets, so errors name the option), and the EAL
 * arguments (the profile's [eal] args, then the user's).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>

#include "tickwire.h"

#ifndef TW_CONFIG_DIR
#define TW_CONFIG_DIR "drivers-config"
#endif
#ifndef TW_DATA_DIR
#define TW_DATA_DIR TW_CONFIG_DIR
#endif
/*
 * The default profile: the source tree's while it is there (a build
 * run in place), else the installed one (meson install puts the
 * profiles in DATADIR/tickwire).
 */
#define DEFAULT_PROFILE TW_CONFIG_DIR "/loopback.ini"
#define INSTALLED_PROFILE TW_DATA_DIR "/loopback.ini"

static const char *
default_profile(void)
{
	return access(DEFAULT_PROFILE, R_OK) == 0 ? DEFAULT_PROFILE :
		INSTALLED_PROFILE;
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
		"Runs the profile (default %s): a generator lcore multicasting a\n"
		"MoldUDP64 feed and RX lcores applying it to a symbol cache.\n\n"
		"Options (each overrides the profile):\n"
		"  --config FILE        profile to run\n"
		"  --duration SECONDS   stop after this long (0: when done)\n"
		"  --count MESSAGES     ticks to send, then end the session\n"
		"  --rate MSGS_PER_S    generator pace, 0 = unlimited\n"
		"  --symbols N          symbols in the universe\n"
		"  --channels N         multicast channels\n"
		"  --seed N             generator seed (same seed, same feed)\n"
		"  --simd LEVEL         auto, scalar, sse, avx2 or avx512\n"
		"  --stats-json FILE    write final counters as JSON\n"
		"  --stats-interval FILE  a JSON line per stats period "
		"(counters, rates, latency)\n"
		"  --stats-csv FILE     the same periods as CSV rows (one "
		"header)\n"
		"  --latency-csv PREFIX write the latency histograms as CSV "
		"(and PREFIX.interruptions.csv)\n"
		"  --dump-cache FILE    write the symbol cache as CSV\n"
		"  --dump-truth FILE    write the generator's truth as CSV\n"
		"  --dump-books FILE    itch50, mdp3: every symbol's book as CSV\n"
		"  --dump-truth-books FILE  itch50, mdp3: the generator's books\n"
		"  --itch-out FILE      itch50: the generator's feed as an ITCH "
		"5.0 day file\n"
		"  --set SEC.KEY=VALUE  set any profile key\n"
		"  --accept-loss        exit 0 when the data is not whole (runs\n"
		"                       that lose data on purpose)\n"
		"  --quiet              no periodic stats line\n"
		"  --host-check         check the pollers' cores and the machine\n"
		"                       (isolation, IRQs, SMT, governor, TSC,\n"
		"                       hugepages, NUMA), spin-probe each core\n"
		"                       ([host] probe_ms, else 2 s), say what to\n"
		"                       change, and exit (0)\n"
		"  --list-keys          print every profile key and exit\n"
		"  --help               this text\n"
		"  --version            print the version and exit\n\n"
		"EAL options before -- replace the profile's [eal] args of "
		"the same name.\n\n"
		"Exit status: 0 the run ended as asked and the data is whole;\n"
		"1 it could not run, or failed (set-up, a report not written);\n"
		"2 usage or profile error; 3 it ran, but the data is not whole\n"
		"(loss, gaps given up, stale symbols, channels not ended,\n"
		"book operations refused).\n", prog, default_profile());
}

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "count", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, 'r' },
	{ "symbols", required_argument, NULL, 's' },
	{ "channels", required_argument, NULL, 'C' },
	{ "seed", required_argument, NULL, 'S' },
	{ "simd", required_argument, NULL, 'V' },
	{ "stats-json", required_argument, NULL, 'j' },
	{ "stats-interval", required_argument, NULL, 'I' },
	{ "stats-csv", required_argument, NULL, 'Z' },
	{ "latency-csv", required_argument, NULL, 'L' },
	{ "dump-cache", required_argument, NULL, 'D' },
	{ "dump-truth", required_argument, NULL, 'T' },
	{ "dump-books", required_argument, NULL, 'B' },
	{ "dump-truth-books", required_argument, NULL, 'W' },
	{ "itch-out", required_argument, NULL, 'O' },
	{ "set", required_argument, NULL, 'x' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "accept-loss", no_argument, NULL, 'a' },
	{ "list-keys", no_argument, NULL, 'k' },
	{ "host-check", no_argument, NULL, 'H' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static const char *
opt_name(int opt)
{
	const struct option *o;

	for (o = long_opts; o->name != NULL; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

/* Which profile key each option sets. */
static int
option_key(int opt, const char **sec, const char **key)
{
	static const struct { int opt; const char *sec, *key; } map[] = {
		{ 'd', "run", "duration" },
		{ 'n', "generator", "count" },
		{ 'r', "generator", "rate" },
		{ 's', "feed", "symbols" },
		{ 'C', "feed", "channels" },
		{ 'S', "generator", "seed" },
		{ 'V', "run", "simd" },
		{ 'j', "run", "stats_json" },
		{ 'I', "run", "stats_lines" },
		{ 'Z', "run", "stats_csv" },
		{ 'L', "run", "latency_csv" },
		{ 'D', "run", "dump_cache" },
		{ 'T', "run", "dump_truth" },
		{ 'B', "run", "dump_books" },
		{ 'W', "run", "dump_truth_books" },
		{ 'O', "itch", "out" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(map); i++)
		if (map[i].opt == opt) {
			*sec = map[i].sec;
			*key = map[i].key;
			return 0;
		}
	return -ENOENT;
}

/*
 * Profile, then options over it, then the checks across keys. Errors
 * are printed. 0 to run, 1 when --help, --list-keys or --version printed
 * what was asked (nothing to run), or -errno.
 */
int
tw_app_options(struct tw_config *cfg, int argc, char **argv)
{
	const char *profile = default_profile();
	char err[TW_ERR_MAX], origin[64];
	const char *sec, *key;
	int opt, rc;

	tw_config_defaults(cfg);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (opt == 'c')
			profile = optarg;
		if (opt == 'h') {
			usage(argv[0]);
			return 1;
		}
		if (opt == 'k') {
			tw_config_print_keys(stdout);
			return 1;
		}
		if (opt == 'v') {
			printf("tickwire %s\n", TW_VERSION);
			return 1;
		}
	}
	rc = tw_config_load(cfg, profile, err, sizeof(err));
	if (rc != 0)
		goto fail;

	opterr = 1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			break;
		case 'q':
			cfg->quiet = true;
			break;
		case 'a':
			cfg->accept_loss = true;
			break;
		case 'H':
			cfg->host_check_only = true;
			break;
		case 'x':
			rc = tw_config_set_arg(cfg, optarg, err, sizeof(err));
			if (rc != 0)
				goto fail;
			break;
		case '?':
			usage(argv[0]);
			return -EINVAL;
		default:
			if (option_key(opt, &sec, &key) != 0)
				break;
			snprintf(origin, sizeof(origin), "command line (--%s)",
				opt_name(opt));
			rc = tw_config_set(cfg, origin, sec, key, optarg, err,
				sizeof(err));
			if (rc != 0)
				goto fail;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tickwire: command line: unexpected argument "
			"'%s'\n", argv[optind]);
		return -EINVAL;
	}
	rc = tw_config_check(cfg, err, sizeof(err));
	if (rc != 0)
		goto fail;
	/* The protocol named, and what the profile asks of it. */
	if (tw_protocol_for(cfg, err, sizeof(err)) == NULL) {
		rc = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	fprintf(stderr, "tickwire: %s\n", err);
	return rc;
}

/*
 * EAL argv: program name, the profile's [eal] args, then the user's;
 * at most max - 1 entries and a NULL. Returns the count or -E2BIG.
 */
/* An EAL option's name: "--file-prefix" of "--file-prefix=x"; "-l". */
static size_t
opt_name_len(const char *tok)
{
	const char *eq = strchr(tok, '=');

	if (tok[0] != '-')
		return 0;
	if (tok[1] != '-')
		return 2;       /* short: -l, -m, -c (value joined or next) */
	return eq != NULL ? (size_t)(eq - tok) : strlen(tok);
}

/* The lcore options exclude each other in the EAL: one group. */
static bool
same_option(const char *a, size_t la, const char *b, size_t lb)
{
	static const char *const cores[] = { "-l", "-c", "--lcores" };
	bool ca = false, cb = false;
	unsigned int i;

	for (i = 0; i < RTE_DIM(cores); i++) {
		ca |= la == strlen(cores[i]) && strncmp(a, cores[i], la) == 0;
		cb |= lb == strlen(cores[i]) && strncmp(b, cores[i], lb) == 0;
	}
	if (ca || cb)
		return ca && cb;
	return la == lb && strncmp(a, b, la) == 0;
}

/* The user gave an option of this name (or its group) before --. */
static bool
user_has(char **user, int nb_user, const char *tok, size_t len)
{
	int i;

	for (i = 0; i < nb_user; i++) {
		size_t l = opt_name_len(user[i]);

		if (l != 0 && same_option(user[i], l, tok, len))
			return true;
	}
	return false;
}

/* Longest interface name Linux takes (IFNAMSIZ - 1). */
#define TW_IFNAME_MAX 15

/* TW_PREFIX from the environment: "", or a valid tag (else NULL). */
static const char *
host_prefix(void)
{
	const char *p = getenv("TW_PREFIX");
	size_t i, n;

	if (p == NULL || *p == '\0')
		return "";
	n = strlen(p);
	if (n > 11)
		return NULL;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-')
			return NULL;
	return p;
}

/*
 * A capture to replay given relatively in the profile (net_pcap's
 * rx_pcap=) is found beside the profile, not in whatever directory
 * tickwire was started from (a recording, tx_pcap=, is an output: it
 * goes where the run is, as the other report files). Returns tok, or a
 * rewritten copy in static storage.
 */
static char *
beside_profile(char *tok, const char *profile)
{
	static char words[8][TW_EAL_ARGS_MAX];
	static unsigned int next;
	char *out, *at, *val;

	if (strncmp(tok, "--vdev=net_pcap", 15) != 0 ||
	    strchr(profile, '/') == NULL)
		return tok;
	out = words[next++ % RTE_DIM(words)];
	snprintf(out, TW_EAL_ARGS_MAX, "%s", tok);
	for (at = out; (at = strstr(at, "rx_pcap=")) != NULL; at = val) {
		char rest[TW_EAL_ARGS_MAX];
		size_t before;

		val = at + 8;
		if (*val == '/' || *val == ',' || *val == '\0')
			continue;
		/* The profile's directory goes in front of the file. */
		snprintf(rest, sizeof(rest), "%s", val);
		before = strlen(val);
		tw_config_beside(profile, rest, val,
			TW_EAL_ARGS_MAX - (size_t)(val - out));
		val += strlen(val) - before;
	}
	return out;
}

/*
 * One EAL word as it is under TW_PREFIX=P: the file prefix X becomes
 * X-P, a memif socket S.sock becomes S-P.sock, a tap or tun interface
 * N becomes N-P (N cut so that it fits 15 characters). Returns tok, or
 * a rewritten copy in static storage.
 */
static char *
prefixed(char *tok, const char *p)
{
	static char words[16][TW_EAL_ARGS_MAX];
	static unsigned int next;
	char *out, *at;
	size_t len;

	if (*p == '\0')
		return tok;
	out = words[next++ % RTE_DIM(words)];
	if (strncmp(tok, "--file-prefix=", 14) == 0) {
		snprintf(out, TW_EAL_ARGS_MAX, "%s-%s", tok, p);
		return out;
	}
	if (strncmp(tok, "--vdev=", 7) != 0)
		return tok;
	if ((at = strstr(tok, "socket=")) != NULL) {
		char *end = at + strcspn(at, ",");
		char *dot = memchr(at, '.', (size_t)(end - at));

		/* before ".sock" (or the end of the value), then the rest */
		len = (size_t)((dot != NULL ? dot : end) - tok);
		snprintf(out, TW_EAL_ARGS_MAX, "%.*s-%s%s", (int)len, tok, p,
			tok + len);
		return out;
	}
	if ((at = strstr(tok, "iface=")) != NULL &&
	    (strncmp(tok + 7, "net_tap", 7) == 0 ||
	     strncmp(tok + 7, "net_tun", 7) == 0)) {
		char *name = at + 6;
		size_t nlen = strcspn(name, ",");
		size_t keep = RTE_MIN(nlen, TW_IFNAME_MAX - 1 - strlen(p));

		snprintf(out, TW_EAL_ARGS_MAX, "%.*s%.*s-%s%s",
			(int)(name - tok), tok, (int)keep, name, p,
			name + nlen);
		return out;
	}
	return tok;
}

/*
 * EAL argv: the profile's [eal] args, less every option the command
 * line gives again (its value too), then the command line's. So
 * `--file-prefix=x` or `--lcores=...` before -- replaces the profile's,
 * and a --vdev there replaces the profile's ports.
 */
int
tw_app_eal_argv(const struct tw_config *cfg, char *prog, char **user,
		int nb_user, char **out, int max)
{
	static char buf[TW_EAL_ARGS_MAX];
	static char fp[TW_EAL_ARGS_MAX];
	char *toks[TW_EAL_ARGS_MAX / 2];
	char *tok, *save = NULL;
	const char *p = host_prefix();
	bool has_fp = false;
	int n = 0, nt = 0, i;

	if (p == NULL)
		return -EINVAL;
	out[n++] = prog;
	snprintf(buf, sizeof(buf), "%s", cfg->eal_args);
	for (tok = strtok_r(buf, " \t", &save); tok != NULL &&
	     nt < (int)RTE_DIM(toks); tok = strtok_r(NULL, " \t", &save))
		toks[nt++] = tok;
	for (i = 0; i < nt; i++) {
		size_t l = opt_name_len(toks[i]);

		if (l != 0 && user_has(user, nb_user, toks[i], l)) {
			/* Its value, when it is the next word. */
			if (toks[i][l] == '\0' && i + 1 < nt &&
			    toks[i + 1][0] != '-')
				i++;
			continue;
		}
		if (n == max - 1)
			return -E2BIG;
		has_fp |= strncmp(toks[i], "--file-prefix", 13) == 0;
		out[n++] = prefixed(beside_profile(toks[i], cfg->path), p);
	}
	for (i = 0; i < nb_user; i++) {
		if (n == max - 1)
			return -E2BIG;
		has_fp |= strncmp(user[i], "--file-prefix", 13) == 0;
		out[n++] = prefixed(user[i], p);
	}
	/*
	 * EAL's start-up lines (lcores detected, IOVA mode, sockets) are
	 * INFO: below what a run prints unless a --log-level asks.
	 */
	if (!user_has(user, nb_user, "--log-level", 11) &&
	    strstr(cfg->eal_args, "--log-level") == NULL) {
		static char quiet_eal[] = "--log-level=lib.eal:notice";
		static char quiet_tel[] = "--log-level=lib.telemetry:warning";

		if (n + 2 >= max - 1)
			return -E2BIG;
		out[n++] = quiet_eal;
		out[n++] = quiet_tel;
	}
	/* TW_PREFIX with no file prefix given: DPDK's own, tagged. */
	if (*p != '\0' && !has_fp) {
		if (n == max - 1)
			return -E2BIG;
		snprintf(fp, sizeof(fp), "--file-prefix=rte-%s", p);
		out[n++] = fp;
	}
	out[n] = NULL;
	return n;
}
