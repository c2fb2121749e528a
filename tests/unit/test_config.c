/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Profiles: every shipped profile loads; each error names the file, the
 * section and the key; command-line values go through the same checks.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "tw_config.h"
#include "tw_protocol.h"

static int
load_text(struct tw_config *cfg, const char *text, char *err)
{
	char path[] = "/tmp/tw_test_config_XXXXXX";
	int fd = mkstemp(path);
	int rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	tw_config_defaults(cfg);
	rc = tw_config_load(cfg, path, err, TW_ERR_MAX);
	unlink(path);
	return rc;
}

static void
assert_names(const char *err, const char *section, const char *key)
{
	if (strstr(err, "/tmp/tw_test_config_") == NULL ||
	    strstr(err, section) == NULL ||
	    (key != NULL && strstr(err, key) == NULL))
		fail_msg("error does not name file, %s, %s: %s", section,
			key ? key : "", err);
}

static void
shipped_profiles_all_load_and_check(void **state)
{
	DIR *d = opendir(TW_CONFIG_DIR);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		struct tw_config cfg;
		char p[512], err[TW_ERR_MAX];

		if (strstr(e->d_name, ".ini") == NULL)
			continue;
		snprintf(p, sizeof(p), "%s/%s", TW_CONFIG_DIR, e->d_name);
		tw_config_defaults(&cfg);
		if (tw_config_load(&cfg, p, err, sizeof(err)) != 0 ||
		    tw_config_check(&cfg, err, sizeof(err)) != 0)
			fail_msg("%s", err);
		assert_true(cfg.eal_args[0] != '\0');
		n++;
	}
	closedir(d);
	assert_true(n >= 9);
}

static void
values_are_read_into_the_config(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];

	assert_int_equal(load_text(&cfg, "[feed]\nsymbols = 12\n"
		"group = 239.9.0.1\nsession = ABC\nsrc_mac = 02:aa:00:00:00:01\n"
		"[generator]\nactivity = zipf\nrate = 5000\n"
		"[rx]\nlcores = 3, 4\n", err), 0);
	assert_int_equal(cfg.symbols, 12);
	assert_int_equal(cfg.group, TW_IPV4(239, 9, 0, 1));
	assert_memory_equal(cfg.session, "ABC       ", 10);
	assert_int_equal(cfg.src_mac.addr_bytes[1], 0xaa);
	assert_int_equal(cfg.activity, TW_ACTIVITY_ZIPF);
	assert_int_equal(cfg.rate, 5000);
	assert_int_equal(cfg.nb_rx_lcores, 2);
	assert_int_equal(cfg.rx_lcores[1], 4);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), 0);
}

/* Several generator lcores: what each needs, each refusal named. */
static void
generator_lcores_are_checked(void **state)
{
	static const struct {
		const char *text;
		const char *key;
	} bad[] = {
		{ "[generator]\nlcores = 1,1\n", "lcores" },
		{ "[feed]\nchannels = 2\n[generator]\nlcores = 1,3,4\n"
		  "queues = 3\n", "lcores" },
		{ "[generator]\nlcores = 1,3\nqueues = 3\n", "queues" },
		{ "[generator]\nlcores = 1,3\nqueues = 2\n[recovery]\n"
		  "store_messages = 1024\n", "store_messages" },
		{ "[generator]\nlcores = 1,3\nqueues = 2\nreply_every = 10\n",
		  "reply_every" },
		{ "[generator]\nlcores = 1,3\nqueues = 2\n[rx]\n"
		  "lcores = 3\n", "lcores" },
	};
	struct tw_config cfg;
	char err[TW_ERR_MAX];
	uint32_t gen[TW_MAX_GEN_LCORES];
	unsigned int i;

	assert_int_equal(load_text(&cfg, "[generator]\nlcore = 5\n", err), 0);
	assert_int_equal(tw_config_gen_lcores(&cfg, gen), 1);
	assert_int_equal(gen[0], 5);
	assert_int_equal(load_text(&cfg, "[generator]\nlcores = 1,3\n"
		"queues = 4\n[rx]\nlcores = 2\n", err), 0);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), 0);
	assert_int_equal(tw_config_gen_lcores(&cfg, gen), 2);
	assert_int_equal(gen[1], 3);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_text(&cfg, bad[i].text, err), 0);
		assert_int_equal(tw_config_check(&cfg, err, sizeof(err)),
			-EINVAL);
		assert_names(err, "[", bad[i].key);
	}
}

