// SPDX-License-Identifier: GPL-2.0
/*
 * config: libgit2 reads and parses the files, one per git config level; we
 * keep the -c overrides and a sorted table of effective values, rebuilt
 * whenever a source is added, with untrusted tree keys filtered out.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "config.h"
#include "sbuf.h"
#include "util.h"

#define CONFIG_NFILES CONFIG_COMMAND_LINE
#define REDACTED "<redacted>"
#define COMMAND_LINE_ORIGIN "command line:"

/* One value: an override, or an entry of the effective table. */
struct config_item {
	char *key; /* normalised */
	char *value; /* NULL: set without '=' */
	enum config_origin origin;
	size_t seq; /* order of appearance, for "last one wins" */
};

struct config {
	git_config *git;
	char *path[CONFIG_NFILES]; /* NULL: origin not loaded */
	char *origin_str[CONFIG_NFILES]; /* "file:<path>" */
	char *tree_top; /* directory of the CONFIG_TREE file */

	struct config_item *ovr;
	size_t novr, ovr_alloc;

	struct config_item *eff; /* sorted by key, one item per key */
	size_t neff, eff_alloc;
	struct config_item *all; /* every value, sorted as eff before settling */
	size_t nall, all_alloc;

	char **ignored; /* warnings for untrusted keys dropped */
	size_t nignored, ignored_alloc;

	char *tree_warning; /* why the tree file was ignored as a whole */
};

static const git_config_level_t origin_level[CONFIG_NFILES] = {
	[CONFIG_SYSTEM] = GIT_CONFIG_LEVEL_SYSTEM,
	[CONFIG_GLOBAL] = GIT_CONFIG_LEVEL_GLOBAL,
	[CONFIG_TREE] = GIT_CONFIG_LEVEL_LOCAL,
	[CONFIG_FILE] = GIT_CONFIG_LEVEL_APP,
};

/*
 * Every key mmreview accepts, one a line; keep in step with
 * config/mmreview.conf.example. A key that is accepted but does nothing
 * yet warns "not yet supported": whoever makes one work sets its flag.
 */
static const struct known_key {
	const char *key;
	bool supported;
} known_keys[] = {
	{ "review.kernel-tree", true },
	{ "review.format", true },
	{ "rule.*.enabled", true },
	{ "rule.*.severity", true },
	{ "rules.directory", true },
	{ "rules.plugin", true },
	{ "lore.url", true },
	{ "lore.mode", true },
	{ "lore.settle", true },
	{ "lore.ignore-from", true },
	{ "lore.timeout", true },
	{ "lore.connect-timeout", true },
	{ "lore.retries", true },
	{ "daemon.interval", true },
	/* the daemon's state and posting: bot/state.c, bot/post.c, bot/smtp.c */
	{ "daemon.state-dir", true }, /* lore fetch keeps its state there */
	{ "post.mode", true },
	{ "post.outbox", true },
	{ "post.from", true },
	{ "post.reply-to", true },
	{ "post.list", true },
	{ "post.cc", true },
	{ "post.ignore-from", true },
	{ "post.only-from", true },
	{ "post.min-severity", true },
	{ "post.max-per-hour", true },
	{ "post.archive-wait", true },
	{ "smtp.url", true },
	{ "smtp.user", true },
	{ "smtp.pass-file", true },
	{ "smtp.starttls", true },
	{ "smtp.connect-timeout", true },
	{ "smtp.timeout", true },
};

/* The only keys read from an untrusted tree file. */
static const char *const tree_keys[] = {
	"rule.*.enabled",
	"rule.*.severity",
	"rules.directory",
};

/* --- keys ------------------------------------------------------------- */

/* pattern is a key, or has one '*' standing for a non-empty subsection. */
static bool key_matches(const char *pattern, const char *key)
{
	const char *star = strchr(pattern, '*');
	size_t pre, suf, len;

	if (!star)
		return !strcmp(pattern, key);
	pre = star - pattern;
	suf = strlen(star + 1);
	len = strlen(key);
	return len > pre + suf && !strncmp(key, pattern, pre) &&
	       !strcmp(key + len - suf, star + 1);
}

