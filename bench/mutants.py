#!/usr/bin/python3
"""Recall and false alarms of the role rules on code they have never seen.

In Debian's 6.1 mm/*.c, swap one role (src/dst, old/new, prev/next,
parent/child, from/to) for its counterpart in one line of a function that
uses both, in four shapes:

  cond         a condition tests the role directly (if (dst->x), f(dst))
  cond-nested  through nested calls or field chains
               (folio_test_x(page_folio(old)), list_empty(&dst->l))
  call-arg     one argument of a call statement (f(dst_mm, ...))
  assign       the right side of an assignment or initialiser (x = old)

and make harmless edits that must draw nothing:

  rename       a role renamed to its counterpart in a function without it
  exchange     a static helper's two role parameters exchanged, with
               every call in the file
  comment      a comment inside a function reworded
  warn         a VM_WARN_ON_ONCE() on a role added
  split        a condition split over two lines at && or ||
  local        a field of a role read into a new local first

Each edit is one commit of a git repository of the 6.1 files, reviewed with
the exact images (git range: "tree"), and as a format-patch with no tree at
three context sizes (-U3, git's default; -U1; -W). A swap counts as found
when role-swap reports the mutated line. Prints a table.

Usage: bench/mutants.py MMREVIEW KERNEL_6_1 WORKDIR [N] [SEED]
  N mutants per shape (default 40), SEED of the sample (default 1).
  MUTANTS_VERBOSE=1 lists the misses and the false alarms.
"""
import os
import random
import re
import subprocess
import sys

PAIRS = [("src", "dst"), ("old", "new"), ("prev", "next"),
         ("parent", "child"), ("from", "to")]
IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")
COND = re.compile(r"^\s*(if|while|\} else if|else if)\s*\(")
ASSIGN = re.compile(r"^\s*([A-Za-z_][\w\s\*]*?\b[A-Za-z_]\w*|[A-Za-z_][\w\->\.\[\]\*]*)"
                    r"\s*=\s*(?!=)(.*);\s*$")
KEYWORDS = {"if", "while", "for", "switch", "return", "sizeof", "else",
            "do", "case", "goto"}


def counterpart(word):
    for a, b in PAIRS:
        if word == a:
            return b
        if word == b:
            return a
    return None


def is_object(code, m):
    """Whether the identifier at m names an object: not a function, a
    field, a type or a macro."""
    before = code[:m.start()].rstrip()
    after = code[m.end():].lstrip()
    return not (after.startswith("(") or before.endswith(("->", ".")) or
                re.search(r"\b(struct|union|enum)$", before) or
                m.group().isupper())


def role_objects(code):
    return [m for m in IDENT.finditer(code) if swapped(m.group()) and is_object(code, m)]


def swapped(ident):
    """The counterpart of a role identifier, or None."""
    parts = ident.split("_")
    for i, p in enumerate(parts):
        c = counterpart(p)
        if c and (len(parts) > 1 or p in ("src", "dst", "prev")):
            return "_".join(parts[:i] + [c] + parts[i + 1:])
    return None


def functions(lines):
    """(first, brace, last) line indexes of each function definition."""
    out, start, brace = [], None, None
    for i, l in enumerate(lines):
        if l and l[0].isalpha() and "(" in l and not l.rstrip().endswith(";"):
            start, brace = i, None
        elif l.startswith("{") and start is not None and i - start < 8:
            brace = i
        elif l.startswith("}") and start is not None:
            if brace is not None:
                out.append((start, brace, i))
            start = None
    return out


def code_only(line):
    """The line with string literals and comments blanked."""
    line = re.sub(r'"(\\.|[^"\\])*"', lambda m: '"' + " " * (len(m.group()) - 2) + '"', line)
    line = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group()), line)
    return re.sub(r"//.*", lambda m: " " * len(m.group()), line)


def depth_at(line, pos):
    """Parentheses open at pos, and whether an inner call holds pos."""
    depth, calls = 0, []
    for i, ch in enumerate(line[:pos]):
        if ch == "(":
            j = i - 1
            while j >= 0 and line[j] == " ":
                j -= 1
            name = IDENT.findall(line[:j + 1])
            calls.append(bool(name) and line[:j + 1].endswith(name[-1]) and
                         name[-1] not in KEYWORDS)
            depth += 1
        elif ch == ")" and calls:
            calls.pop()
            depth -= 1
    return depth, calls