/* The values (lib/config), then what the protocol can do (its registry). */
static int
full_check(const struct tw_config *cfg, char *err)
{
	int rc = tw_config_check(cfg, err, TW_ERR_MAX);

	if (rc == 0 && tw_protocol_for(cfg, err, TW_ERR_MAX) == NULL)
		rc = -EINVAL;
	return rc;
}

/* itch50: the mix adds up, and what is not built for it is refused. */
static void
itch_profiles_are_checked(void **state)
{
	static const struct {
		const char *text;
		const char *key;
	} bad[] = {
		{ "[itch]\nadd_pct = 60\n", "add_pct" },
		{ "[itch]\nadd_pct = 43.99\n", "noii_pct" },
		{ "[itch]\nclose_cancel_pct = 50\n", "close_cancel_pct" },
		{ "[generator]\nreply_every = 10\n", "reply_every" },
		{ "[feed]\nlines = 2\n", "lines" },
		{ "[feed]\nsymbols = 70000\n", "symbols" },
	};
	struct tw_config cfg;
	char err[TW_ERR_MAX], text[256];
	unsigned int i;

	assert_int_equal(load_text(&cfg, "[feed]\nprotocol = itch50\n", err),
		0);
	assert_string_equal(cfg.protocol, "itch50");
	assert_int_equal(full_check(&cfg, err), 0);
	assert_true(tw_protocol_for(&cfg, err, sizeof(err))->caps.in_order);
	/* Recovery is built for it (holding back past a gap). */
	assert_int_equal(load_text(&cfg, "[feed]\nprotocol = itch50\n"
		"[recovery]\nrerequest = true\nstore_messages = 1024\n", err),
		0);
	assert_int_equal(full_check(&cfg, err), 0);
	/* A name the registry does not have, named with its key. */
	assert_int_equal(load_text(&cfg, "[feed]\nprotocol = fix\n", err), 0);
	assert_int_equal(full_check(&cfg, err), -EINVAL);
	assert_names(err, "[feed]", "protocol");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[feed]\nprotocol = itch50\n%s",
			bad[i].text);
		/* One [feed] section: the protocol joins the text's own. */
		if (strncmp(bad[i].text, "[feed]", 6) == 0)
			snprintf(text, sizeof(text), "%sprotocol = itch50\n",
				bad[i].text);
		assert_int_equal(load_text(&cfg, text, err), 0);
		assert_int_equal(full_check(&cfg, err), -EINVAL);
		assert_names(err, "[", bad[i].key);
	}
	/* A value of no name: refused as it is read, named. */
	assert_int_not_equal(load_text(&cfg, "[itch]\ntimestamps = wall\n",
		err), 0);
	assert_names(err, "[itch]", "timestamps");
}