static bool key_in(const char *const *table, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (key_matches(table[i], key))
			return true;
	return false;
}

/*
 * rule.<id>.<option>: an option of a rule; which options a rule has is
 * known once the rules are loaded, where the unknown ones are warned about.
 */
static bool is_rule_option(const char *key)
{
	const char *last = strrchr(key, '.');

	return !strncmp(key, "rule.", 5) && last > key + 5;
}

static const struct known_key *known_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(known_keys) / sizeof(*known_keys); i++)
		if (key_matches(known_keys[i].key, key))
			return &known_keys[i];
	return NULL;
}

bool config_key_is_known(const char *key)
{
	return known_key(key) != NULL || is_rule_option(key);
}

bool config_key_is_supported(const char *key)
{
	const struct known_key *k = known_key(key);

	return k ? k->supported : is_rule_option(key);
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

bool config_key_is_secret(const char *key)
{
	return ends_with_ci(key, ".pass") || ends_with_ci(key, ".password") ||
	       strcasestr(key, "token");
}

static bool is_name(const char *s, size_t n, bool variable)
{
	size_t i;

	if (!n || (variable && !isalpha((unsigned char)s[0])))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

/*
 * The key [s, s+n) as libgit2 stores it: section and variable lowercase,
 * subsection as written. NULL when it is not a valid key.
 */
static char *normalize_key(const char *s, size_t n)
{
	const char *first = memchr(s, '.', n);
	const char *last = memrchr(s, '.', n);
	char *key;
	size_t i;

	if (!first || !is_name(s, first - s, false) ||
	    !is_name(last + 1, s + n - last - 1, true) ||
	    (first != last && last == first + 1) || memchr(s, '\n', n))
		return NULL;
	key = xstrndup(s, n);
	if (strlen(key) != n) {
		free(key);
		return NULL;
	}
	for (i = 0; i < (size_t)(first - s); i++)
		key[i] = tolower((unsigned char)key[i]);
	for (i = last - s; i < n; i++)
		key[i] = tolower((unsigned char)key[i]);
	return key;
}

/* --- the effective table ----------------------------------------------- */

static void items_clear(struct config_item *items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(items[i].key);
		free(items[i].value);
	}
}

static void ignored_clear(struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->nignored; i++)
		free(cfg->ignored[i]);
	cfg->nignored = 0;
}

/* Takes ownership of key and value. */
static void eff_push(struct config *cfg, char *key, char *value,
		     enum config_origin origin, size_t seq)
{
	XGROW(cfg->eff, cfg->eff_alloc, cfg->neff + 1);
	cfg->eff[cfg->neff++] = (struct config_item){ key, value, origin, seq };
}

/*
 * Append s with control characters (bytes below 0x20, and 0x7f) shown as
 * '?': keys, values and paths come from files.
 */
static void add_printable(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		sbuf_addch(sb, c < 0x20 || c == 0x7f ? '?' : c);
	}
}

/* A value as it may be shown: the userinfo of a URL is redacted. */
static void add_shown_value(struct sbuf *sb, const char *key, const char *value)
{
	const char *host = value, *sep = strstr(value, "://");
	size_t n;
	const char *at;

	if (!ends_with_ci(key, ".url")) {
		add_printable(sb, value);
		return;
	}
	if (sep)
		host = sep + 3;
	n = strcspn(host, "/?#");
	at = memrchr(host, '@', n);
	if (!at) {
		add_printable(sb, value);
		return;
	}
	while (value < host) {
		unsigned char c = *value++;

		sbuf_addch(sb, c < 0x20 || c == 0x7f ? '?' : c);
	}
	sbuf_addstr(sb, REDACTED);
	add_printable(sb, at);
}

