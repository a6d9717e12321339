#!/usr/bin/python3
"""Recall of role-swap on code it has never seen: in Debian's 6.1 mm/*.c,
take condition lines that test something on one role of a pair (src/dst,
old/new, prev/next, ...) whose counterpart exists in the same function,
swap the role in that one line, commit, and see whether role-swap reports
it. Prints a table. Usage: bench/mutants.py MMREVIEW KERNEL_6_1 WORKDIR [N]
"""
import os, random, re, subprocess, sys

PAIRS = [("src", "dst"), ("old", "new"), ("prev", "next"), ("parent", "child"),
         ("from", "to")]
COND = re.compile(r"^\s*(if|while|\} else if)\s*\(")


def counterpart(word):
    for a, b in PAIRS:
        if word == a:
            return b
        if word == b:
            return a
    return None


def role_idents(line):
    """(ident, swapped) for identifiers with a role component."""
    out = []
    for ident in set(re.findall(r"\b[a-z_][a-z0-9_]*\b", line)):
        parts = ident.split("_")
        for i, p in enumerate(parts):
            c = counterpart(p)
            if c and (len(parts) > 1 or p in ("src", "dst", "prev")):
                sw = "_".join(parts[:i] + [c] + parts[i + 1:])
                out.append((ident, sw))
                break
    return out


def candidates(kdir):
    for name in sorted(os.listdir(os.path.join(kdir, "mm"))):
        if not name.endswith(".c"):
            continue
        lines = open(os.path.join(kdir, "mm", name), errors="replace").read().split("\n")
        start = None
        for i, l in enumerate(lines):
            if l and not l[0].isspace() and l.rstrip().endswith(")") and "(" in l:
                start = i
            if l.startswith("}"):
                start = None
            if start is None or not COND.match(l):
                continue
            body = "\n".join(lines[start:i + 40])
            for ident, sw in role_idents(l):
                if re.search(r"\b%s\b" % re.escape(sw), body) and \
                   not re.search(r"\b%s\b" % re.escape(sw), l):
                    yield name, i, ident, sw


def main():
    binary, kdir, work = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 150
    cands = list(candidates(kdir))
    random.Random(1).shuffle(cands)
    cands = cands[:n]
    repo = os.path.join(work, "mutants")
    if not os.path.isdir(os.path.join(repo, ".git")):
        os.makedirs(os.path.join(repo, "mm"), exist_ok=True)
        subprocess.run("cp %s/mm/*.c %s/mm/" % (kdir, repo), shell=True, check=True)
        for c in ("init -q .", "config user.name b", "config user.email b@e.org",
                  "add -A", "commit -qm base"):
            subprocess.run("git " + c, shell=True, cwd=repo, check=True)
    base = subprocess.run("git rev-parse HEAD", shell=True, cwd=repo,
                          capture_output=True, text=True).stdout.strip()
    found = 0
    other = 0
    total_skipped = []
    for name, i, ident, sw in cands:
        subprocess.run("git checkout -q -f " + base, shell=True, cwd=repo, check=True)
        path = os.path.join(repo, "mm", name)
        lines = open(path, errors="surrogateescape").read().split("\n")
        lines[i] = re.sub(r"\b%s\b" % re.escape(ident), sw, lines[i])
        open(path, "w", errors="surrogateescape").write("\n".join(lines))
        if subprocess.run("git diff --quiet", shell=True, cwd=repo).returncode == 0:
            total_skipped.append(name)
            continue
        subprocess.run("git commit -qam mutant", shell=True, cwd=repo, check=True)
        r = subprocess.run([binary, "check", "--tree", kdir, "HEAD^..HEAD"],
                           cwd=repo, capture_output=True, text=True)
        hit = "mm/%s:%d:" % (name, i + 1) in r.stdout and "[role-swap]" in r.stdout
        found += hit
        if not hit and os.environ.get("MUTANTS_VERBOSE"):
            print("missed mm/%s:%d %s -> %s: %s" % (name, i + 1, ident, sw,
                                                   lines[i].strip()))
        other += (not hit) and r.returncode == 1
    total = len(cands) - len(total_skipped)
    print("mutants: one role swapped in one condition line of 6.1 mm/*.c")
    print("%-34s %6s" % ("mutants", total))
    print("%-34s %6d  (%.0f%%)" % ("role-swap at the mutated line", found,
                                    100.0 * found / max(total, 1)))
    print("%-34s %6d" % ("other findings only", other))
    print("%-34s %6d" % ("missed", total - found - other))


main()
