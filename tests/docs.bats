#!/usr/bin/env bats
# The docs quote the code verbatim: every fenced block whose info string
# names a file (```c part-1/isolate.c) must appear, line for line, in it.

load helpers

setup() { :; }
teardown() { :; }

# Print "doc:line file" for each quoted block that its file lacks.
stale_quotes() {
	local doc
	for doc in "$REPO"/docs/*.md "$REPO"/README.md; do
		[[ -e $doc ]] || continue
		awk -v doc="${doc#"$REPO"/}" -v repo="$REPO" '
		function flush(   file, i, j, n, m, lines, ok) {
			file = repo "/" quoted
			n = 0
			while ((getline l < file) > 0) lines[++n] = l
			close(file)
			if (n == 0) { print doc ":" start " " quoted " (no such file)"; return }
			for (i = 1; i + nb - 1 <= n; i++) {
				ok = 1
				for (j = 1; j <= nb; j++) if (lines[i + j - 1] != block[j]) { ok = 0; break }
				if (ok) return
			}
			print doc ":" start " " quoted
		}
		inblock && /^```[ \t]*$/ { inblock = 0; if (quoted != "") flush(); quoted = ""; next }
		inblock { block[++nb] = $0; next }
		/^```/ {
			inblock = 1; nb = 0; start = NR; quoted = ""
			split(substr($0, 4), words, /[ \t]+/)
			if (words[2] != "") quoted = words[2]
		}' "$doc"
	done
}

@test "docs: every quoted code block matches the file it names" {
	run -0 stale_quotes
	[[ -z $output ]] || { echo "quoted blocks no longer in their files:"; echo "$output"; false; }
}

@test "docs: the quote check catches a block that does not match" {
	mkdir -p "$BATS_TEST_TMPDIR/docs" "$BATS_TEST_TMPDIR/part-1"
	printf 'int main(void)\n{\n\treturn 0;\n}\n' >"$BATS_TEST_TMPDIR/part-1/isolate.c"
	printf '```c part-1/isolate.c\nint main(void)\n{\n\treturn 1;\n}\n```\n' \
		>"$BATS_TEST_TMPDIR/docs/bad.md"
	printf '```c part-1/isolate.c\n{\n\treturn 0;\n```\n' \
		>"$BATS_TEST_TMPDIR/docs/good.md"
	REPO=$BATS_TEST_TMPDIR run -0 stale_quotes
	[[ $output == "docs/bad.md:1 part-1/isolate.c" ]]
}

@test "docs: every stage has its chapter" {
	for dir in "$REPO"/part-[0-9]; do
		[[ -s $REPO/docs/${dir##*/}.md ]]
	done
}

@test "docs: boundaries.md is what tests/boundaries.sh makes of the suites" {
	run -0 "$REPO/tests/boundaries.sh"
	[[ $output == "$(cat "$REPO/docs/boundaries.md")" ]] ||
		{ echo "run: tests/boundaries.sh >docs/boundaries.md"; false; }
}