static void note_ignored(struct config *cfg, const char *key, const char *why)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_addstr(&sb, "ignoring '");
	add_printable(&sb, key);
	sbuf_addstr(&sb, "' from untrusted ");
	add_printable(&sb, cfg->path[CONFIG_TREE]);
	sbuf_addf(&sb, ": %s", why);
	XGROW(cfg->ignored, cfg->ignored_alloc, cfg->nignored + 1);
	cfg->ignored[cfg->nignored++] = sbuf_detach(&sb, NULL);
}

static bool has_dotdot(const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return true;
		p += n;
		p += strspn(p, "/");
	}
	return false;
}

static char *path_join(const char *dir, const char *name)
{
	struct sbuf sb = SBUF_INIT;
	size_t n = strlen(dir);

	sbuf_addstr(&sb, dir);
	if (n && dir[n - 1] != '/')
		sbuf_addch(&sb, '/');
	sbuf_addstr(&sb, name);
	return sbuf_detach(&sb, NULL);
}

/* The real path of the longest existing leading part of path. */
static char *resolve_existing(const char *path)
{
	char *p = xstrdup(path);
	char *real, *slash;

	while (!(real = realpath(p, NULL)) && (slash = strrchr(p, '/')) &&
	       slash != p)
		*slash = '\0';
	free(p);
	return real;
}

/* path must resolve (symbolic links too) to top or below it. */
static bool resolves_inside(const char *top, const char *path)
{
	char *rpath = resolve_existing(path);
	char *rtop = realpath(top, NULL);
	bool inside = false;
	size_t n;

	if (!rpath || !rtop)
		goto out;
	n = strlen(rtop);
	inside = n == 1 || (!strncmp(rpath, rtop, n) &&
			    (rpath[n] == '\0' || rpath[n] == '/'));
out:
	free(rtop);
	free(rpath);
	return inside;
}

/* rules.directory from a tree: relative, inside; *out is the joined path. */
static bool tree_dir_ok(const struct config *cfg, const char *value, char **out)
{
	char *path;

	if (!value || !*value || value[0] == '/' || has_dotdot(value))
		return false;
	path = path_join(cfg->tree_top, value);
	if (!resolves_inside(cfg->tree_top, path)) {
		free(path);
		return false;
	}
	*out = path;
	return true;
}

/*
 * Whether an entry of the tree file is kept; *out is its (new) value.
 * Dropped keys are recorded for config_check().
 */
static bool tree_accepts(struct config *cfg, const char *key, const char *value,
			 char **out)
{
	if (!key_in(tree_keys, sizeof(tree_keys) / sizeof(*tree_keys), key)) {
		note_ignored(cfg, key,
			     "only rule settings are read from a tree");
		return false;
	}
	if (strcmp(key, "rules.directory")) {
		*out = value ? xstrdup(value) : NULL;
		return true;
	}
	if (tree_dir_ok(cfg, value, out))
		return true;
	note_ignored(cfg, key,
		     "the path must be relative and stay inside the tree");
	return false;
}

static int level_origin(git_config_level_t level, enum config_origin *out)
{
	int i;

	for (i = 0; i < CONFIG_NFILES; i++) {
		if (origin_level[i] == level) {
			*out = i;
			return 0;
		}
	}
	return mmr_error_set(MMR_EIO, "config entry of unexpected level %d",
			     (int)level);
}

static int add_git_entry(struct config *cfg, const git_config_entry *e,
			 size_t seq)
{
	enum config_origin origin = CONFIG_SYSTEM;
	char *value = NULL;
	int error;

	error = level_origin(e->level, &origin);
	if (error)
		return error;
	if (origin != CONFIG_TREE) {
		value = e->value ? xstrdup(e->value) : NULL;
	} else if (e->include_depth) {
		note_ignored(cfg, e->name,
			     "files included from a tree are not read");
		return 0;
	} else if (!tree_accepts(cfg, e->name, e->value, &value)) {
		return 0;
	}
	eff_push(cfg, xstrdup(e->name), value, origin, seq);
	return 0;
}

