#!/usr/bin/python3
"""Recall of lock-imbalance and ref-leak on early returns injected in 6.1.

In Debian's 6.1 mm/*.c, pick statements that take a lock or a reference
(spin_lock(), mutex_lock(), mmap_read_lock(), folio_lock(), rcu_read_lock(),
folio_get(), get_page(), mmget()...), add right after one

    if (unlikely(mmr_bug))
        return -EAGAIN;

commit it on the 6.1 files, and review it with the exact images ("tree")
or as a format-patch from its hunks alone (-U3, -W). An injection counts
as found when either rule reports the added return; any other finding of
the two rules is printed as a false alarm.

Usage: bench/flow-recall.py MMREVIEW KERNEL_6_1 WORKDIR [N] [SEED]
  N injections (default 40) per mode, SEED of the sample (default 1).
"""
import os
import random
import re
import subprocess
import sys

ACQUIRE = re.compile(
    r'^(\t+)(spin_lock(_irq|_irqsave|_bh)?|mutex_lock|mmap_read_lock|'
    r'mmap_write_lock|folio_lock|lock_page|rcu_read_lock|down_read|'
    r'down_write|i_mmap_lock_write|i_mmap_lock_read|folio_get|get_page|'
    r'mmget|mmgrab)\(.*\);$')
RULES = r"\[(lock-imbalance|ref-leak)\]"


def git(repo, *args):
    return subprocess.run(["git"] + list(args), cwd=repo, check=True,
                          capture_output=True, text=True).stdout


def setup(kdir, work):
    repo = os.path.join(work, "repo")
    if not os.path.isdir(os.path.join(repo, ".git")):
        os.makedirs(os.path.join(repo, "mm"))
        for name in os.listdir(os.path.join(kdir, "mm")):
            if name.endswith(".c"):
                with open(os.path.join(kdir, "mm", name), "rb") as f:
                    data = f.read()
                with open(os.path.join(repo, "mm", name), "wb") as f:
                    f.write(data)
        git(repo, "init", "-q", ".")
        git(repo, "config", "user.name", "bench")
        git(repo, "config", "user.email", "bench@example.org")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "linux 6.1 mm")
    return repo, git(repo, "rev-parse", "HEAD").strip()


def review(binary, repo, work, mode):
    if mode == "tree":
        r = subprocess.run([binary, "check", "HEAD^..HEAD"], cwd=repo,
                           capture_output=True, text=True, errors="replace")
        return r.stdout
    patch = os.path.join(work, "injected.patch")
    with open(patch, "w") as f:
        f.write(git(repo, "format-patch", "-q", "--stdout", mode, "-1",
                    "HEAD"))
    r = subprocess.run([binary, "check", patch], cwd=work,
                       capture_output=True, text=True, errors="replace")
    return r.stdout


def main():
    binary, kdir, work = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    os.makedirs(work, exist_ok=True)
    repo, base = setup(kdir, work)
    cands = []
    for name in sorted(os.listdir(os.path.join(repo, "mm"))):
        if not name.endswith(".c"):
            continue
        with open(os.path.join(repo, "mm", name),
                  errors="surrogateescape") as f:
            for i, line in enumerate(f.read().split("\n")):
                m = ACQUIRE.match(line)
                if m:
                    cands.append((name, i, m.group(1), m.group(2)))
    random.Random(seed).shuffle(cands)
    print("early returns injected after an acquisition in 6.1 mm/*.c "
          "(N=%d, seed %d)" % (n, seed))
    for mode in ["tree", "-W", "-U3"]:
        found, alarms = 0, 0
        for name, i, indent, call in cands[:n]:
            git(repo, "checkout", "-q", "-f", base)
            path = os.path.join(repo, "mm", name)
            with open(path, errors="surrogateescape") as f:
                lines = f.read().split("\n")
            lines[i + 1:i + 1] = [indent + "if (unlikely(mmr_bug))",
                                  indent + "\treturn -EAGAIN;"]
            with open(path, "w", errors="surrogateescape") as f:
                f.write("\n".join(lines))
            git(repo, "commit", "-qam", "injected")
            out = review(binary, repo, work, mode)
            at = "mm/%s:%d:" % (name, i + 3)
            hits = [l for l in out.split("\n") if re.search(RULES, l)]
            found += any(l.startswith(at) for l in hits)
            for l in hits:
                if not l.startswith(at):
                    alarms += 1
                    print("  alarm %s %s" % (mode, l))
        print("%-5s %d/%d found, %d other findings" % (mode, found,
                                                        min(n, len(cands)),
                                                        alarms))
    git(repo, "checkout", "-q", "-f", base)


main()
