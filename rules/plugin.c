// SPDX-License-Identifier: GPL-2.0
/*
 * Rule plugins: shared objects built against <mmreview/rule.h>, loaded
 * with dlopen() and given the table of host functions below. Each plugin
 * rule is wrapped in a struct rule; the object stays loaded until the
 * last of its rules is freed.
 */
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cquery.h"
#include "mmreview/rule.h"
#include "rule.h"
#include "sbuf.h"
#include "util.h"

/* A plugin's message, in a finding. */
#define PLUGIN_MAX_MESSAGE ((size_t)64 << 10)

struct plugin {
	void *handle;
	char *path;
	char *origin; /* "plugin <path>" */
	unsigned refs; /* its rules alive */
	/* while mmr_plugin_init() runs */
	struct rule_set *rs;
	rule_problem_fn fn;
	void *payload;
	int err;
};

/* A plugin rule as the engine sees it. */
struct prule {
	struct rule rule;
	struct mmr_rule *pr;
	struct plugin *plugin;
};

struct mmr_ctx {
	struct rule_ctx *ctx;
};

/* The host's opaque types are the engine's own. */
static const struct change *chg(const struct mmr_change *c)
{
	return (const struct change *)c;
}

static const struct cquery_match *match(const struct mmr_match *m)
{
	return (const struct cquery_match *)m;
}

static enum change_side side_of(enum mmr_side side)
{
	return side == MMR_OLD ? CHANGE_OLD : CHANGE_NEW;
}

/* --- the host functions ----------------------------------------------------- */

static int host_add_rule(struct mmr_plugin *p, struct mmr_rule *r);

static const char *host_error(void)
{
	return mmr_error_last();
}

static const char *host_path(const struct mmr_change *c)
{
	return change_path(chg(c)) ? change_path(chg(c)) : "";
}

static const char *host_name(const struct mmr_change *c)
{
	return change_name(chg(c)) ? change_name(chg(c)) : "";
}

static const char *host_kind(const struct mmr_change *c)
{
	static const char *const kinds[] = {
		[CSRC_FUNCTION] = "function",
		[CSRC_MACRO] = "macro",
		[CSRC_FUNC_MACRO] = "function-macro",
		[CSRC_STRUCT] = "struct",
		[CSRC_UNION] = "union",
		[CSRC_ENUM] = "enum",
		[CSRC_TYPEDEF] = "typedef",
		[CSRC_DECL] = "declaration",
	};
	unsigned k = change_kind(chg(c));

	return k < sizeof(kinds) / sizeof(*kinds) ? kinds[k] : "declaration";
}

static int host_partial(const struct mmr_change *c)
{
	return change_partial(chg(c));
}

static const char *host_text(const struct mmr_change *c, enum mmr_side side,
			     size_t *len)
{
	const struct csrc *cs = change_src(chg(c), side_of(side));

	if (len)
		*len = 0;
	return cs ? csrc_text(cs, len) : NULL;
}

static int host_span(const struct mmr_change *c, enum mmr_side side,
		     uint32_t *start, uint32_t *end)
{
	const struct csrc_def *d = change_def(chg(c), side_of(side));

	if (!d)
		return mmr_error_set(MMR_ENOTFOUND,
				     "the definition is not on that side");
	*start = d->start;
	*end = d->end;
	return 0;
}

static unsigned host_line_of(const struct mmr_change *c, enum mmr_side side,
			     uint32_t byte)
{
	const struct csrc *cs = change_src(chg(c), side_of(side));

	return cs ? csrc_line_of(cs, byte) : 0;
}

static uint32_t host_line_start(const struct mmr_change *c, enum mmr_side side,
				unsigned line)
{
	const struct csrc *cs = change_src(chg(c), side_of(side));

	return cs ? csrc_line_start(cs, line) : 0;
}

static int host_line_changed(const struct mmr_change *c, enum mmr_side side,
			     unsigned line)
{
	return change_line_changed(chg(c), side_of(side), line);
}

static unsigned host_old_to_new(const struct mmr_change *c, unsigned line)
{
	return change_map_old_to_new(chg(c), line);
}