static int item_cmp(const void *a, const void *b)
{
	const struct config_item *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->origin != y->origin)
		return x->origin < y->origin ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Sort, keep a copy of every value for config_get_all(), and keep the
 * last (highest origin, latest) item of each key.
 */
static void eff_settle(struct config *cfg)
{
	size_t i, n = 0;

	if (!cfg->neff)
		return;
	qsort(cfg->eff, cfg->neff, sizeof(*cfg->eff), item_cmp);
	XGROW(cfg->all, cfg->all_alloc, cfg->neff);
	for (i = 0; i < cfg->neff; i++) {
		cfg->all[i] = cfg->eff[i];
		cfg->all[i].key = xstrdup(cfg->eff[i].key);
		if (cfg->eff[i].value)
			cfg->all[i].value = xstrdup(cfg->eff[i].value);
	}
	cfg->nall = cfg->neff;
	for (i = 0; i < cfg->neff; i++) {
		if (i + 1 < cfg->neff &&
		    !strcmp(cfg->eff[i].key, cfg->eff[i + 1].key)) {
			items_clear(&cfg->eff[i], 1);
			continue;
		}
		cfg->eff[n++] = cfg->eff[i];
	}
	cfg->neff = n;
}

static int git_fail(int code, const char *what, const char *path)
{
	const git_error *e = git_error_last();

	return mmr_error_set(code, "%s '%s': %s", what, path,
			     e && e->message ? e->message : "libgit2 error");
}

static int config_rebuild(struct config *cfg)
{
	git_config_iterator *it = NULL;
	git_config_entry *e;
	size_t i, seq = 0;
	int error;

	items_clear(cfg->eff, cfg->neff);
	cfg->neff = 0;
	items_clear(cfg->all, cfg->nall);
	cfg->nall = 0;
	ignored_clear(cfg);
	if (git_config_iterator_new(&it, cfg->git) < 0) {
		error = git_fail(MMR_EIO, "cannot list", "configuration");
		goto out;
	}
	while ((error = git_config_next(&e, it)) == 0) {
		error = add_git_entry(cfg, e, seq++);
		if (error)
			goto out;
	}
	if (error != GIT_ITEROVER) {
		error = git_fail(MMR_EIO, "cannot list", "configuration");
		goto out;
	}
	for (i = 0; i < cfg->novr; i++)
		eff_push(cfg, xstrdup(cfg->ovr[i].key),
			 xstrdup(cfg->ovr[i].value), CONFIG_COMMAND_LINE,
			 seq++);
	eff_settle(cfg);
	error = 0;
out:
	git_config_iterator_free(it);
	return error;
}

/* --- life cycle and sources -------------------------------------------- */

int config_new(struct config **out)
{
	struct config *cfg;

	if (git_libgit2_init() < 0)
		return git_fail(MMR_EIO, "cannot initialise", "libgit2");
	cfg = xcalloc(1, sizeof(*cfg));
	if (git_config_new(&cfg->git) < 0) {
		int error = git_fail(MMR_EIO, "cannot create", "config");

		free(cfg);
		git_libgit2_shutdown();
		return error;
	}
	*out = cfg;
	return 0;
}

void config_free(struct config *cfg)
{
	int i;

	if (!cfg)
		return;
	items_clear(cfg->eff, cfg->neff);
	free(cfg->eff);
	items_clear(cfg->all, cfg->nall);
	free(cfg->all);
	items_clear(cfg->ovr, cfg->novr);
	free(cfg->ovr);
	ignored_clear(cfg);
	free(cfg->ignored);
	free(cfg->tree_warning);
	for (i = 0; i < CONFIG_NFILES; i++) {
		free(cfg->path[i]);
		free(cfg->origin_str[i]);
	}
	free(cfg->tree_top);
	git_config_free(cfg->git);
	free(cfg);
	git_libgit2_shutdown();
}

