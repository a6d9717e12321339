# Turn the plain Markdown of docs/*.md into a man page:
#   awk -v version=V -f mk/md2man.awk docs/rules.md > mmreview-rules.7
# It knows what those pages use: a "# name(N) -- what" title, "## "
# sections, paragraphs, "* " items (continued by lines indented two
# spaces), code indented four spaces (six in an item), `code` and **bold**.

function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	return s
}

function inline(s,    out, i, c, code) {
	s = esc(s)
	out = ""
	code = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "`") {
			out = out (code ? "\\fR" : "\\fB")
			code = !code
		} else if (!code && substr(s, i, 2) == "**") {
			out = out (bold ? "\\fR" : "\\fB")
			bold = !bold
			i++
		} else {
			out = out c
		}
	}
	return out
}

function line_out(s) {
	if (s ~ /^[.']/)
		s = "\\&" s
	print s
}

function end_code() {
	if (incode) {
		print ".fi"
		print ".RE"
		incode = 0
	}
}

BEGIN { bold = 0; incode = 0; initem = 0 }

NR == 1 && /^# / {
	name = $2
	sub(/\(.*/, "", name)
	sect = $2
	gsub(/.*\(|\).*/, "", sect)
	what = $0
	sub(/^# [^ ]+ -- /, "", what)
	printf ".TH %s %s \"\" \"mmreview %s\" \"mmreview manual\"\n", \
		toupper(name), sect, version
	print ".SH NAME"
	print esc(name) " \\- " esc(what)
	next
}

/^## / {
	end_code()
	initem = 0
	sub(/^## /, "")
	print ".SH " esc($0)
	next
}

/^$/ { blank = 1; next }

/^    / {
	if (!incode) {
		indent = initem ? 6 : 4
		if (blank)
			print ".sp"
		print ".RS"
		print ".nf"
		incode = 1
	}
	else if (blank)
		print ""
	s = $0
	if (substr(s, 1, indent) ~ /^ *$/)
		s = substr(s, indent + 1)
	else
		s = substr(s, 5)
	gsub(/\t/, "        ", s)
	line_out(esc(s))
	blank = 0
	next
}

{
	end_code()
	if (/^\* /) {
		sub(/^\* /, "")
		print ".IP \\(bu 2"
		initem = 1
	} else if (/^  [^ ]/ && initem) {
		sub(/^  /, "")
		if (blank)
			print ".IP"
	} else {
		if (blank || initem)
			print ".PP"
		initem = 0
	}
	blank = 0
	line_out(inline($0))
}

END { end_code() }
