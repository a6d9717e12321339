/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config: mmreview's settings in git-config syntax, read with libgit2's
 * config API, from these sources (later ones win):
 *
 *   /etc/mmreview/config            CONFIG_SYSTEM ($MMREVIEW_SYSTEM_CONFIG)
 *   $XDG_CONFIG_HOME/mmreview/config CONFIG_GLOBAL (~/.config/mmreview/config)
 *   <tree top>/.mmreview            CONFIG_TREE (untrusted, see below)
 *   --config FILE                   CONFIG_FILE
 *   -c key=value                    CONFIG_COMMAND_LINE
 *
 * Every key has one effective value: the last one set at the highest level.
 * Keys are git's: "section.variable" or "section.subsection.variable";
 * section and variable are case-insensitive (stored lowercase), the
 * subsection is case-sensitive.
 *
 * A .mmreview file at the top of a tree under review is written by
 * strangers: only rule.<id>.enabled, rule.<id>.severity and a relative
 * rules.directory that stays inside the tree are read from it. Anything
 * else is hidden from the getters and config_foreach() and reported by
 * config_check(). A tree file that cannot be used as a whole (not a regular
 * file, too large, a syntax error, or any [include]/[includeIf] section,
 * which is never read) is ignored with a warning from config_check()
 * ("ignoring <path>: <reason>") instead of failing.
 *
 * Files are opened without blocking and checked with fstat() before
 * libgit2 reads them, so a FIFO cannot hang a run.
 *
 * Errors: 0 or a negative MMR_E* code with a message in mmr_error_last().
 */
#ifndef MMR_CONFIG_H
#define MMR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* The system file, unless $MMREVIEW_SYSTEM_CONFIG names another. */
#define CONFIG_SYSTEM_PATH "/etc/mmreview/config"
/* The file looked for at the top of a tree. */
#define CONFIG_TREE_NAME ".mmreview"
/* Larger config files are refused (MMR_ELIMIT). */
#define CONFIG_MAX_FILE_SIZE ((long)1 << 20)

/* Where a value comes from, lowest precedence first. */
enum config_origin {
	CONFIG_SYSTEM,
	CONFIG_GLOBAL,
	CONFIG_TREE,
	CONFIG_FILE,
	CONFIG_COMMAND_LINE, /* config_add_override(), not a file */
};

struct config;

/*
 * Create an empty configuration in *out (free it with config_free()).
 * Initialises libgit2 (reference-counted, balanced by config_free()).
 * Returns 0 or MMR_EIO.
 */
int config_new(struct config **out);

/* Free cfg and everything the getters returned; NULL is fine. */
void config_free(struct config *cfg);

/*
 * Read the file at path as the source of the given origin (not
 * CONFIG_COMMAND_LINE); one file per origin. For CONFIG_TREE the tree top
 * is the file's directory. A missing file is skipped, except for
 * CONFIG_FILE (MMR_ENOTFOUND). Returns 0, MMR_EUSAGE (origin already
 * loaded, or CONFIG_COMMAND_LINE), MMR_ELIMIT (larger than
 * CONFIG_MAX_FILE_SIZE), or MMR_EIO naming the file (and the line, for a
 * syntax error) when it cannot be read or parsed. For CONFIG_TREE those
 * failures (and an [include] in the file) only leave the file unread, with
 * a warning for config_check(), and 0 is returned.
 *
 * Invalidates the strings returned by the getters.
 */
int config_add_file(struct config *cfg, const char *path,
		    enum config_origin origin);

/*
 * Add a "key=value" override from the command line (-c), above every file;
 * later overrides win. The text is copied. Returns 0, or MMR_EUSAGE when
 * there is no '=' or the key is not "section[.subsection].variable".
 *
 * Invalidates the strings returned by the getters.
 */
int config_add_override(struct config *cfg, const char *key_value);

/*
 * Read the standard files in order: the system file, the user's file,
 * tree_top/.mmreview when tree_top is not NULL, and extra_file (--config)
 * when not NULL. Overrides may be added before or after. Returns 0 or the
 * first error of config_add_file().
 */