/*
 * Whether text has a section header naming include or includeIf: '[',
 * optional blanks, then the name (case-insensitive) not followed by a word
 * character. Deliberately wider than git's syntax ('[' anywhere, since
 * libgit2 also takes a header after another on the same line): a false
 * positive only ignores an untrusted file. A NUL byte counts too, as the
 * parser may stop reading a line there.
 */
static bool has_include(const char *text, size_t len)
{
	const char *end = text + len, *p;

	if (memchr(text, '\0', len))
		return true;
	for (p = text; (p = memchr(p, '[', end - p));) {
		p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (end - p < 7 || strncasecmp(p, "include", 7))
			continue;
		p += 7;
		if (end - p >= 2 && !strncasecmp(p, "if", 2))
			p += 2;
		if (p == end || (!isalnum((unsigned char)*p) && *p != '_'))
			return true;
	}
	return false;
}

/* Read the rest of fd (at most CONFIG_MAX_FILE_SIZE bytes) into sb. */
static int read_all(int fd, const char *path, struct sbuf *sb)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mmr_error_set(MMR_EIO,
					     "cannot read config file '%s': %s",
					     path, strerror(errno));
		}
		if (sb->len + n > (size_t)CONFIG_MAX_FILE_SIZE)
			return mmr_error_set(MMR_ELIMIT,
					     "config file '%s' is larger than "
					     "%ld bytes",
					     path, CONFIG_MAX_FILE_SIZE);
		sbuf_add(sb, buf, n);
	}
	return 0;
}

/*
 * 0: read it; 1: missing and that is fine; negative: an error. The file is
 * opened without blocking (a FIFO must not hang us) and checked with
 * fstat(); a tree file is read, and refused when it has an [include].
 */
static int check_file(const char *path, enum config_origin origin)
{
	struct sbuf text = SBUF_INIT;
	struct stat st;
	int fd, error = 0;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if ((errno == ENOENT || errno == ENOTDIR) &&
		    origin != CONFIG_FILE)
			return 1;
		return mmr_error_set(errno == ENOENT ? MMR_ENOTFOUND : MMR_EIO,
				     "cannot read config file '%s': %s", path,
				     strerror(errno));
	}
	if (fstat(fd, &st) < 0) {
		error = mmr_error_set(MMR_EIO,
				      "cannot read config file '%s': %s", path,
				      strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		error = mmr_error_set(MMR_EIO,
				      "cannot read config file '%s': "
				      "not a regular file",
				      path);
	} else if (st.st_size > CONFIG_MAX_FILE_SIZE) {
		error = mmr_error_set(MMR_ELIMIT,
				      "config file '%s' is larger than %ld "
				      "bytes",
				      path, CONFIG_MAX_FILE_SIZE);
	} else if (origin == CONFIG_TREE) {
		error = read_all(fd, path, &text);
		if (!error && has_include(text.buf, text.len))
			error = mmr_error_set(MMR_EIO,
					      "[include] is not read from a "
					      "tree");
	}
	sbuf_release(&text);
	close(fd);
	return error;
}

/* Replace the warning about the tree file with "ignoring <path>: why". */
static void set_tree_warning(struct config *cfg, const char *path,
			     const char *why)
{
	struct sbuf sb = SBUF_INIT;
	size_t n;

	free(cfg->tree_warning);
	cfg->tree_warning = NULL;
	if (!why)
		return;
	/* the path is said once */
	sbuf_addf(&sb, "cannot read config file '%s': ", path);
	n = sb.len;
	if (!strncmp(why, sb.buf, n))
		why += n;
	sbuf_reset(&sb);
	sbuf_addstr(&sb, "ignoring ");
	add_printable(&sb, path);
	sbuf_addstr(&sb, ": ");
	add_printable(&sb, why);
	cfg->tree_warning = sbuf_detach(&sb, NULL);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, slash - path);
}