/* The transport layer is chosen by name too, and checked the same way. */
static void
transport_is_chosen_and_checked(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];
	const struct tw_protocol *p;
	const char *const *names = tw_transport_names();

	(void)state;
	assert_int_equal(load_text(&cfg, "[feed]\nsymbols = 8\n", err), 0);
	assert_string_equal(cfg.transport, "moldudp64");
	assert_int_equal(full_check(&cfg, err), 0);
	p = tw_protocol_for(&cfg, err, sizeof(err));
	assert_non_null(tw_transport_for(&cfg, p, err, sizeof(err)));
	assert_true(tw_transport_find("moldudp64")->caps.rerequest);
	/* Every one linked registers, sorted by name. */
	assert_string_equal(names[0], "mdp3");
	assert_string_equal(names[1], "moldudp64");
	assert_null(names[2]);
	assert_null(tw_transport_find("fix"));
	/* Every protocol rides on some transport the registry knows. */
	assert_int_equal(load_text(&cfg, "[feed]\nprotocol = itch50\n"
		"transport = moldudp64\n", err), 0);
	assert_int_equal(full_check(&cfg, err), 0);
	/* Unknown: one line, the file, section and key, and the choices. */
	assert_int_equal(load_text(&cfg, "[feed]\ntransport = mdp4\n", err),
		0);
	assert_int_equal(full_check(&cfg, err), -EINVAL);
	assert_names(err, "[feed]", "transport");
	assert_non_null(strstr(err, "'mdp4' is not one of mdp3, moldudp64"));
	assert_null(strchr(err, '\n'));
	/* Known, but no protocol of this build is built on it yet. */
	assert_int_equal(load_text(&cfg, "[feed]\ntransport = mdp3\n", err),
		0);
	assert_int_equal(full_check(&cfg, err), -EINVAL);
	assert_names(err, "[feed]", "transport");
	assert_non_null(strstr(err, "protocol tickwire is not built on mdp3"));
	assert_true(tw_transport_find("mdp3")->caps.snapshot_loop);
	assert_false(tw_transport_find("mdp3")->caps.rerequest);
}

/*
 * mdp3 on its transport: accepted; its loops' groups derived from [feed]
 * group unless set, handed to the receiver; a loop's groups over line
 * A's, line B's or the other loop's refused by file, section and key.
 */
static void
mdp3_loops_are_checked(void **state)
{
	static const struct {
		const char *text;
		const char *key;
	} bad[] = {
		{ "snapshot_group = 239.1.1.3\n", "snapshot_group" },
		{ "definition_group = 239.1.2.2\n", "definition_group" },
		{ "snapshot_group = 239.9.0.1\ndefinition_group = 239.9.0.3\n",
		  "definition_group" },
		{ "definition_group = 239.255.255.254\n", "definition_group" },
	};
	struct tw_config cfg;
	struct tw_rx_feed feed;
	char err[TW_ERR_MAX], text[512];
	const struct tw_protocol *p;
	unsigned int i;

	(void)state;
	assert_int_equal(load_text(&cfg, "[feed]\nprotocol = mdp3\n"
		"transport = mdp3\nchannels = 4\ngroup = 239.1.1.1\n", err),
		0);
	assert_int_equal(full_check(&cfg, err), 0);
	p = tw_protocol_for(&cfg, err, sizeof(err));
	assert_non_null(p);
	assert_true(p->caps.books && p->caps.two_lines);
	assert_int_equal(tw_protocol_rx_feed(p, &cfg, &feed), 0);
	assert_int_equal(feed.snap_group, 0xef010301);  /* 239.1.3.1 */
	assert_int_equal(feed.def_group, 0xef010401);   /* 239.1.4.1 */
	assert_int_equal(feed.request_port, 0);         /* no re-requests */
	/* Not on MoldUDP64: no loops for the receiver to read. */
	assert_int_equal(load_text(&cfg, "[feed]\nsymbols = 8\n", err), 0);
	assert_int_equal(tw_protocol_rx_feed(tw_protocol_for(&cfg, err,
		sizeof(err)), &cfg, &feed), 0);
	assert_int_equal(feed.snap_group, 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[feed]\nprotocol = mdp3\n"
			"transport = mdp3\nchannels = 4\ngroup = 239.1.1.1\n"
			"lines = 2\ngroup_b = 239.1.2.1\n[mdp3]\n%s",
			bad[i].text);
		assert_int_equal(load_text(&cfg, text, err), 0);
		assert_int_equal(full_check(&cfg, err), -EINVAL);
		assert_names(err, "[mdp3]", bad[i].key);
	}
}

