# The mail of the lore tests, made with git format-patch from a small base
# tree, so every patch is real and applies with git am (sourced; POSIX sh).
#
#   $T/base         the base tree (branch master)
#   $T/mail/A1/     [PATCH 0/3]..[3/3]: a series with a cover letter
#   $T/mail/A2/     its v2, the cover letter a reply to A1's
#   $T/mail/S       a single patch
#   $T/mail/C/      [PATCH 0/3]..[3/3] whose 2/3 is never delivered
#   $T/mail/B64     a single patch, its body in base64
#   $T/mail/MAL     a single patch with malformed headers
#   $T/mail/ODD     a single patch whose Message-ID has '/', '%' and '+'
#   $T/mail/RE1     a reply to A1's 1/3;  $T/mail/RE0: a reply to A1's cover
#   $T/mail/N       a message without a patch
#   $T/mail/OLD     a message delivered before the first fetch
#   $T/mail/burst/  a thread of small replies (for the rounds that fail)

export GIT_AUTHOR_NAME="Alice Dev" GIT_AUTHOR_EMAIL=alice@example.org
export GIT_COMMITTER_NAME="Alice Dev" GIT_COMMITTER_EMAIL=alice@example.org
export GIT_AUTHOR_DATE="2025-03-03T10:00:00Z"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"

fx_git() { git -C "$T/base" "$@"; }

fx_file() { # fx_file NAME LINES: mm/NAME.c with a function of LINES lines
	{
		printf '// SPDX-License-Identifier: GPL-2.0\n#include "internal.h"\n\n'
		printf 'int %s_pages(struct vm_area_struct *vma)\n{\n' "$1"
		i=0
		while [ $i -lt "$2" ]; do
			printf '\tif (vma->vm_flags & VM_F%d)\n\t\treturn %d;\n' $i $i
			i=$((i + 1))
		done
		printf '\treturn 0;\n}\n'
	} >"$T/base/mm/$1.c"
}

# A commit on the current branch: change line N of mm/FILE.c.
fx_commit() { # fx_commit FILE N SUBJECT
	sed -i "s/return $2;/return $2 + 1;/" "$T/base/mm/$1.c"
	fx_git commit -qam "$3" -m "Return one more for VM_F$2, so the
callers see the change." -m "Signed-off-by: $GIT_AUTHOR_NAME <$GIT_AUTHOR_EMAIL>"
}

# format-patch a branch into DIR. Message-IDs get the name of the series:
# git makes them of the commit and the second, and two versions made in
# the same second would share them.
fx_series() { # fx_series NAME DIR TITLE [format-patch options]
	name=$1 dir=$2 title=$3
	shift 3
	fx_git format-patch -q --thread=shallow --base=master \
		--to="linux-mm@kvack.org" -o "$dir" "$@" master
	for f in "$dir"/*; do
		sed -i -e "s/\.\([0-9][0-9]*\)\.git\./.\1.$name.git./g" \
			-e "s/\*\*\* SUBJECT HERE \*\*\*/$title/" \
			-e "s/\*\*\* BLURB HERE \*\*\*/This series tidies $title./" "$f"
	done
}

# One commit as a single patch (its Message-ID named as in fx_series).
fx_single() { # fx_single NAME FILE
	fx_git format-patch -q --thread --to=linux-mm@kvack.org \
		-o "$T/mail/$1.d" -1
	sed -e "s/\.\([0-9][0-9]*\)\.git\./.\1.$1.git./g" \
		"$T/mail/$1.d"/0001-*.patch >"$2"
	rm -r "$T/mail/$1.d"
}

fx_message() { # fx_message FILE MSGID SUBJECT [IN-REPLY-TO] < BODY
	{
		printf 'From: Bob Reviewer <bob@example.org>\n'
		printf 'To: linux-mm@kvack.org\nSubject: %s\n' "$3"
		printf 'Date: Mon, 3 Mar 2025 11:00:00 +0000\n'
		printf 'Message-ID: <%s>\n' "$2"
		[ -z "${4:-}" ] || printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$4" "$4"
		printf '\n'
		cat
	} >"$1"
}

