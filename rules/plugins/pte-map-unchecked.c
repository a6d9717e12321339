// SPDX-License-Identifier: GPL-2.0
/*
 * pte-map-unchecked: the example mmreview rule plugin, and a real mm check.
 *
 * Since Linux 6.5 pte_offset_map(), pte_offset_map_lock() and their
 * _nolock variants return NULL when the page table went away under the
 * caller (freed, or replaced by a huge page), and every caller must check.
 * This rule reports a call the patch adds whose result goes to a variable
 * that the function never tests afterwards ("if (!pte)", "pte == NULL").
 * A query finds the calls but cannot say "and nothing tests it later":
 * that takes a few lines of C.
 *
 * Build it against the installed header:
 *	cc $(pkg-config --cflags mmreview) -shared -fPIC \
 *		-o pte-map-unchecked.so pte-map-unchecked.c
 * and load it from your own configuration:
 *	[rules]
 *		plugin = /path/to/pte-map-unchecked.so
 * Option: rule.pte-map-unchecked.functions, the functions whose result must
 * be tested (space-separated; default: the pte_offset_map family).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mmreview/rule.h>

MMR_PLUGIN_ABI_DECLARE;

#define MAX_NAME 64
#define MAX_SITES 256 /* calls looked at per function */
#define MAX_TESTS 4096 /* tested variables remembered per function */

static const char default_functions[] =
	"pte_offset_map pte_offset_map_lock pte_offset_map_nolock "
	"pte_offset_map_ro_nolock pte_offset_map_rw_nolock";

/* The result of a call, stored in @var (also through a = b = call()). */
static const char site_query[] =
	"(assignment_expression left: (identifier) @var\n"
	"  right: (call_expression function: (identifier) @fn) @call)\n"
	"(assignment_expression left: (identifier) @var\n"
	"  right: (assignment_expression\n"
	"    right: (call_expression function: (identifier) @fn) @call))\n"
	"(init_declarator declarator: (pointer_declarator\n"
	"    declarator: (identifier) @var)\n"
	"  value: (call_expression function: (identifier) @fn) @call)\n";

/*
 * A variable tested for NULL, and one copied to another ("start_pte =
 * pte;"), which is then tested in its place.
 */
static const char test_query[] =
	"(assignment_expression left: (identifier) @copy\n"
	"  right: (identifier) @tested)\n"
	"(unary_expression operator: \"!\" argument: (identifier) @tested)\n"
	"(unary_expression operator: \"!\" argument: (parenthesized_expression\n"
	"  (assignment_expression left: (identifier) @tested)))\n"
	"(binary_expression left: (identifier) @tested right: (null))\n"
	"(binary_expression left: (null) right: (identifier) @tested)\n"
	"(if_statement condition: (parenthesized_expression\n"
	"  (identifier) @tested))\n";

static const struct mmr_host *host;
static struct mmr_query *sites_q, *tests_q;

struct site {
	uint32_t call; /* where the call starts: one site per call */
	uint32_t var_start, var_end;
	char var[MAX_NAME], fn[MAX_NAME];
	int tested;
};

struct tested {
	uint32_t at;
	char name[MAX_NAME];
	char copy[MAX_NAME]; /* "" when tested, else where it was copied */
};

struct scan {
	const struct mmr_change *c;
	const char *text;
	const char *functions;
	struct site sites[MAX_SITES];
	size_t nsites;
	struct tested tests[MAX_TESTS];
	size_t ntests;
};

/* Copy bytes [start, end) of the new image into a name buffer. */
static int copy_name(const struct scan *s, uint32_t start, uint32_t end,
		     char *out)
{
	if (end - start >= MAX_NAME)
		return -1;
	memcpy(out, s->text + start, end - start);
	out[end - start] = '\0';
	return 0;
}