@test "docs: every hint isolate can print is explained in troubleshooting.md" {
	local missing=() format
	while IFS= read -r format; do
		grep -qF "$format" "$REPO/docs/troubleshooting.md" || missing+=("$format")
	done < <(grep -ho 'hint("[^"]*"' "$REPO"/part-*/isolate.c "$REPO"/common/*.c |
		sed 's/^hint("//; s/"$//' | sort -u)
	[[ ${#missing[@]} -eq 0 ]] || { printf 'not in troubleshooting.md: %s\n' "${missing[@]}"; false; }
}

@test "docs: make diff shows every file two stages differ in (sources, headers, Makefile), and nothing the build made" {
	local a b file files shown
	for dir in "$REPO"/part-[0-9]; do
		a=${dir##*/part-} b=$((${dir##*/part-} + 1))
		[[ -d $REPO/part-$b ]] || continue
		run -0 make -s -C "$REPO" diff A="$a" B="$b"
		shown=$(sed -n 's|^+++ part-[0-9]/\([^\t]*\).*|\1|p' <<<"$output" | sort | tr '\n' ' ')
		# The stages' own files: what git tracks there, or, in a copy
		# that is no git repository, what is there but the build's
		# outputs (.gitignore).
		files=()
		while IFS= read -r file; do
			cmp -s "$REPO/part-$a/$file" "$REPO/part-$b/$file" || files+=("$file")
		done < <({ git -C "$REPO" ls-files "part-$a" "part-$b" 2>/dev/null ||
			(cd "$REPO" && find "part-$a" "part-$b" -type f ! -name isolate \
				! -name isolate-sanitized ! -name isolate-init ! -name '*.o'); } |
			sed 's|^part-[0-9]/||' | sort -u)
		echo "make diff A=$a B=$b shows: $shown"
		echo "the stages differ in:     ${files[*]} "
		[[ $shown == "${files[*]} " ]]
		[[ $output != *"Binary files"* ]]
	done
}

# unprintable DOC...: "doc:line: quote" for each isolate: line that DOC
# quotes and the code cannot print (tests/messages.sh): a line of a
# fenced block, or an inline `isolate: ...` quote that is a whole line
# (not a fragment ending in ":" or "...").
unprintable() {
	"$REPO/tests/messages.sh" >"$BATS_TEST_TMPDIR/messages"
	perl -e '
		open my $list, "<", shift or die; my @printable = map { chomp; qr/$_/ } <$list>;
		for my $doc (@ARGV) {
			open my $in, "<", $doc or die "$doc: $!";
			my $fenced = 0;
			while (my $line = <$in>) {
				chomp $line;
				if ($line =~ /^\s*```/) { $fenced = !$fenced; next }
				my @quotes;
				push @quotes, $line if $fenced && $line =~ /^isolate: /;
				while ($line =~ /`(isolate: [^`]+)`/g) {
					push @quotes, $1 unless $1 =~ /(:|\.\.\.)$/;
				}
				for my $quote (@quotes) {
					$quote =~ s/\s+$//;
					print "$doc:$.: $quote\n" unless grep { $quote =~ $_ } @printable;
				}
			}
			close $in;
		}' "$BATS_TEST_TMPDIR/messages" "$@"
}

@test "docs: every isolate: line a page quotes is one the code can print" {
	run -0 unprintable "$REPO"/docs/*.md "$REPO"/README.md
	[[ -z $output ]]
}

@test "docs: the message check catches a line the code cannot print" {
	printf '%s\n' 'As `isolate: frobnicate /x: No such file or directory` says:' '```console' \
		'# part-1/isolate --hostname x true' 'isolate: prctl(PR_SET_DUMPABLE) in the parent: ERROR' \
		'isolate: hint: run it as root' '```' >"$BATS_TEST_TMPDIR/page.md"
	run -0 unprintable "$BATS_TEST_TMPDIR/page.md"
	echo "$output"
	[[ ${#lines[@]} -eq 3 && $output == *":1: isolate: frobnicate /x"*":4: isolate: prctl"*":5: isolate: hint: run it as root" ]]
}

@test "docs: every picture is Mermaid these pages can show, and draws its code as it is" {
	run -0 "$REPO/tests/pictures.sh"
	[[ -z $output ]]
	# There are pictures to check: one a stage at least.
	[[ $(cat "$REPO"/docs/*.md | grep -c '^```mermaid') -ge 4 ]]
}

@test "docs: the picture check catches a broken line, a step out of order, and a wrong namespace" {
	cat >"$BATS_TEST_TMPDIR/page.md" <<'PAGE'
<!-- picture: part-1/isolate.c P=main C=child -->
```mermaid
sequenceDiagram
    participant P as isolate
    participant C as child
    P->>P: parse_options(), handshake_open(), block_signals()
    P->>C: clone()
    P->>C: release_child()
    Note over C: die_with_parent(), prepare_uts(), exec_command()
    P->C: wait_command(); done
```
<!-- picture: namespaces -->
```mermaid
flowchart LR
    p2["part-2<br/>own: uts"]
    p2 --> p3
```
PAGE
	run -0 "$REPO/tests/pictures.sh" "$BATS_TEST_TMPDIR/page.md"
	echo "$output"
	[[ $output == *":10: not a line these pictures use: P->C: wait_command(); done"* ]]
	[[ $output == *"draws main() as: parse_options handshake_open block_signals clone release_child; "* ]]
	[[ $output == *"draws child() as: die_with_parent prepare_uts exec_command; "* ]]
	[[ $output == *":16: p3 is not declared"* ]]
	[[ $output == *"draws part-2 as owning: uts; its clone flags: uts user"* ]]
}