static void
unknown_section_is_named(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];

	assert_int_equal(load_text(&cfg, "[feeed]\nsymbols = 1\n", err),
		-ENOENT);
	assert_names(err, "[feeed]", NULL);
	/* A typo: the nearest section is suggested. */
	assert_non_null(strstr(err, "did you mean [feed]?"));
}

static void
unknown_key_is_named(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];

	assert_int_equal(load_text(&cfg, "[feed]\nsymbol = 1\n", err),
		-ENOENT);
	assert_names(err, "[feed]", "symbol");
	assert_non_null(strstr(err, "did you mean symbols?"));
	/* Nothing near: no guess. */
	assert_int_equal(load_text(&cfg, "[feed]\nzzzzzzzzzz = 1\n", err),
		-ENOENT);
	assert_null(strstr(err, "did you mean"));
}

static void
bad_values_are_named_with_the_reason(void **state)
{
	static const struct { const char *text, *sec, *key, *why; } bad[] = {
		{ "[feed]\nsymbols = lots\n", "[feed]", "symbols",
		  "unsigned integer" },
		{ "[feed]\nsymbols = 0\n", "[feed]", "symbols", "range" },
		{ "[feed]\ngroup = 10.0.0.1\n", "[feed]", "group",
		  "multicast" },
		{ "[feed]\nsession = ELEVENCHARS\n", "[feed]", "session",
		  "1 to 10" },
		{ "[generator]\nactivity = pareto\n", "[generator]",
		  "activity", "uniform zipf" },
		{ "[generator]\nenabled = maybe\n", "[generator]", "enabled",
		  "true or false" },
		{ "[generator]\ndrift = 0.1x\n", "[generator]", "drift",
		  "number" },
		{ "[rx]\nlcores = 1,x\n", "[rx]", "lcores", "'x'" },
		{ "[port]\nrx_desc = -1\n", "[port]", "rx_desc", "integer" },
		{ "[clock]\ndomain = gps\n", "[clock]", "domain",
		  "tsc tai realtime phc" },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		struct tw_config cfg;
		char err[TW_ERR_MAX];

		if (load_text(&cfg, bad[i].text, err) == 0)
			fail_msg("accepted: %s", bad[i].text);
		assert_names(err, bad[i].sec, bad[i].key);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("no reason '%s' in: %s", bad[i].why, err);
	}
}

static void
checks_across_keys_name_the_keys(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];

	assert_int_equal(load_text(&cfg, "[generator]\nlcore = 2\n", err), 0);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[rx] lcores"));
	assert_int_equal(load_text(&cfg, "[generator]\nenabled = no\n"
		"[rx]\nenabled = no\n", err), 0);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nothing to run"));
	/* A reply budget that holds no whole frame of the MTU. */
	assert_int_equal(load_text(&cfg, "[generator]\nlcore = 1\n"
		"[rx]\nlcores = 2\n[feed]\nmtu = 9000\n[recovery]\n"
		"reply_bytes_per_s = 1000000\nreply_burst_bytes = 9000\n",
		err), 0);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "[recovery] reply_burst_bytes"));
	assert_non_null(strstr(err, "[feed] mtu 9000"));
	/* A clock port read only in domain phc; the domains load. */
	assert_int_equal(load_text(&cfg, "[clock]\ndomain = tai\nport = 0\n",
		err), 0);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_names(err, "[clock]", "port");
	assert_int_equal(load_text(&cfg, "[clock]\ndomain = phc\nport = 0\n",
		err), 0);
	assert_int_equal(cfg.clock_domain, TW_DOMAIN_PHC);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), 0);
	assert_int_equal(load_text(&cfg, "[clock]\ndomain = realtime\n",
		err), 0);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), 0);
}

/*
 * [feed] line_b_port: only with two lines, never line A's port, the
 * mirror or an [rx] port; each refusal names the file and the key.
 */