def classify(line, m):
    """The swap shape of the role identifier at match m, or None."""
    code = code_only(line)
    after = code[m.end():].lstrip()
    before = code[:m.start()].rstrip()
    depth, calls = depth_at(code, m.start())
    if COND.match(code):
        ncalls = sum(calls)
        field = after.startswith("->") or after.startswith(".")
        if ncalls >= 2 or (ncalls == 1 and (before.endswith("&") or field)):
            return "cond-nested"
        return "cond"
    if not code.rstrip().endswith(";") or code.lstrip().startswith("return"):
        return None
    a = ASSIGN.match(code)
    if a and m.start() >= a.start(2) and not calls:
        rhs = a.group(2).strip()
        if re.fullmatch(r"[&\*]?\s*%s(\s*(->|\.)\s*\w+)*" % re.escape(m.group()), rhs):
            return "assign"
    if calls and calls[-1] and before.endswith(("(", ",")) and \
            (after.startswith(",") or after.startswith(")")):
        return "call-arg"
    return None


def swap_candidates(path, lines):
    for first, brace, last in functions(lines):
        body = "\n".join(lines[first:last + 1])
        for i in range(brace + 1, last):
            code = code_only(lines[i])
            for m in role_objects(code):
                sw = swapped(m.group())
                if not re.search(r"\b%s\b" % re.escape(sw), body) \
                        or re.search(r"\b%s\b" % re.escape(sw), code):
                    continue
                shape = classify(lines[i], m)
                if shape:
                    yield shape, (i, m.start(), m.group(), sw)


def mutate_swap(lines, cand):
    i, col, ident, sw = cand
    lines[i] = lines[i][:col] + sw + lines[i][col + len(ident):]
    return i + 1


def harmless_candidates(path, lines):
    """Harmless edits: (kind, data)."""
    for first, brace, last in functions(lines):
        body = "\n".join(lines[first:last + 1])
        idents = set(IDENT.findall(code_only(body)))
        params = code_only(" ".join(lines[first:brace]))
        roles = sorted(set(m.group() for m in role_objects(params)
                           if swapped(m.group()) not in idents))
        for r in roles[:1]:
            yield "rename", (first, last, r, swapped(r))
        for i in range(brace + 1, last):
            l = lines[i]
            code = code_only(l)
            if re.match(r"^\s*/?\*", l) and re.search(r"[a-z]{4,}", l) and \
                    not any(swapped(x) for x in IDENT.findall(l)):
                yield "comment", (i,)
            rid = [m.group() for m in role_objects(code)]
            if COND.match(code) and re.search(r"(&&|\|\|)\s*\S", code) and \
                    code.rstrip().endswith(")") and rid and len(l) < 100:
                yield "split", (i,)
            if rid and code.rstrip().endswith(";") and re.match(r"^\t", l) and \
                    not code.lstrip().startswith(("return", "}", "case", "default")):
                yield "warn", (i, rid[0])
            f = re.search(r"\b(%s)->(\w+)\b(?!\s*(=[^=]|\())" % "|".join(map(re.escape, rid)), code) \
                if rid else None
            if f and COND.match(code):
                yield "local", (i, f.group(1), f.group(2))
    # exchange: a static helper with two counterpart parameters
    text = "\n".join(lines)
    for m in re.finditer(r"^static [^;{]*?\b(\w+)\(([^;{)]*)\)\s*\n\{", text, re.M):
        params = split_args(m.group(2))
        names = [IDENT.findall(p)[-1] if IDENT.findall(p) else "" for p in params]
        for a in range(len(names)):
            for b in range(a + 1, len(names)):
                if swapped(names[a]) == names[b]:
                    yield "exchange", (m.group(1), a, b)


