/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The profile file read line by line before rte_cfgfile parses it,
 * for what rte_cfgfile would let pass silently.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_cfgfile.h>

#include "tw_config_private.h"

/*
 * What rte_cfgfile would let pass silently: a profile that is not a
 * regular file, a section given twice, a line without '=', a key set
 * twice, a key or value it would cut (CFG_NAME_LEN, CFG_VALUE_LEN), a
 * key outside any section. Each is an error naming the file, the line,
 * the section and the key.
 */
#define LINT_MAX_KEYS 512

int
tw_config_lint_file(const char *path, char *err, size_t errlen)
{
	static char seen[LINT_MAX_KEYS][CFG_NAME_LEN * 2 + 2];
	unsigned int nb_seen = 0, lineno = 0, i;
	char sec[CFG_NAME_LEN] = "", *line = NULL;
	size_t cap = 0;
	struct stat st;
	ssize_t got;
	int rc = 0;
	FILE *f;

	if (stat(path, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			strerror(errno));
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (a profile is "
			"an INI file)", path);
		return -EINVAL;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			strerror(errno));
		return rc;
	}
	while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
		char *p = line, *end = line + got, *eq, *k, *v;

		lineno++;
		while (end > p && isspace((unsigned char)end[-1]))
			*--end = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == ';' || *p == '#')
			continue;
		if (*p == '[') {
			char *close = strchr(p, ']');

			if (close == NULL || close[1] != '\0' ||
			    close - p - 1 >= CFG_NAME_LEN || close == p + 1) {
				snprintf(err, errlen, "%s:%u: '%.40s': not a "
					"[section] line", path, lineno, p);
				rc = -EINVAL;
				break;
			}
			*close = '\0';
			snprintf(sec, sizeof(sec), "%s", p + 1);
			for (i = 0; i < nb_seen; i++)
				if (seen[i][0] == '[' &&
				    strcmp(seen[i] + 1, sec) == 0) {
					snprintf(err, errlen, "%s:%u: [%s]: "
						"section given twice", path,
						lineno, sec);
					rc = -EINVAL;
				}
			if (rc == 0 && nb_seen < LINT_MAX_KEYS)
				snprintf(seen[nb_seen++], sizeof(seen[0]),
					"[%s", sec);
			continue;
		}
		eq = strchr(p, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "%s:%u: [%s]: '%.40s': a line "
				"without '='", path, lineno, sec, p);
			rc = -EINVAL;
			break;
		}
		k = p;
		v = eq + 1;
		*eq = '\0';
		for (end = eq; end > k && isspace((unsigned char)end[-1]); )
			*--end = '\0';
		while (isspace((unsigned char)*v))
			v++;
		if (sec[0] == '\0') {
			snprintf(err, errlen, "%s:%u: %s: a key outside any "
				"[section]", path, lineno, k);
			rc = -EINVAL;
		} else if (*k == '\0' || strlen(k) >= CFG_NAME_LEN) {
			snprintf(err, errlen, "%s:%u: [%s]: '%.40s': no key, "
				"or a key longer than %d characters", path,
				lineno, sec, k, CFG_NAME_LEN - 1);
			rc = -EINVAL;
		} else if (strlen(v) >= CFG_VALUE_LEN) {
			snprintf(err, errlen, "%s: [%s] %s: value longer than "
				"%d characters (line %u)", path, sec, k,
				CFG_VALUE_LEN - 1, lineno);
			rc = -E2BIG;
		}
		for (i = 0; rc == 0 && i < nb_seen; i++) {
			size_t sl = strlen(sec);

			if (strncmp(seen[i], sec, sl) == 0 &&
			    seen[i][sl] == ' ' &&
			    strcmp(seen[i] + sl + 1, k) == 0) {
				snprintf(err, errlen, "%s: [%s] %s: set twice "
					"(line %u)", path, sec, k, lineno);
				rc = -EINVAL;
			}
		}
		if (rc == 0 && nb_seen < LINT_MAX_KEYS)
			snprintf(seen[nb_seen++], sizeof(seen[0]), "%s %s",
				sec, k);
	}
	free(line);
	if (rc == 0 && ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "%s: read error", path);
	}
	fclose(f);
	return rc;
}
