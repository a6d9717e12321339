/* SPDX-License-Identifier: GPL-2.0 */
/*
 * <mmreview/rule.h>: the interface of mmreview rule plugins, stable and
 * versioned (MMR_PLUGIN_ABI).
 *
 * A plugin is a shared object that mmreview loads with dlopen() when the
 * user's own configuration names it ("[rules] plugin = /path/x.so" in the
 * system or user config file, --config FILE or -c; never a tree's
 * .mmreview, never a rules directory). It defines two symbols:
 *
 *	MMR_PLUGIN_ABI_DECLARE;
 *	int mmr_plugin_init(const struct mmr_host *host, struct mmr_plugin *p);
 *
 * mmreview refuses a plugin whose mmr_plugin_abi is not its own, naming
 * both versions, then calls mmr_plugin_init(), which adds the plugin's
 * rules with host->add_rule() and returns 0 (or a negative number: the
 * plugin is not used). mmreview is linked statically: a plugin reaches it
 * only through the table of host functions it is given (keep the pointer,
 * as sqlite3ext.h's extensions do), never by symbol. This header includes
 * no tree-sitter header and no mmreview struct by value; changes, contexts
 * and matches are opaque pointers, valid only during the call that hands
 * them out.
 *
 * Build a plugin with:
 *	cc $(pkg-config --cflags mmreview) -shared -fPIC -o my.so my.c
 * and see docs/rules.md for a worked example.
 */
#ifndef MMREVIEW_RULE_H
#define MMREVIEW_RULE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of this header. */
#define MMR_PLUGIN_ABI 1

enum mmr_side {
	MMR_OLD = 0, /* the code before the patch */
	MMR_NEW = 1, /* the code after */
};

enum mmr_severity {
	MMR_INFO = 0,
	MMR_WARNING = 1,
	MMR_ERROR = 2,
};

struct mmr_plugin; /* the plugin being loaded */
struct mmr_change; /* one definition a patch touches, before and after */
struct mmr_ctx; /* where a check reports */
struct mmr_query; /* a compiled tree-sitter query */
struct mmr_match; /* one match of a query */

/* A rule of the plugin. The plugin owns it; it must outlive the run. */
struct mmr_rule {
	unsigned version; /* MMR_PLUGIN_ABI */
	const char *id; /* 1-64 lowercase letters, digits and '-' */
	enum mmr_severity severity; /* the default */
	int off; /* non-zero: disabled unless the config enables it */
	const char *summary; /* one line */
	const char *doc; /* what, why, an example, how to silence it */
	/*
	 * The names of the rule's options (rule.<id>.<name> in the config,
	 * read with host->option()), NULL-terminated; or NULL.
	 */
	const char *const *options;
	/*
	 * Look at one change and report with host->report(); return 0, or a
	 * negative number for an error (the other rules still run, the run
	 * exits 2).
	 */
	int (*check)(const struct mmr_rule *self, struct mmr_ctx *ctx,
		     const struct mmr_change *c);
	void *data; /* the plugin's own */
	/* Called once when mmreview is done with the rule, or NULL. */
	void (*free)(struct mmr_rule *self);
};

/* A match of host->query_run(): 0 goes on, 1 stops, < 0 fails the run. */
typedef int (*mmr_match_fn)(const struct mmr_match *m, void *payload);

/*
 * What mmreview offers a plugin. Functions that can fail return 0 or a
 * negative number, with a message in host->error(). Lines are 1-based
 * lines of a side's image: the whole file, or for a change marked
 * partial the hunks of the patch alone; bytes are offsets in that image.
 */
struct mmr_host {
	unsigned abi; /* MMR_PLUGIN_ABI of mmreview */
	size_t size; /* sizeof(struct mmr_host) in mmreview */

	/* During mmr_plugin_init() only: add one rule. */
	int (*add_rule)(struct mmr_plugin *p, struct mmr_rule *r);
	/* The message of the last failed call of this thread. */
	const char *(*error)(void);

	/* --- the change ------------------------------------------------- */
	const char *(*path)(const struct mmr_change *c); /* "mm/memory.c" */
	/* The definition's name; "" for file-scope code. */
	const char *(*name)(const struct mmr_change *c);
	/*
	 * "function", "macro", "function-macro", "struct", "union", "enum",
	 * "typedef" or "declaration".
	 */
	const char *(*kind)(const struct mmr_change *c);
	/* Non-zero when the images were made from the hunks alone. */
	int (*partial)(const struct mmr_change *c);
	/* The side's image, NUL-terminated, or NULL when there is none. */
	const char *(*text)(const struct mmr_change *c, enum mmr_side side,
			    size_t *len);
	/* The definition's bytes on a side: 0, or -1 when it is not there. */
	int (*span)(const struct mmr_change *c, enum mmr_side side,
		    uint32_t *start, uint32_t *end);
	unsigned (*line_of)(const struct mmr_change *c, enum mmr_side side,
			    uint32_t byte);
	uint32_t (*line_start)(const struct mmr_change *c, enum mmr_side side,
			       unsigned line);
	/* Non-zero for a removed (old side) or added (new side) line. */
	int (*line_changed)(const struct mmr_change *c, enum mmr_side side,
			    unsigned line);
	/* The new line an unchanged old line became, 0 for a removed one. */
	unsigned (*old_to_new)(const struct mmr_change *c, unsigned old_line);
	/*
	 * The body of a macro or one-expression static inline helper, from
	 * the patch, the series, the kernel tree or mmreview's table, and
	 * *where it is ("include/linux/mm.h:436"); NULL when not found.
	 * Owned by mmreview, valid during the check.
	 */
	const char *(*resolve)(const struct mmr_change *c, const char *name,
			       const char **where);

	/* --- queries: the patterns of query rules ------------------------ */
	/*
	 * Compile a tree-sitter query with the standard predicates (#eq?,
	 * #match?, #any-of? and their #not- forms); on an error the message
	 * starts with "line:column: ".
	 */
	int (*query_new)(struct mmr_query **out, const char *src, size_t len);
	void (*query_free)(struct mmr_query *q);
	/*
	 * Call fn with each match within the definition's side (nothing
	 * when the definition is not there). Returns 0, a negative value
	 * from fn, or a negative number when a bound was hit.
	 */
	int (*query_run)(const struct mmr_query *q, const struct mmr_change *c,
			 enum mmr_side side, mmr_match_fn fn, void *payload);
	/*
	 * The i-th node (from 0) captured as name in m: 0 with its bytes
	 * and node type ("identifier"), or -1. type may be NULL.
	 */
	int (*capture)(const struct mmr_match *m, const char *name, unsigned i,
		       uint32_t *start, uint32_t *end, const char **type);

	/* --- reporting ---------------------------------------------------- */
	/*
	 * A finding on bytes [start, end) of a side, the message
	 * printf-formatted; old_code (the code before, shown under it) may
	 * be NULL.
	 */
	int (*report)(struct mmr_ctx *ctx, const struct mmr_change *c,
		      enum mmr_side side, uint32_t start, uint32_t end,
		      const char *old_code, const char *fmt, ...)
		__attribute__((format(printf, 7, 8)));
	/* The value of the running rule's option name, or NULL. */
	const char *(*option)(const struct mmr_ctx *ctx, const char *name);
};

/* The plugin's ABI version, checked before anything of it runs. */
#define MMR_PLUGIN_ABI_DECLARE const unsigned mmr_plugin_abi = MMR_PLUGIN_ABI

extern const unsigned mmr_plugin_abi;
int mmr_plugin_init(const struct mmr_host *host, struct mmr_plugin *p);

#ifdef __cplusplus
}
#endif

#endif