def split_args(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch in "([{"
        depth -= ch in ")]}"
        cur += ch
    out.append(cur)
    return out


def exchange(lines, name, a, b):
    """Exchange parameters a and b of name() and the arguments of each call."""
    text = "\n".join(lines)
    out, pos, n = [], 0, 0
    for m in re.finditer(r"\b%s\s*\(" % re.escape(name), text):
        start = m.end()
        depth, j = 1, start
        while j < len(text) and depth:
            depth += text[j] == "("
            depth -= text[j] == ")"
            j += 1
        args = split_args(text[start:j - 1])
        if len(args) <= b:
            continue
        lead_a = re.match(r"\s*", args[a]).group()
        lead_b = re.match(r"\s*", args[b]).group()
        args[a], args[b] = lead_a + args[b].strip(), lead_b + args[a].strip()
        out.append(text[pos:start] + ",".join(args) + ")")
        pos = j
        n += 1
    out.append(text[pos:])
    return "".join(out).split("\n"), n


def harmless(lines, kind, data):
    if kind == "rename":
        first, last, r, sw = data
        for k in range(first, last + 1):
            lines[k] = re.sub(r"\b%s\b" % re.escape(r), sw, lines[k])
        return lines
    if kind == "comment":
        (i,) = data
        lines[i] = re.sub(r"\b([a-z]{4,})\b", r"\1 really", lines[i], count=1)
        return lines
    if kind == "split":
        (i,) = data
        l = lines[i]
        m = re.search(r"(&&|\|\|)\s*", l)
        indent = re.match(r"\t*", l).group()
        lines[i:i + 1] = [l[:m.end()].rstrip(), indent + "    " + l[m.end():]]
        return lines
    if kind == "warn":
        i, r = data
        indent = re.match(r"\t*", lines[i]).group()
        lines.insert(i + 1, "%sVM_WARN_ON_ONCE(!%s);" % (indent, r))
        return lines
    if kind == "local":
        i, r, f = data
        indent = re.match(r"\t*", lines[i]).group()
        local = "mmr_%s" % f
        lines[i] = re.sub(r"\b%s->%s\b" % (re.escape(r), re.escape(f)), local, lines[i])
        lines.insert(i, "%stypeof(%s->%s) %s = %s->%s;" % (indent, r, f, local, r, f))
        return lines
    if kind == "exchange":
        new, n = exchange(lines, *data)
        return new if n >= 2 else None
    return None


def git(repo, *args, out=False):
    r = subprocess.run(["git"] + list(args), cwd=repo, capture_output=True,
                       text=True, errors="replace")
    if r.returncode:
        raise RuntimeError("git %s: %s" % (" ".join(args), r.stderr))
    return r.stdout


def setup(kdir, work):
    repo = os.path.join(work, "mutants")
    if not os.path.isdir(os.path.join(repo, ".git")):
        os.makedirs(os.path.join(repo, "mm"), exist_ok=True)
        subprocess.run("cp %s/mm/*.c %s/mm/" % (kdir, repo), shell=True, check=True)
        git(repo, "init", "-q", ".")
        git(repo, "config", "user.name", "bench")
        git(repo, "config", "user.email", "bench@example.org")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "base")
    # The first commit: a work directory of an earlier run ends on a mutant.
    return repo, git(repo, "rev-list", "--max-parents=0", "HEAD").strip()


MODES = [("tree", None), ("-U3", "-U3"), ("-U1", "-U1"), ("-W", "-W")]


def review(binary, repo, kdir, work):
    """Per mode, the findings lines of mmreview's text output."""
    res = {}
    r = subprocess.run([binary, "check", "HEAD^..HEAD"], cwd=repo,
                       capture_output=True, text=True, errors="replace")
    res["tree"] = r.stdout
    for name, opt in MODES[1:]:
        patch = os.path.join(work, "mutant.patch")
        with open(patch, "w") as f:
            f.write(git(repo, "format-patch", "-q", "--stdout", opt, "-1", "HEAD"))
        r = subprocess.run([binary, "check", patch], cwd=work,
                           capture_output=True, text=True, errors="replace")
        res[name] = r.stdout + r.stderr
    return res


def apply_edit(repo, base, name, lines, msg):
    git(repo, "checkout", "-q", "-f", base)
    path = os.path.join(repo, "mm", name)
    with open(path, "w", errors="surrogateescape") as f:
        f.write("\n".join(lines))
    if subprocess.run(["git", "diff", "--quiet"], cwd=repo).returncode == 0:
        return False
    git(repo, "commit", "-qam", msg)
    return True