int config_add_file(struct config *cfg, const char *path,
		    enum config_origin origin)
{
	struct sbuf sb = SBUF_INIT;
	int error;

	assert(cfg && path);
	if (origin < CONFIG_SYSTEM || origin >= CONFIG_NFILES)
		return mmr_error_set(MMR_EUSAGE, "'%s': not a file origin",
				     path);
	if (cfg->path[origin])
		return mmr_error_set(MMR_EUSAGE,
				     "cannot read '%s': '%s' is read already "
				     "at that level",
				     path, cfg->path[origin]);
	if (origin == CONFIG_TREE)
		set_tree_warning(cfg, path, NULL);
	error = check_file(path, origin);
	if (!error &&
	    git_config_add_file_ondisk(cfg->git, path, origin_level[origin],
				       NULL, 0) < 0)
		error = git_fail(MMR_EIO, "cannot read config file", path);
	if (error < 0 && origin == CONFIG_TREE) {
		/* a stranger's file: warn and go on without it */
		set_tree_warning(cfg, path, mmr_error_last());
		return 0;
	}
	if (error)
		return error > 0 ? 0 : error;
	cfg->path[origin] = xstrdup(path);
	sbuf_addf(&sb, "file:%s", path);
	cfg->origin_str[origin] = sbuf_detach(&sb, NULL);
	if (origin == CONFIG_TREE)
		cfg->tree_top = dir_of(path);
	return config_rebuild(cfg);
}

int config_add_override(struct config *cfg, const char *key_value)
{
	const char *eq = strchr(key_value, '=');
	char *key;

	assert(cfg && key_value);
	if (!eq)
		return mmr_error_set(MMR_EUSAGE,
				     "bad -c '%s': expected key=value",
				     key_value);
	key = normalize_key(key_value, eq - key_value);
	if (!key)
		return mmr_error_set(MMR_EUSAGE,
				     "bad -c: invalid key '%.*s' "
				     "(expected section.variable)",
				     (int)(eq - key_value), key_value);
	XGROW(cfg->ovr, cfg->ovr_alloc, cfg->novr + 1);
	cfg->ovr[cfg->novr] = (struct config_item){ key, xstrdup(eq + 1),
						    CONFIG_COMMAND_LINE,
						    cfg->novr };
	cfg->novr++;
	return config_rebuild(cfg);
}

static const char *system_path(void)
{
	const char *env = getenv("MMREVIEW_SYSTEM_CONFIG");

	return env && *env ? env : CONFIG_SYSTEM_PATH;
}

/* The user's file, or NULL without $XDG_CONFIG_HOME and $HOME. */
static char *user_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		return path_join(xdg, "mmreview/config");
	if (home && *home)
		return path_join(home, ".config/mmreview/config");
	return NULL;
}

int config_load_default(struct config *cfg, const char *tree_top,
			const char *extra_file)
{
	char *path = user_path();
	int error;

	error = config_add_file(cfg, system_path(), CONFIG_SYSTEM);
	if (!error && path)
		error = config_add_file(cfg, path, CONFIG_GLOBAL);
	free(path);
	path = tree_top ? path_join(tree_top, CONFIG_TREE_NAME) : NULL;
	if (!error && path)
		error = config_add_file(cfg, path, CONFIG_TREE);
	if (!error && extra_file)
		error = config_add_file(cfg, extra_file, CONFIG_FILE);
	free(path);
	return error;
}

/* --- getters ------------------------------------------------------------ */

static const char *item_origin(const struct config *cfg,
			       const struct config_item *it)
{
	if (it->origin == CONFIG_COMMAND_LINE)
		return COMMAND_LINE_ORIGIN;
	return cfg->origin_str[it->origin];
}

/* The origin for a message: "file:/path" or "command line". */
static const char *item_where(const struct config *cfg,
			      const struct config_item *it)
{
	if (it->origin == CONFIG_COMMAND_LINE)
		return "command line";
	return cfg->origin_str[it->origin];
}