int config_load_default(struct config *cfg, const char *tree_top,
			const char *extra_file);

/*
 * The effective value of key in *out, owned by cfg and valid until cfg
 * changes or is freed. rules.directory from a tree is returned resolved
 * against the tree top. Returns 0, MMR_ENOTFOUND when key is not set
 * (*out is NULL), or MMR_EINVAL when it is set without '=' (no value).
 */
int config_get_string(const struct config *cfg, const char *key,
		      const char **out);

/*
 * A path: like config_get_string() with a leading "~/" expanded to $HOME.
 * *out is a new string the caller frees. Returns 0, MMR_ENOTFOUND (*out is
 * NULL) or MMR_EINVAL naming the key and its origin.
 */
int config_get_path(const struct config *cfg, const char *key, char **out);

/*
 * A boolean as git reads it (true/yes/on/1, false/no/off/0, a key without
 * '=' is true); dflt when unset. Returns 0 or MMR_EINVAL naming the key
 * and its origin.
 */
int config_get_bool(const struct config *cfg, const char *key, bool dflt,
		    bool *out);

/*
 * An integer, decimal with an optional k/m/g suffix; dflt when unset.
 * Returns 0 or MMR_EINVAL naming the key and its origin.
 */
int config_get_int(const struct config *cfg, const char *key, long dflt,
		   long *out);

/*
 * One of choices (a NULL-terminated list, compared case-sensitively): its
 * index in *out, or dflt when unset. Returns 0 or MMR_EINVAL naming the
 * key, its origin and the choices.
 */
int config_get_enum(const struct config *cfg, const char *key,
		    const char *const *choices, int dflt, int *out);

/*
 * Every value of a key that may be given more than once ("url = a" and
 * "url = b"), in the order written, from the one origin that sets the
 * effective value: a higher file or -c replaces the values of a lower
 * one instead of adding to them. cb gets each value (NULL for a key set
 * without '='), valid during the call; a non-zero return stops the walk
 * and is returned. Returns 0 without calling cb when key is not set.
 */
typedef int (*config_value_cb)(const char *value, void *payload);
int config_get_all(const struct config *cfg, const char *key,
		   config_value_cb cb, void *payload);

/*
 * The origin of key's effective value as git config --show-origin writes
 * it ("file:/home/u/.config/mmreview/config", "command line:"), owned by
 * cfg; NULL when key is not set.
 */
const char *config_origin_of(const struct config *cfg, const char *key);

/*
 * Called by config_foreach() with each effective key once, sorted by key.
 * value is NULL for a key set without '=', and "<redacted>" for a secret
 * (config_key_is_secret()); in the value of a key ending in ".url" the
 * userinfo is redacted ("https://<redacted>@host/", also in error text,
 * while config_get_string() returns the real value). Strings are valid during the call only. A
 * non-zero return stops the walk and is returned by config_foreach().
 */
typedef int (*config_foreach_cb)(const char *key, const char *value,
				 const char *origin, void *ctx);
int config_foreach(const struct config *cfg, config_foreach_cb cb, void *ctx);

/*
 * Report, through cb, each key ignored from an untrusted tree file ("ignoring
 * 'smtp.url' from untrusted /t/.mmreview: only rule settings are read from a
 * tree"), each effective key mmreview does not know ("unknown key 'x.y'
 * in file:/path") and each it knows but does not act on yet ("key
 * 'daemon.interval' in file:/path is not yet supported: it does nothing"). Warnings are not errors; text is valid during the call.
 * Returns the number of warnings.
 */
typedef void (*config_warn_cb)(const char *text, void *ctx);
size_t config_check(const struct config *cfg, config_warn_cb cb, void *ctx);

/* True for a key mmreview reads (rule.<id>.enabled matches any id). */
bool config_key_is_known(const char *key);
/* True for a known key that does something already. */
bool config_key_is_supported(const char *key);

/* True for a key whose value is never shown: *.pass, *.password, *token*. */
bool config_key_is_secret(const char *key);

#endif
