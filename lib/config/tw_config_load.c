/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Setting keys: one key set from anywhere (a profile's line, a
 * command-line option) with an error naming its origin, section and
 * key, and the nearest known name when it is a typo; and a profile
 * file read whole (the line checks first, then rte_cfgfile, then every
 * key in turn).
 *
 * Owns: the lookups in the schema, the order of reading. Never
 * touches: the schema and defaults (tw_config.c), a value's syntax
 * (tw_config_value.c), checks across keys (tw_config_derive.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cfgfile.h>
#include <rte_common.h>

#include "tw_config.h"
#include "tw_config_private.h"

static const struct key_def *
find_key(const char *section, const char *key)
{
	unsigned int i, nb_keys;
	const struct key_def *keys = tw_config_keys(&nb_keys);

	for (i = 0; i < nb_keys; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].key, key) == 0)
			return &keys[i];
	return NULL;
}

/* Edit distance of a and b (insert, delete, replace), at most 64 each. */
static unsigned int
edit_distance(const char *a, const char *b)
{
	unsigned int row[65], i, j, la = strlen(a), lb = strlen(b);

	if (la > 64 || lb > 64)
		return UINT32_MAX;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned int diag = row[0];

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned int up = row[j];
			unsigned int best = diag + (a[i - 1] != b[j - 1]);

			best = RTE_MIN(best, up + 1);
			best = RTE_MIN(best, row[j - 1] + 1);
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/*
 * The known key nearest to what was written (in section, or a section
 * when key is NULL), if near enough to be a typo: a third of its length,
 * at least 2 edits.
 */
static const char *
nearest(const char *section, const char *key)
{
	const char *word = key != NULL ? key : section, *best = NULL;
	unsigned int i, d, best_d = UINT32_MAX, nb_keys;
	unsigned int limit = RTE_MAX(2u, (unsigned int)strlen(word) / 3);
	const struct key_def *keys = tw_config_keys(&nb_keys);

	for (i = 0; i < nb_keys; i++) {
		const char *cand = key != NULL ? keys[i].key : keys[i].section;

		if (key != NULL && strcmp(keys[i].section, section) != 0)
			continue;
		d = edit_distance(word, cand);
		if (d < best_d) {
			best_d = d;
			best = cand;
		}
	}
	return best_d <= limit ? best : NULL;
}

static bool
section_known(const char *section)
{
	unsigned int i, nb_keys;
	const struct key_def *keys = tw_config_keys(&nb_keys);

	for (i = 0; i < nb_keys; i++)
		if (strcmp(keys[i].section, section) == 0)
			return true;
	return false;
}

int
tw_config_set_arg(struct tw_config *cfg, const char *arg, char *err,
		size_t errlen)
{
	char buf[TW_EAL_ARGS_MAX + 64], *dot, *eq;

	snprintf(buf, sizeof(buf), "%s", arg);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (dot == NULL || eq == NULL || dot > eq) {
		snprintf(err, errlen, "command line: --set '%s': expected "
			"SECTION.KEY=VALUE", arg);
		return -EINVAL;
	}
	*dot = '\0';
	*eq = '\0';
	return tw_config_set(cfg, "command line (--set)", buf, dot + 1,
		eq + 1, err, errlen);
}

int
tw_config_set(struct tw_config *cfg, const char *origin, const char *section,
		const char *key, const char *value, char *err, size_t errlen)
{
	const struct key_def *k;
	char why[256];
	int rc;

	if (!section_known(section)) {
		const char *near = nearest(section, NULL);

		snprintf(err, errlen, "%s: [%s]: unknown section%s%s%s", origin,
			section, near != NULL ? " (did you mean [" : "",
			near != NULL ? near : "", near != NULL ? "]?)" : "");
		return -ENOENT;
	}
	k = find_key(section, key);
	if (k == NULL) {
		const char *near = nearest(section, key);

		snprintf(err, errlen, "%s: [%s] %s: unknown key%s%s%s", origin,
			section, key, near != NULL ? " (did you mean " : "",
			near != NULL ? near : "", near != NULL ? "?)" : "");
		return -ENOENT;
	}
	rc = tw_config_parse_value(k, (uint8_t *)cfg + k->off, cfg, value, why,
		sizeof(why));
	if (rc != 0)
		snprintf(err, errlen, "%s: [%s] %s: '%s' %s", origin, section,
			key, value, why);
	return rc;
}

int
tw_config_load(struct tw_config *cfg, const char *path, char *err,
		size_t errlen)
{
	struct rte_cfgfile *file;
	int nsec, s, rc;
	char **names = NULL;

	/* rte_cfgfile reports no cause and lets some mistakes pass. */
	rc = tw_config_lint_file(path, err, errlen);
	if (rc != 0)
		return rc;
	file = rte_cfgfile_load(path, CFG_FLAG_EMPTY_VALUES);
	if (file == NULL) {
		snprintf(err, errlen, "%s: not a valid INI file (a line "
			"outside [section] or without '=')", path);
		return -EINVAL;
	}
	nsec = rte_cfgfile_num_sections(file, NULL, 0);
	names = calloc(RTE_MAX(nsec, 1), sizeof(*names));
	if (names == NULL) {
		rte_cfgfile_close(file);
		return -ENOMEM;
	}
	for (s = 0; s < nsec; s++) {
		names[s] = malloc(CFG_NAME_LEN);
		if (names[s] == NULL) {
			rc = -ENOMEM;
			goto out;
		}
	}
	rte_cfgfile_sections(file, names, nsec);
	for (s = 0; s < nsec && rc == 0; s++) {
		int n = rte_cfgfile_section_num_entries(file, names[s]);
		struct rte_cfgfile_entry *ent;
		int e;

		if (!section_known(names[s])) {
			const char *near = nearest(names[s], NULL);

			snprintf(err, errlen, "%s: [%s]: unknown section%s%s%s",
				path, names[s], near != NULL ?
				" (did you mean [" : "", near != NULL ? near :
				"", near != NULL ? "]?)" : "");
			rc = -ENOENT;
			break;
		}
		if (n <= 0)
			continue;
		ent = calloc(n, sizeof(*ent));
		if (ent == NULL) {
			rc = -ENOMEM;
			break;
		}
		rte_cfgfile_section_entries(file, names[s], ent, n);
		for (e = 0; e < n && rc == 0; e++)
			rc = tw_config_set(cfg, path, names[s], ent[e].name,
				ent[e].value, err, errlen);
		free(ent);
	}
	if (rc == 0)
		snprintf(cfg->path, sizeof(cfg->path), "%s", path);
out:
	for (s = 0; s < nsec; s++)
		free(names[s]);
	free(names);
	rte_cfgfile_close(file);
	return rc;
}