static void
line_b_port_is_checked(void **state)
{
	static const struct { const char *text, *says; } bad[] = {
		{ "[feed]\nline_b_port = 1\n", "lines is 1" },
		{ "[feed]\nlines = 2\nline_b_port = 0\n",
		  "is [generator] port" },
		{ "[feed]\nlines = 2\nline_b_port = 2\n[generator]\n"
		  "mirror_port = 2\n", "mirror_port" },
		{ "[feed]\nlines = 2\nline_b_port = 1\n[generator]\n"
		  "port = 2\n[rx]\nports = 0,1\n", "in [rx] ports" },
	};
	struct tw_config cfg;
	char err[TW_ERR_MAX];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(load_text(&cfg, bad[i].text, err), 0);
		assert_int_equal(tw_config_check(&cfg, err, sizeof(err)),
			-EINVAL);
		assert_names(err, "[feed]", "line_b_port");
		if (strstr(err, bad[i].says) == NULL)
			fail_msg("'%s' not in: %s", bad[i].says, err);
	}
	/* More than one port, or one past the last, by the value. */
	assert_int_not_equal(load_text(&cfg, "[feed]\nlines = 2\n"
		"line_b_port = 1,2\n", err), 0);
	assert_names(err, "[feed]", "line_b_port");
	assert_int_not_equal(load_text(&cfg, "[feed]\nlines = 2\n"
		"line_b_port = 8\n", err), 0);
	assert_names(err, "[feed]", "line_b_port");
	/* Set, and unset (an empty value: one port for both lines). */
	assert_int_equal(load_text(&cfg, "[feed]\nlines = 2\n"
		"line_b_port = 1\n", err), 0);
	assert_int_equal(tw_config_check(&cfg, err, sizeof(err)), 0);
	{
		uint16_t port = 0;

		assert_true(tw_config_line_b_port(&cfg, &port));
		assert_int_equal(port, 1);
		assert_int_equal(load_text(&cfg, "[feed]\nlines = 2\n"
			"line_b_port =\n", err), 0);
		assert_false(tw_config_line_b_port(&cfg, &port));
	}
}

static void
command_line_values_pass_the_same_checks(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];

	tw_config_defaults(&cfg);
	assert_int_equal(tw_config_set(&cfg, "command line (--count)",
		"generator", "count", "1000", err, sizeof(err)), 0);
	assert_int_equal(cfg.count, 1000);
	assert_int_not_equal(tw_config_set(&cfg, "command line (--count)",
		"generator", "count", "-5", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "command line (--count): [generator] "
		"count: '-5'"));
}

/*
 * What does not look like what it is, each refused with the file,
 * section and key: a second section, a line without '=', a value over
 * 255 characters, signs, spaces and leading zeros on unsigned values,
 * non-finite or out-of-range durations.
 */
static void
lookalike_values_are_refused_by_name(void **state)
{
	static const struct {
		const char *text, *section, *key, *why;
	} cases[] = {
		{ "[feed]\nsymbols = 10\n[feed]\nchannels = 2\n", "[feed]",
			NULL, "section given twice" },
		{ "[feed]\nsymbols = 10\nsymbols = 20\n", "[feed]",
			"symbols", "twice" },
		{ "[feed]\nsymbols\n", "[feed]", "symbols", "without '='" },
		{ "[generator]\nrate = 010\n", "[generator]", "rate",
			"not an unsigned integer" },
		{ "[generator]\ncount = \" -1\"\n", "[generator]", "count",
			"not an unsigned integer" },
		{ "[generator]\ncount = +5\n", "[generator]", "count",
			"not an unsigned integer" },
		{ "[generator]\ncount = -1\n", "[generator]", "count",
			"not an unsigned integer" },
		{ "[run]\nduration = 1e10\n", "[run]", "duration",
			"out of range" },
		{ "[run]\ndrain_s = nan\n", "[run]", "drain_s",
			"not a finite number" },
		{ "[run]\nlinger_s = inf\n", "[run]", "linger_s",
			"not a finite number" },
	};
	char text[1024], err[TW_ERR_MAX];
	struct tw_config cfg;
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		if (load_text(&cfg, cases[i].text, err) == 0)
			fail_msg("accepted: %s", cases[i].text);
		assert_names(err, cases[i].section, cases[i].key);
		if (strstr(err, cases[i].why) == NULL)
			fail_msg("'%s' does not say '%s'", err, cases[i].why);
	}
	/* A value over 255 characters is not cut: it is refused. */
	snprintf(text, sizeof(text), "[feed]\nsession = %0300d\n", 0);
	assert_int_not_equal(load_text(&cfg, text, err), 0);
	assert_names(err, "[feed]", "session");
}