def findings(out):
    return [l for l in out.split("\n") if re.search(r":\d+:\d+: (warning|error|info): ", l)]


def main():
    binary, kdir, work = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    verbose = os.environ.get("MUTANTS_VERBOSE")
    os.makedirs(work, exist_ok=True)
    repo, base = setup(kdir, work)
    git(repo, "checkout", "-q", "-f", base)
    files = {}
    for name in sorted(os.listdir(os.path.join(repo, "mm"))):
        if name.endswith(".c"):
            with open(os.path.join(repo, "mm", name), errors="surrogateescape") as f:
                files[name] = f.read().split("\n")
    swaps, edits = {}, {}
    for name, lines in files.items():
        for shape, cand in swap_candidates(name, lines):
            swaps.setdefault(shape, []).append((name, cand))
        for kind, data in harmless_candidates(name, lines):
            edits.setdefault(kind, []).append((name, data))
    rnd = random.Random(seed)
    shapes = ["cond", "cond-nested", "call-arg", "assign"]
    print("role swaps: one role swapped in one line of 6.1 mm/*.c "
          "(N=%d a shape, seed %d)" % (n, seed))
    print("%-12s %5s %7s %7s %7s %7s" % ("shape", "swaps", "tree", "-U3", "-U1", "-W"))
    total = {m: 0 for m, _ in MODES}
    count = 0
    for shape in shapes:
        cands = swaps.get(shape, [])
        rnd.shuffle(cands)
        hits = {m: 0 for m, _ in MODES}
        done = 0
        for name, cand in cands[:n]:
            lines = list(files[name])
            line = mutate_swap(lines, cand)
            if not apply_edit(repo, base, name, lines, "mutant"):
                continue
            res = review(binary, repo, kdir, work)
            done += 1
            for m, _ in MODES:
                hit = re.search(r"mm/%s:%d:\d+: \w+: .*\[role-swap\]" % (re.escape(name), line), res[m])
                hits[m] += bool(hit)
                if verbose and not hit:
                    print("  miss %-5s %s mm/%s:%d %s -> %s: %s" % (m, shape, name, line, cand[2],
                          cand[3], lines[line - 1].strip()))
        for m in hits:
            total[m] += hits[m]
        count += done
        print("%-12s %5d %s" % (shape, done, " ".join(
            "%6.0f%%" % (100.0 * hits[m] / max(done, 1)) for m, _ in MODES)))
    print("%-12s %5d %s" % ("all", count, " ".join(
        "%6.0f%%" % (100.0 * total[m] / max(count, 1)) for m, _ in MODES)))
    print()
    print("harmless edits: findings of any rule (false alarms)")
    print("%-12s %5s %7s %7s %7s %7s" % ("edit", "edits", "tree", "-U3", "-U1", "-W"))
    ftotal = {m: 0 for m, _ in MODES}
    ecount = 0
    for kind in ["rename", "exchange", "comment", "warn", "split", "local"]:
        cands = edits.get(kind, [])
        rnd.shuffle(cands)
        alarms = {m: 0 for m, _ in MODES}
        done = 0
        for name, data in cands:
            if done == n:
                break
            lines = harmless(list(files[name]), kind, data)
            if lines is None or not apply_edit(repo, base, name, lines, "harmless"):
                continue
            res = review(binary, repo, kdir, work)
            done += 1
            for m, _ in MODES:
                f = findings(res[m])
                alarms[m] += bool(f)
                if verbose and f:
                    print("  alarm %-5s %s mm/%s: %s" % (m, kind, name, f[0]))
        for m in alarms:
            ftotal[m] += alarms[m]
        ecount += done
        print("%-12s %5d %s" % (kind, done, " ".join("%7d" % alarms[m] for m, _ in MODES)))
    print("%-12s %5d %s" % ("all", ecount, " ".join("%7d" % ftotal[m] for m, _ in MODES)))
    print("%-12s %5s %s" % ("per 40", "", " ".join(
        "%7.1f" % (40.0 * ftotal[m] / max(ecount, 1)) for m, _ in MODES)))


main()
