#!/usr/bin/python3
"""Recall of condition-flip on 6.1 mm/*.c: flip one condition's operator in
one line (< to <=, a '!' dropped, && to ||), one commit each, reviewed
exactly and from the hunks alone (format-patch, no tree).

Usage: bench/cond-flips.py MMREVIEW KERNEL_6_1 WORKDIR [N]
  N flips of each kind (default 30). V=1 lists the misses.
"""
import os, random, re, subprocess, sys
binary, kdir, work = [os.path.abspath(a) for a in sys.argv[1:4]]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 30
repo = os.path.join(work, "repo")
def git(*a, out=False):
    r = subprocess.run(["git", "-C", repo] + list(a), capture_output=True, text=True)
    return r.stdout
if not os.path.exists(os.path.join(repo, ".git")):
    os.makedirs(os.path.join(repo, "mm"))
    subprocess.run("cp %s/mm/*.c %s/mm/" % (kdir, repo), shell=True)
    git("init", "-q"); git("add", "-A")
    git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "base")
base = git("rev-parse", "HEAD").strip()
IF = re.compile(r"^\t+(if|while|\} else if) \((.*)\)( \{)?$")
cands = {"lt": [], "bang": [], "and": []}
for name in sorted(os.listdir(os.path.join(repo, "mm"))):
    lines = open(os.path.join(repo, "mm", name), errors="surrogateescape").read().split("\n")
    for i, l in enumerate(lines):
        m = IF.match(l)
        if not m or "/*" in l:
            continue
        c = m.group(2)
        if c.count(" < ") == 1 and "<<" not in c:
            cands["lt"].append((name, i, l.replace(" < ", " <= ", 1)))
        if c.startswith("!") and not c.startswith("!=") and "(" in c:
            cands["bang"].append((name, i, l.replace("(!", "(", 1)))
        if c.count(" && ") == 1 and "||" not in c:
            cands["and"].append((name, i, l.replace(" && ", " || ", 1)))
rnd = random.Random(1)
for kind, cs in cands.items():
    rnd.shuffle(cs)
    hit = {"exact": 0, "hunks": 0}
    for name, i, new in cs[:n]:
        git("checkout", "-q", "-f", base)
        p = os.path.join(repo, "mm", name)
        lines = open(p, errors="surrogateescape").read().split("\n")
        lines[i] = new
        open(p, "w", errors="surrogateescape").write("\n".join(lines))
        git("-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qam", "flip")
        ex = subprocess.run([binary, "check", "HEAD^..HEAD"], cwd=repo, capture_output=True, text=True).stdout
        pt = git("format-patch", "--stdout", "-1", "HEAD")
        open(os.path.join(work, "x.patch"), "w", errors="surrogateescape").write(pt)
        hu = subprocess.run([binary, "check", "x.patch"], cwd=work, capture_output=True, text=True).stdout
        pat = re.compile(r"mm/%s:%d:\d+: \w+: .*\[condition-flip\]" % (re.escape(name), i + 1))
        for k, o in (("exact", ex), ("hunks", hu)):
            if pat.search(o):
                hit[k] += 1
            elif os.environ.get("V"):
                print("  miss %s %s mm/%s:%d %s" % (kind, k, name, i + 1, new.strip()))
    print("%-5s %3d flips: exact %d, hunks %d" % (kind, min(n, len(cs)), hit["exact"], hit["hunks"]))