static const char *host_resolve(const struct mmr_change *c, const char *name,
				const char **where)
{
	const struct change_expansion *e = change_resolve(chg(c), name);

	if (where)
		*where = e ? e->where : NULL;
	return e ? e->exp.body : NULL;
}

static int host_query_new(struct mmr_query **out, const char *src, size_t len)
{
	struct cquery *q = NULL;
	unsigned line, column;
	int err = cquery_new(&q, src, len, NULL, &line, &column);

	*out = (struct mmr_query *)q;
	if (err)
		mmr_error_set(err, "%u:%u: %s", line, column, mmr_error_last());
	return err;
}

static void host_query_free(struct mmr_query *q)
{
	cquery_free((struct cquery *)q);
}

struct plugin_run {
	mmr_match_fn fn;
	void *payload;
};

static int pass_match(const struct cquery_match *m, void *payload)
{
	struct plugin_run *pr = payload;

	return pr->fn((const struct mmr_match *)m, pr->payload);
}

static int host_query_run(const struct mmr_query *q, const struct mmr_change *c,
			  enum mmr_side side, mmr_match_fn fn, void *payload)
{
	const struct csrc_def *d = change_def(chg(c), side_of(side));
	const struct csrc *cs = change_src(chg(c), side_of(side));
	struct plugin_run pr = { fn, payload };

	if (!d || !cs)
		return 0;
	return cquery_run((const struct cquery *)q, cs, d->doc_start, d->end,
			  NULL, pass_match, &pr);
}

static int host_capture(const struct mmr_match *mm, const char *name,
			unsigned i, uint32_t *start, uint32_t *end,
			const char **type)
{
	const struct cquery_match *m = match(mm);
	size_t k;

	for (k = 0; k < m->n; k++) {
		const struct cquery_capture *cap = &m->captures[k];

		if (strcmp(cap->name, name) || i--)
			continue;
		*start = cap->start;
		*end = cap->end;
		if (type)
			*type = cap->type;
		return 0;
	}
	return -1;
}

static int host_report(struct mmr_ctx *ctx, const struct mmr_change *c,
		       enum mmr_side side, uint32_t start, uint32_t end,
		       const char *old_code, const char *fmt, ...)
{
	struct sbuf msg = SBUF_INIT;
	va_list ap;
	int err;

	sbuf_init(&msg, PLUGIN_MAX_MESSAGE);
	va_start(ap, fmt);
	sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	err = rule_report(ctx->ctx, chg(c), side_of(side), start, end, old_code,
			  NULL, "%s", msg.buf);
	sbuf_release(&msg);
	return err;
}

static const char *host_option(const struct mmr_ctx *ctx, const char *name)
{
	return rule_option(ctx->ctx, name);
}

static const struct mmr_host host = {
	.abi = MMR_PLUGIN_ABI,
	.size = sizeof(struct mmr_host),
	.add_rule = host_add_rule,
	.error = host_error,
	.path = host_path,
	.name = host_name,
	.kind = host_kind,
	.partial = host_partial,
	.text = host_text,
	.span = host_span,
	.line_of = host_line_of,
	.line_start = host_line_start,
	.line_changed = host_line_changed,
	.old_to_new = host_old_to_new,
	.resolve = host_resolve,
	.query_new = host_query_new,
	.query_free = host_query_free,
	.query_run = host_query_run,
	.capture = host_capture,
	.report = host_report,
	.option = host_option,
};

/* --- the plugin's rules ------------------------------------------------------ */

static void plugin_put(struct plugin *pl)
{
	if (!pl || --pl->refs)
		return;
	dlclose(pl->handle);
	free(pl->path);
	free(pl->origin);
	free(pl);
}

static int prule_check(const struct rule *self, struct rule_ctx *ctx,
		       const struct change *c)
{
	const struct prule *w = self->data;
	struct mmr_ctx mc = { ctx };
	int err;

	mmr_error_clear();
	err = w->pr->check(w->pr, &mc, (const struct mmr_change *)c);
	if (err < 0 && !*mmr_error_last())
		mmr_error_set(MMR_EIO, "the plugin's check returned %d", err);
	return err < 0 ? (err == MMR_ELIMIT ? err : MMR_EIO) : 0;
}