static int key_cmp(const void *key, const void *item)
{
	return strcmp(key, ((const struct config_item *)item)->key);
}

/* The effective item of key, NULL when unset or not a key. */
static const struct config_item *lookup(const struct config *cfg,
					const char *key)
{
	const struct config_item *it;
	char *norm = normalize_key(key, strlen(key));

	if (!norm || !cfg->neff) {
		free(norm);
		return NULL;
	}
	it = bsearch(norm, cfg->eff, cfg->neff, sizeof(*cfg->eff), key_cmp);
	free(norm);
	return it;
}

static int bad_value(const struct config *cfg, const struct config_item *it,
		     const char *what)
{
	struct sbuf sb = SBUF_INIT;
	int error;

	if (!it->value) {
		sbuf_addch(&sb, '\'');
		add_printable(&sb, it->key);
		sbuf_addstr(&sb, "' in ");
		add_printable(&sb, item_where(cfg, it));
		sbuf_addstr(&sb, " has no value");
	} else {
		sbuf_addf(&sb, "bad %s ", what);
		if (!config_key_is_secret(it->key)) {
			sbuf_addch(&sb, '\'');
			add_shown_value(&sb, it->key, it->value);
			sbuf_addstr(&sb, "' ");
		}
		sbuf_addstr(&sb, "for '");
		add_printable(&sb, it->key);
		sbuf_addstr(&sb, "' in ");
		add_printable(&sb, item_where(cfg, it));
	}
	error = mmr_error_set(MMR_EINVAL, "%s", sb.buf);
	sbuf_release(&sb);
	return error;
}

int config_get_string(const struct config *cfg, const char *key,
		      const char **out)
{
	const struct config_item *it = lookup(cfg, key);

	*out = NULL;
	if (!it)
		return mmr_error_set(MMR_ENOTFOUND, "'%s' is not set", key);
	if (!it->value)
		return bad_value(cfg, it, "string");
	*out = it->value;
	return 0;
}

static int item_path(const struct config *cfg, const struct config_item *it,
		     char **out)
{
	const char *home = getenv("HOME");
	const char *v = it->value;

	*out = NULL;
	if (!v || !*v)
		return bad_value(cfg, it, "path");
	if (v[0] != '~') {
		*out = xstrdup(v);
		return 0;
	}
	if ((v[1] && v[1] != '/') || !home || !*home)
		return bad_value(cfg, it, "path (only ~/ with $HOME is known)");
	*out = path_join(home, v[1] ? v + 2 : "");
	return 0;
}

int config_get_path(const struct config *cfg, const char *key, char **out)
{
	const struct config_item *it = lookup(cfg, key);

	*out = NULL;
	if (!it)
		return mmr_error_set(MMR_ENOTFOUND, "'%s' is not set", key);
	return item_path(cfg, it, out);
}

int config_get_paths(const struct config *cfg, const char *key,
		     config_path_cb cb, void *payload)
{
	char *norm = normalize_key(key, strlen(key));
	size_t i;
	int ret = 0;

	for (i = 0; norm && i < cfg->nall && !ret; i++) {
		const struct config_item *it = &cfg->all[i];
		char *path;

		if (strcmp(it->key, norm))
			continue;
		ret = item_path(cfg, it, &path);
		if (!ret)
			ret = cb(path, it->origin, item_where(cfg, it),
				 payload);
		free(path);
	}
	free(norm);
	return ret;
}

int config_get_bool(const struct config *cfg, const char *key, bool dflt,
		    bool *out)
{
	const struct config_item *it = lookup(cfg, key);
	int v;

	*out = dflt;
	if (!it)
		return 0;
	if (!it->value) {
		*out = true;
		return 0;
	}
	if (git_config_parse_bool(&v, it->value) < 0)
		return bad_value(cfg, it, "boolean");
	*out = v;
	return 0;
}