/* A directory as the profile is refused, not read as empty. */
static void
directory_as_profile_is_refused(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];

	tw_config_defaults(&cfg);
	assert_int_not_equal(tw_config_load(&cfg, "/tmp", err, sizeof(err)),
		0);
	assert_non_null(strstr(err, "/tmp"));
	assert_non_null(strstr(err, "not a regular file"));
}

static void
missing_file_is_reported(void **state)
{
	struct tw_config cfg;
	char err[TW_ERR_MAX];

	tw_config_defaults(&cfg);
	assert_int_equal(tw_config_load(&cfg, "/nonexistent/x.ini", err,
		sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.ini"));
}

/*
 * --list-keys: every key with its default and what it takes; each
 * default printed, set back through the parser, is taken as it is.
 */
static void
list_keys_gives_defaults_the_parser_takes(void **state)
{
	char *buf = NULL, *line, *save = NULL, section[64] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tw_config cfg;
	char err[TW_ERR_MAX];
	unsigned int keys = 0;

	(void)state;
	tw_config_print_keys(f);
	fclose(f);
	assert_non_null(strstr(buf, "[feed]\n  symbols = 1000    (integer "
		"1..1000000)\n"));
	assert_non_null(strstr(buf, "  simd = auto    (scalar|sse|avx2|"
		"avx512|auto)\n"));
	assert_non_null(strstr(buf, "  store_messages = 0    (integer "));
	tw_config_defaults(&cfg);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char key[64], value[256];

		if (line[0] == '[') {
			assert_int_equal(sscanf(line, "[%63[^]]]", section), 1);
			continue;
		}
		if (strncmp(line, "      ", 6) == 0)
			continue;       /* the help text */
		value[0] = '\0';
		assert_true(sscanf(line, "  %63s = %255s", key, value) >= 1);
		if (value[0] == '(' || value[0] == '\0')
			continue;       /* empty by default (text) */
		if (tw_config_set(&cfg, "test", section, key, value, err,
				sizeof(err)) != 0)
			fail_msg("[%s] %s = %s: %s", section, key, value, err);
		keys++;
	}
	assert_true(keys > 80);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_profiles_all_load_and_check),
		cmocka_unit_test(values_are_read_into_the_config),
		cmocka_unit_test(generator_lcores_are_checked),
		cmocka_unit_test(itch_profiles_are_checked),
		cmocka_unit_test(transport_is_chosen_and_checked),
		cmocka_unit_test(unknown_section_is_named),
		cmocka_unit_test(unknown_key_is_named),
		cmocka_unit_test(bad_values_are_named_with_the_reason),
		cmocka_unit_test(checks_across_keys_name_the_keys),
		cmocka_unit_test(command_line_values_pass_the_same_checks),
		cmocka_unit_test(line_b_port_is_checked),
		cmocka_unit_test(missing_file_is_reported),
		cmocka_unit_test(lookalike_values_are_refused_by_name),
		cmocka_unit_test(directory_as_profile_is_refused),
		cmocka_unit_test(list_keys_gives_defaults_the_parser_takes),
		cmocka_unit_test(mdp3_loops_are_checked),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