static void prule_free(struct rule *self)
{
	struct prule *w = self->data;

	if (w->pr->free)
		w->pr->free(w->pr);
	plugin_put(w->plugin);
	free(w);
}

#define plugin_problem(pl, ...)                                            \
	((pl)->err = rule_problem_say((pl)->fn, (pl)->payload, MMR_EINVAL, \
				      (pl)->path, 0, 0, __VA_ARGS__))

static int host_add_rule(struct mmr_plugin *p, struct mmr_rule *r)
{
	struct plugin *pl = (struct plugin *)p;
	struct prule *w;

	if (!pl || !pl->rs)
		return mmr_error_set(MMR_EUSAGE,
				     "add_rule() outside mmr_plugin_init()");
	if (!r || r->version != MMR_PLUGIN_ABI || !r->check) {
		plugin_problem(pl,
			       "a rule of version %u, not %u, or without "
			       "a check function",
			       r ? r->version : 0, MMR_PLUGIN_ABI);
		return MMR_EINVAL;
	}
	w = xcalloc(1, sizeof(*w));
	w->pr = r;
	w->plugin = pl;
	w->rule = (struct rule){
		.version = RULE_VERSION,
		.id = r->id,
		.severity = (enum rule_severity)r->severity,
		.off = r->off != 0,
		.summary = r->summary ? r->summary : "",
		.doc = r->doc ? r->doc : "",
		.options = r->options,
		.check = prule_check,
		.data = w,
		.free = prule_free,
	};
	if (r->severity > MMR_ERROR ||
	    rule_set_add(pl->rs, &w->rule, pl->origin) < 0) {
		plugin_problem(pl, "%s",
			       r->severity > MMR_ERROR ?
				       "a rule of unknown severity" :
				       mmr_error_last());
		free(w);
		return MMR_EINVAL;
	}
	pl->refs++;
	return 0;
}

/* --- loading ------------------------------------------------------------------ */

int rule_set_load_plugin(struct rule_set *rs, const char *path,
			 rule_problem_fn fn, void *payload)
{
	struct plugin *pl = xcalloc(1, sizeof(*pl));
	int (*init)(const struct mmr_host *, struct mmr_plugin *);
	const unsigned *abi;
	struct sbuf origin = SBUF_INIT;
	int err;

	pl->path = xstrdup(path);
	pl->fn = fn;
	pl->payload = payload;
	pl->refs = 1; /* ours, while loading */
	sbuf_addf(&origin, "plugin %s", path);
	pl->origin = sbuf_detach(&origin, NULL);
	pl->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!pl->handle) {
		plugin_problem(pl, "cannot load the plugin: %s", dlerror());
		goto out;
	}
	abi = dlsym(pl->handle, "mmr_plugin_abi");
	*(void **)&init = dlsym(pl->handle, "mmr_plugin_init");
	if (!abi || !init) {
		plugin_problem(pl, "not an mmreview plugin (no mmr_plugin_abi "
				   "or mmr_plugin_init)");
		goto out;
	}
	if (*abi != MMR_PLUGIN_ABI) {
		plugin_problem(pl,
			       "built for mmreview plugin ABI %u; this "
			       "mmreview has ABI %u: rebuild it against "
			       "its <mmreview/rule.h>",
			       *abi, MMR_PLUGIN_ABI);
		goto out;
	}
	pl->rs = rs;
	mmr_error_clear();
	err = init(&host, (struct mmr_plugin *)pl);
	pl->rs = NULL;
	if (err < 0)
		plugin_problem(pl,
			       "the plugin's initialisation failed (%d)%s%s",
			       err, *mmr_error_last() ? ": " : "",
			       mmr_error_last());
out:
	err = pl->err;
	pl->fn = NULL;
	if (!pl->handle) {
		free(pl->path);
		free(pl->origin);
		free(pl);
	} else {
		plugin_put(pl);
	}
	return err;
}
