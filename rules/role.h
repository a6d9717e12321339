/* SPDX-License-Identifier: GPL-2.0 */
/*
 * role: the analysis the role rules share.
 *
 * Roles. Kernel code names the two sides of a copy, a move or a fork by
 * counterpart words: dst/src, old/new, from/to, parent/child, prev/next,
 * orig/new. An identifier "names a role" when one of its '_'-separated
 * components is such a word (dst_vma, old_pmd, src); its "stem" is the
 * identifier without that component (vma, pmd, ""). Two identifiers are
 * counterparts when their words pair up and their stems are equal.
 *
 * Property tests ("atoms"). Inside a definition, a test of a property on
 * one role object: a flag tested with a mask (src_vma->vm_flags & VM_X,
 * with the mask's macros expanded), a helper called on it
 * (userfaultfd_wp(dst_vma), seen through to the flags it tests when the
 * helper resolves), a field tested for truth or compared (src->mapping,
 * old->index == 0), or a bare role variable tested for being set or
 * compared with a constant (if (!new_page), new_gen < 0).
 *
 * Everything a struct role_atoms holds belongs to it until
 * role_atoms_release(); its nodes are valid while the change set lives.
 */
#ifndef MMR_ROLE_H
#define MMR_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "change.h"

#define ROLE_MAX_NAME 128 /* longer identifiers are never roles */
#define ROLE_MAX_RESOLVE_DEPTH 8 /* macros and helpers seen through */
/*
 * Helper and macro bodies walked per definition and side: each body is
 * walked once and what it tests remembered; past this many, further
 * helpers and macros are left unresolved (role_atoms.truncated).
 */
#define ROLE_MAX_EXPANSIONS 256
#define ROLE_MAX_ATOMS 4096 /* per definition and side */
#define ROLE_MAX_PROPS 64 /* per atom */

enum role_word {
	ROLE_NONE,
	ROLE_SRC, /* src, source */
	ROLE_DST, /* dst, dest */
	ROLE_OLD,
	ROLE_NEW,
	ROLE_ORIG,
	ROLE_FROM,
	ROLE_TO,
	ROLE_PARENT,
	ROLE_CHILD,
	ROLE_PREV,
	ROLE_NEXT,
};

struct role_name {
	enum role_word word;
	char stem[ROLE_MAX_NAME]; /* components other than the word, '_'-joined */
};

/*
 * Parse ident as a role name. False when it has no role word, more than
 * one, or is too long; *out is then { ROLE_NONE, "" }.
 */
bool role_parse(const char *ident, struct role_name *out);
/* True when a and b are counterpart roles (dst_vma and src_vma). */
bool role_counterparts(const struct role_name *a, const struct role_name *b);
/* The same on identifiers; false when either is not a role. */
bool role_ident_counterparts(const char *a, const char *b);
/*
 * True when a word of prose may be taken for the identifier it spells:
 * a role name that is not a plain English word ("dst_vma", "src", but not
 * "new", "to" or "parent").
 */
bool role_is_code_word(const char *word);

struct role_prop {
	char *name; /* "VM_UFFD_WP", "folio_test_dirty()", "->anon_vma" */
	char *helper; /* the helper the property was seen through, or NULL */
	char *mask; /* the mask macro it was expanded from, or NULL */
};

/* How the role object of an atom is used. */
enum role_use {
	ROLE_TESTED, /* in a condition or a mask: src->flags & X */
	ROLE_PASSED, /* an argument of a call: f(dst_mm, addr) */
	ROLE_ASSIGNED, /* the value given to something: x->name = old */
};

struct role_atom {
	char *role; /* the role object's identifier: "src_vma" */
	enum role_use use;
	unsigned arg; /* ROLE_PASSED: 1-based argument */
	char *target; /* the callee, or what is assigned to; else NULL */
	struct role_name rn;
	uint32_t role_start, role_end; /* its token in the side's csrc */
	unsigned line; /* image line of that token */
	bool changed; /* a line of expr was removed (old side) or added */
	bool bare; /* a bare variable's test (if (new_page)): the weakest */
	TSNode expr; /* the whole test: "src_vma->vm_flags & VM_X" */
	TSNode stmt; /* the statement holding it */
	char *object; /* what is tested: "src_vma->vm_flags", "f(src)" */
	char *explain; /* "f(dst) tests dst->flags & VM_X", or NULL */
	size_t nprops;
	struct role_prop *props;
	/* Names resolved from the built-in table: "userfaultfd_wp()". */
	size_t nbuiltin;
	char **builtin;
};

/* One property tested on one role: an entry of the atoms' index. */
struct role_key {
	const char *role;
	const char *prop;
	const struct role_atom *atom;
};

struct role_atoms {
	struct role_atom *v;
	size_t n, alloc;
	/* Every (role, property) of v sorted by role, property, atom. */
	struct role_key *keys;
	size_t nkeys;
	/* ROLE_MAX_EXPANSIONS was reached: some helpers were not seen. */
	bool truncated;
};

#define ROLE_ATOMS_INIT                    \
	{                                  \
		NULL, 0, 0, NULL, 0, false \
	}

/*
 * Collect the atoms of the definition of c on side (none when it has no
 * definition there), in text order, and index them. Returns 0 or a
 * negative code (MMR_ELIMIT past ROLE_MAX_ATOMS); release *out either way.
 */
int role_atoms_collect(struct role_atoms *out, const struct change *c,
		       enum change_side side);
void role_atoms_release(struct role_atoms *atoms);

/* True when the atom tests the property named name. */
bool role_atom_has(const struct role_atom *a, const char *name);
/* The property named name of the atom, or NULL. */
const struct role_prop *role_atom_prop(const struct role_atom *a,
				       const char *name);
/* Whether ident appears in the definition of c on side. */
bool role_in_def(const struct change *c, enum change_side side,
		 const char *ident);
/* How many atoms of role ident test the property named name. */
size_t role_atoms_count(const struct role_atoms *atoms, const char *ident,
			const char *name);
/*
 * The atoms of role ident that test the property named name, in the
 * order of atoms->v: *out points into atoms (do not free); returns how
 * many.
 */
size_t role_atoms_find(const struct role_atoms *atoms, const char *ident,
		       const char *name, const struct role_key **out);

/*
 * Whether the definition of c on side gives role a a value made from role
 * b: "a = b", "a = mpol_dup(b)", "struct x *a = f(b->y)". Then the two
 * name one object, or copies of it, and testing either is the same. Only
 * the definition's own bytes are looked at.
 */
bool role_derived(const struct change *c, enum change_side side, const char *a,
		  const char *b);

/* Whether the definition of c on side declares ident (parameter or local). */
bool role_declares(const struct change *c, enum change_side side,
		   const char *ident);
/*
 * A consistent rename: the old definition declares from and not to, the
 * new one to and not from. Then from became to everywhere, on purpose.
 */
bool role_renamed(const struct change *c, const char *from, const char *to);
/*
 * Whether the patch (or an earlier patch of the series) reorders the
 * parameters of the function fn: its calls then exchange their arguments
 * on purpose (copy(dst, src) becoming copy(src, dst)).
 */
bool role_params_exchanged(const struct change *c, const char *fn);

/*
 * The whole lines of a statement of the side's csrc, as they are written
 * (indentation kept, no final newline); for a long statement only the
 * lines up to the end of its condition. A new string the caller frees.
 */
char *role_stmt_lines(const struct change *c, enum change_side side,
		      TSNode stmt, TSNode cond);

#endif