int config_get_int(const struct config *cfg, const char *key, long dflt,
		   long *out)
{
	const struct config_item *it = lookup(cfg, key);
	int64_t v;

	*out = dflt;
	if (!it)
		return 0;
	if (!it->value || git_config_parse_int64(&v, it->value) < 0 ||
	    v < LONG_MIN || v > LONG_MAX)
		return bad_value(cfg, it, "integer");
	*out = v;
	return 0;
}

int config_get_enum(const struct config *cfg, const char *key,
		    const char *const *choices, int dflt, int *out)
{
	const struct config_item *it = lookup(cfg, key);
	struct sbuf sb = SBUF_INIT;
	int i, error;

	*out = dflt;
	if (!it)
		return 0;
	for (i = 0; it->value && choices[i]; i++) {
		if (!strcmp(it->value, choices[i])) {
			*out = i;
			return 0;
		}
	}
	sbuf_addstr(&sb, "value (expected");
	for (i = 0; choices[i]; i++)
		sbuf_addf(&sb, "%s %s", i ? "," : "", choices[i]);
	sbuf_addch(&sb, ')');
	error = bad_value(cfg, it, sb.buf);
	sbuf_release(&sb);
	return error;
}

int config_get_all(const struct config *cfg, const char *key,
		   config_value_cb cb, void *payload)
{
	const struct config_item *it = lookup(cfg, key), *v;
	int ret = 0;

	if (!it)
		return 0;
	v = bsearch(it->key, cfg->all, cfg->nall, sizeof(*cfg->all), key_cmp);
	assert(v);
	while (v > cfg->all && !strcmp(v[-1].key, it->key))
		v--;
	for (; !ret && v < cfg->all + cfg->nall && !strcmp(v->key, it->key);
	     v++)
		if (v->origin == it->origin)
			ret = cb(v->value, payload);
	return ret;
}

const char *config_origin_of(const struct config *cfg, const char *key)
{
	const struct config_item *it = lookup(cfg, key);

	return it ? item_origin(cfg, it) : NULL;
}

/* --- listing and checks ------------------------------------------------- */

int config_foreach(const struct config *cfg, config_foreach_cb cb, void *ctx)
{
	struct sbuf shown = SBUF_INIT;
	size_t i;
	int ret = 0;

	for (i = 0; i < cfg->neff && !ret; i++) {
		const struct config_item *it = &cfg->eff[i];
		const char *value = it->value;

		if (value && config_key_is_secret(it->key)) {
			value = REDACTED;
		} else if (value && ends_with_ci(it->key, ".url")) {
			sbuf_reset(&shown);
			add_shown_value(&shown, it->key, value);
			value = shown.buf;
		}
		ret = cb(it->key, value, item_origin(cfg, it), ctx);
	}
	sbuf_release(&shown);
	return ret;
}

size_t config_check(const struct config *cfg, config_warn_cb cb, void *ctx)
{
	struct sbuf sb = SBUF_INIT;
	size_t i, n = 0;

	if (cfg->tree_warning) {
		cb(cfg->tree_warning, ctx);
		n++;
	}
	for (i = 0; i < cfg->nignored; i++, n++)
		cb(cfg->ignored[i], ctx);
	for (i = 0; i < cfg->neff; i++) {
		const struct config_item *it = &cfg->eff[i];

		if (config_key_is_supported(it->key))
			continue;
		sbuf_reset(&sb);
		sbuf_addstr(&sb, config_key_is_known(it->key) ?
					 "key '" :
					 "unknown key '");
		add_printable(&sb, it->key);
		sbuf_addstr(&sb, "' in ");
		add_printable(&sb, item_where(cfg, it));
		if (config_key_is_known(it->key))
			sbuf_addstr(&sb, " is not yet supported: it does "
					 "nothing");
		cb(sb.buf, ctx);
		n++;
	}
	sbuf_release(&sb);
	return n;
}