static int listed(const char *functions, const char *name)
{
	size_t n = strlen(name);
	const char *p = functions;

	while ((p = strstr(p, name))) {
		if ((p == functions || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static int keep_site(const struct mmr_match *m, void *payload)
{
	struct scan *s = payload;
	struct site *st = &s->sites[s->nsites];
	uint32_t fs, fe, cs, ce;

	if (s->nsites == MAX_SITES ||
	    host->capture(m, "var", 0, &st->var_start, &st->var_end, NULL) ||
	    host->capture(m, "fn", 0, &fs, &fe, NULL) ||
	    host->capture(m, "call", 0, &cs, &ce, NULL) ||
	    copy_name(s, st->var_start, st->var_end, st->var) ||
	    copy_name(s, fs, fe, st->fn) || !listed(s->functions, st->fn))
		return 0;
	/* Only calls the patch adds. */
	if (!host->line_changed(s->c, MMR_NEW,
				host->line_of(s->c, MMR_NEW, cs)))
		return 0;
	st->call = cs;
	st->tested = 0;
	s->nsites++;
	return 0;
}

static int keep_test(const struct mmr_match *m, void *payload)
{
	struct scan *s = payload;
	struct tested *t = &s->tests[s->ntests];
	uint32_t start, end;

	if (s->ntests == MAX_TESTS ||
	    host->capture(m, "tested", 0, &start, &end, NULL) ||
	    copy_name(s, start, end, t->name))
		return 0;
	t->at = start;
	t->copy[0] = '\0';
	if (!host->capture(m, "copy", 0, &start, &end, NULL) &&
	    copy_name(s, start, end, t->copy))
		return 0;
	s->ntests++;
	return 0;
}

/* Whether name is tested after byte at, itself or through one copy. */
static int tested_after(const struct scan *s, const char *name, uint32_t at,
			int copies)
{
	size_t j;

	for (j = 0; j < s->ntests; j++) {
		const struct tested *t = &s->tests[j];

		if (strcmp(t->name, name) || t->at < at)
			continue;
		if (!t->copy[0] ||
		    (copies && tested_after(s, t->copy, t->at, copies - 1)))
			return 1;
	}
	return 0;
}

/* A call is checked when any variable it is stored in is tested later. */
static void mark_tested(struct scan *s)
{
	size_t i, k;

	for (i = 0; i < s->nsites; i++)
		if (tested_after(s, s->sites[i].var, s->sites[i].var_start, 1))
			for (k = 0; k < s->nsites; k++)
				if (s->sites[k].call == s->sites[i].call)
					s->sites[k].tested = 1;
}

static int reported_before(const struct scan *s, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (s->sites[k].call == s->sites[i].call)
			return 1;
	return 0;
}

static int check(const struct mmr_rule *self, struct mmr_ctx *ctx,
		 const struct mmr_change *c)
{
	struct scan *s;
	size_t i;
	int err;

	(void)self;
	if (strcmp(host->kind(c), "function") || !host->text(c, MMR_NEW, NULL))
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	s->c = c;
	s->text = host->text(c, MMR_NEW, NULL);
	s->functions = host->option(ctx, "functions");
	if (!s->functions)
		s->functions = default_functions;
	err = host->query_run(sites_q, c, MMR_NEW, keep_site, s);
	if (!err && s->nsites)
		err = host->query_run(tests_q, c, MMR_NEW, keep_test, s);
	mark_tested(s);
	for (i = 0; i < s->nsites && !err; i++) {
		const struct site *st = &s->sites[i];

		if (st->tested || reported_before(s, i))
			continue;
		err = host->report(ctx, c, MMR_NEW, st->var_start, st->var_end,
				   NULL,
				   "%s: %s() can return NULL (since 6.5, when "
				   "the page table went away), but %s is not "
				   "tested: is an 'if (!%s)' missing?",
				   host->name(c), st->fn, st->var, st->var);
	}
	free(s);
	return err;
}

static void unload(struct mmr_rule *self)
{
	(void)self;
	host->query_free(sites_q);
	host->query_free(tests_q);
	sites_q = tests_q = NULL;
}

static const char *const options[] = { "functions", NULL };

static struct mmr_rule rule = {
	.version = MMR_PLUGIN_ABI,
	.id = "pte-map-unchecked",
	.severity = MMR_WARNING,
	.summary = "a new pte_offset_map*() call whose result is never "
		   "tested for NULL",
	.doc = "What: a call of pte_offset_map(), pte_offset_map_lock() or\n"
	       "their _nolock variants that the patch adds, whose result is\n"
	       "stored in a variable the function never tests afterwards.\n"
	       "\n"
	       "Why: since Linux 6.5 they return NULL when the page table\n"
	       "went away under the caller (freed by khugepaged, replaced by\n"
	       "a huge page); dereferencing the result oopses.\n"
	       "\n"
	       "Example:\n"
	       "\t+\tpte = pte_offset_map_lock(mm, pmd, addr, &ptl);\n"
	       "\t+\tfor (; addr < end; pte++, addr += PAGE_SIZE) {\n"
	       "wants\n"
	       "\t+\tif (!pte)\n"
	       "\t+\t\treturn 0;\n"
	       "\n"
	       "Option: rule.pte-map-unchecked.functions, the functions to\n"
	       "look at, space-separated.\n"
	       "\n"
	       "Silence it in the config (git-config syntax):\n"
	       "\t[rule \"pte-map-unchecked\"]\n"
	       "\t\tenabled = false\n",
	.options = options,
	.check = check,
	.free = unload,
};

int mmr_plugin_init(const struct mmr_host *h, struct mmr_plugin *p)
{
	host = h;
	if (host->query_new(&sites_q, site_query, strlen(site_query)) ||
	    host->query_new(&tests_q, test_query, strlen(test_query))) {
		host->query_free(sites_q);
		sites_q = NULL;
		return -1;
	}
	return host->add_rule(p, &rule);
}