fx_make() {
	mkdir -p "$T/base/mm" "$T/mail/burst"
	git init -q -b master "$T/base"
	for f in alpha beta gamma delta eps zeta; do
		fx_file $f 6
	done
	fx_git add .
	fx_git commit -qm "mm: the base"

	fx_git checkout -qb a1 master
	fx_commit alpha 1 "mm/alpha: one more"
	fx_commit beta 2 "mm/beta: one more"
	fx_commit gamma 3 "mm/gamma: one more"
	fx_series A1 "$T/mail/A1" "mm: three small changes" --cover-letter

	fx_git checkout -qb a2 master
	fx_commit alpha 1 "mm/alpha: one more"
	fx_commit beta 2 "mm/beta: one more, v2"
	fx_commit gamma 4 "mm/gamma: one more"
	fx_series A2 "$T/mail/A2" "mm: three small changes" --cover-letter -v2 \
		--in-reply-to="$(msgid_of "$T/mail/A1/0000-cover-letter.patch")"

	fx_git checkout -qb s master
	fx_commit delta 1 "mm/delta: a single patch"
	fx_single S "$T/mail/S"

	fx_git checkout -qb c master
	fx_commit eps 1 "mm/eps: first"
	fx_commit zeta 2 "mm/zeta: second, never delivered"
	fx_commit delta 3 "mm/delta: third"
	fx_series C "$T/mail/C" "mm: a series missing a part" --cover-letter

	fx_git checkout -qb b64 master
	fx_commit beta 5 "mm/beta: sent in base64"
	f="$T/mail/B64.plain"
	fx_single B64 "$f"
	{
		sed -n '2,/^$/{/^MIME-Version/d;/^Content-/d;/^$/d;p}' "$f"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		sed '1,/^$/d' "$f" | base64
	} >"$T/mail/B64"
	rm "$f"

	fx_git checkout -qb mal master
	fx_commit gamma 5 "mm/gamma: from a broken mailer"
	f="$T/mail/MAL.plain"
	fx_single MAL "$f"
	# an address without its '>', a bad encoded word, an unknown
	# charset, then a line that is no header (the body starts there)
	sed -e '2,/^$/{s/^From: \(.*\)>$/From: \1/}' \
		-e '2,/^$/{s/^\(Subject: .*\)$/\1 =?utf-8?B?###?=/}' \
		-e '2,/^$/{/^MIME-Version/d;/^Content-/d}' \
		-e '2,/^$/{/^$/i\
MIME-Version: 1.0\
Content-Type: text/plain; charset="x-no-such"\
X-Mailer something without a colon
}' "$f" >"$T/mail/MAL"
	rm "$f"
	fx_git checkout -qb odd master
	fx_commit zeta 4 "mm/zeta: an odd message-id"
	fx_single ODD "$T/mail/ODD.plain"
	sed '2,/^$/s/^Message-Id: .*/Message-Id: <odd\/id+with%chars@example.org>/' \
		"$T/mail/ODD.plain" >"$T/mail/ODD"
	rm "$T/mail/ODD.plain"
	fx_git checkout -q master

	a1p1=$(msgid_of "$T"/mail/A1/0001-*)
	a1p0=$(msgid_of "$T"/mail/A1/0000-*)
	fx_message "$T/mail/RE1" "re1@example.org" \
		"Re: $(sed -n 's/^Subject: //p' "$T"/mail/A1/0001-* | head -1)" \
		"$a1p1" <<-'EOF'
	> -	return 1;
	Why one more?
	EOF
	fx_message "$T/mail/RE0" "re0@example.org" \
		"Re: [PATCH 0/3] mm: three small changes" "$a1p0" <<-'EOF'
	For the series:
	Reviewed-by: Bob Reviewer <bob@example.org>
	EOF
	fx_message "$T/mail/N" "question@example.org" \
		"mm: a question about reclaim" <<-'EOF'
	Does kswapd wake for this?
	EOF
	fx_message "$T/mail/OLD" "old@example.org" "mm: an old message" <<-'EOF'
	This came before anyone followed the inbox.
	EOF
	i=1
	while [ $i -le 8 ]; do
		fx_message "$T/mail/burst/$i" "burst$i@example.org" \
			"Re: mm: a question about reclaim" "question@example.org" <<-EOF
		Answer number $i.
		EOF
		i=$((i + 1))
	done
}
