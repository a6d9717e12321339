#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write a git fast-import stream of one public-inbox v2 epoch: N messages
as a linear master, one commit per message, the message in the blob "m"
(a deletion in "d"), as public-inbox stores them. The mail is like a busy
list's: series of 1 to 15 patches (most with a cover letter, some sent
again as v2 or v3, some missing a part), replies, discussion; patches of
real-looking C hunks. Deterministic: the same N gives the same epoch.

usage: ingest-gen.py N | git --git-dir=DIR fast-import --quiet
"""
import random
import sys

rnd = random.Random(20250303)
SENDERS = ["Alice Dev <alice@example.org>", "Bob Hacker <bob@example.org>",
           "Carol Kernel <carol@example.org>", "Dan Mm <dan@example.org>",
           "Eve Reclaim <eve@example.org>", "Frank Folio <frank@example.org>",
           "Grace Slab <grace@example.org>", "Heidi Huge <heidi@example.org>"]
FILES = ["mm/memory.c", "mm/mmap.c", "mm/page_alloc.c", "mm/vmscan.c",
         "mm/huge_memory.c", "mm/slub.c", "mm/userfaultfd.c", "mm/gup.c",
         "include/linux/mm.h", "mm/filemap.c", "mm/rmap.c", "mm/swap.c"]
WORDS = ("folio page vma anon swap reclaim lru mapping fault pte pmd "
         "hugetlb slab cgroup memcg zone node order gfp flags refcount "
         "lock unlock split merge copy fork madvise mprotect").split()

out = sys.stdout.buffer
mark = 0
clock = 1740000000


def words(n):
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def hunk():
    start = rnd.randint(10, 4000)
    ctx = ["\tstruct folio *folio = page_folio(page);",
           "\tif (!vma_is_anonymous(vma))", "\t\treturn -EINVAL;",
           "\tspin_lock(&mm->page_table_lock);", "\tpte_unmap_unlock(pte, ptl);",
           "\tif (vma->vm_flags & VM_UFFD_WP)", "\t\tgoto out;",
           "\treturn ret;"]
    lines = [" " + rnd.choice(ctx) for _ in range(3)]
    removed = ["-" + rnd.choice(ctx) for _ in range(rnd.randint(1, 6))]
    added = ["+" + rnd.choice(ctx) for _ in range(rnd.randint(1, 8))]
    tail = [" " + rnd.choice(ctx) for _ in range(3)]
    body = lines + removed + added + tail
    old = 6 + len(removed)
    new = 6 + len(added)
    return "@@ -%d,%d +%d,%d @@ static int %s_%s(struct vm_area_struct *vma)\n%s\n" % (
        start, old, start, new, rnd.choice(WORDS), rnd.choice(WORDS),
        "\n".join(body))


def diff():
    parts = []
    for f in rnd.sample(FILES, rnd.randint(1, 3)):
        parts.append("diff --git a/%s b/%s\nindex %07x..%07x 100644\n"
                     "--- a/%s\n+++ b/%s\n" % (f, f, rnd.getrandbits(28),
                                              rnd.getrandbits(28), f, f))
        parts.extend(hunk() for _ in range(rnd.randint(1, 4)))
    return "".join(parts)


def message(sender, subject, msgid, refs, body):
    global clock
    clock += rnd.randint(5, 90)
    head = ["From: " + sender, "To: linux-mm@kvack.org",
            "Subject: " + subject,
            "Date: %s" % rfc2822(clock), "Message-ID: <%s>" % msgid]
    if refs:
        head.append("In-Reply-To: <%s>" % refs[-1])
        head.append("References: " + " ".join("<%s>" % r for r in refs))
    return clock, sender, "\n".join(head) + "\n\n" + body


def rfc2822(t):
    import time
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def patch_body(sender):
    return ("%s.\n\n%s\n\nSigned-off-by: %s\n---\n%s" %
            (words(12).capitalize(), words(40), sender, diff()))


def series(n_id, version, total, sender, stem, in_reply_to, missing):
    v = "" if version == 1 else " v%d" % version
    msgs = []
    cover = None
    refs = [in_reply_to] if in_reply_to else []
    if total > 1:
        cover = "s%d.v%d.0@example.org" % (n_id, version)
        msgs.append(message(sender, "[PATCH%s 0/%d] %s" % (v, total, stem),
                            cover, refs, words(60) + "\n"))
    for k in range(1, total + 1):
        if k == missing:
            continue
        if total == 1:
            subj = "[PATCH%s] %s" % (v, stem)
        else:
            subj = "[PATCH%s %d/%d] %s: %s" % (v, k, total, stem, words(3))
        msgid = "s%d.v%d.%d@example.org" % (n_id, version, k)
        msgs.append(message(sender, subj, msgid,
                            refs + ([cover] if cover else []),
                            patch_body(sender)))
    return msgs, cover or "s%d.v%d.1@example.org" % (n_id, version)


def generate(n):
    pending = []  # messages to emit, a few interleaved
    sent = []  # (msgid, subject) of patch mail, to reply to
    series_id = 0
    while len(pending) < n:
        r = rnd.random()
        if r < 0.45 or not sent:
            series_id += 1
            sender = rnd.choice(SENDERS)
            total = rnd.choice([1, 1, 2, 3, 3, 4, 5, 6, 8, 10, 15])
            stem = "mm/%s: %s" % (rnd.choice(WORDS), words(4))
            missing = rnd.randint(1, total) if rnd.random() < 0.05 else 0
            msgs, root = series(series_id, 1, total, sender, stem, None,
                                missing)
            pending.extend(msgs)
            sent.append((root, stem, sender, total, series_id))
            if rnd.random() < 0.15:  # a v2 later on, a reply to v1
                m2, _ = series(series_id, 2, total, sender, stem, root, 0)
                pending.extend(m2)
        elif r < 0.85:
            root, stem, _, _, sid = rnd.choice(sent[-200:])
            sender = rnd.choice(SENDERS)
            pending.append(message(sender, "Re: " + stem,
                                   "r%d.%d@example.org" % (sid, len(pending)),
                                   [root], "> %s\n\n%s\n" % (words(10),
                                                            words(30))))
        else:
            sender = rnd.choice(SENDERS)
            pending.append(message(sender, "mm: " + words(5),
                                   "q%d@example.org" % len(pending), [],
                                   words(80) + "\n"))
    return pending[:n]


def emit(msgs):
    global mark
    prev = None
    for i, (when, sender, text) in enumerate(msgs):
        name = "d" if i % 997 == 996 else "m"  # now and then a deletion
        data = text.encode()
        mark += 1
        blob = mark
        out.write(b"blob\nmark :%d\ndata %d\n" % (blob, len(data)) + data +
                  b"\n")
        mark += 1
        who = sender.encode()
        out.write(b"commit refs/heads/master\nmark :%d\n" % mark)
        out.write(b"author %s %d +0000\n" % (who, when))
        out.write(b"committer %s %d +0000\ndata 0\n" % (who, when))
        if prev:
            out.write(b"from :%d\n" % prev)
        out.write(b"deleteall\nM 100644 :%d %s\n\n" % (blob, name.encode()))
        prev = mark


if __name__ == "__main__":
    emit(generate(int(sys.argv[1])))
