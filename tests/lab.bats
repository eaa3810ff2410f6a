#!/usr/bin/env bats
# make lab and make grade (docs/labs.md): a lab copy holds no answer to
# its own lab; grading runs this checkout's tests, on behaviour, not on
# wording; a fresh lab fails with a message per stub; a solution written
# otherwise than the reference, but as correct, passes.

load helpers

setup() {
	require_root "grading runs a stage's suite, which needs root"
	require_rootfs
	snapshot_host
}

# make_lab N: a fresh lab of stage N in $BATS_TEST_TMPDIR/lab-N; sets LAB.
make_lab() {
	LAB=$BATS_TEST_TMPDIR/lab-$1
	make -s -C "$REPO" lab PART="$1" DEST="$LAB" >/dev/null
}

# shared_lab N: the same, made once for the tests that only read or
# build it (in $BATS_FILE_TMPDIR); sets LAB.
shared_lab() {
	LAB=$BATS_FILE_TMPDIR/lab-$1
	[[ -d $LAB ]] || make -s -C "$REPO" lab PART="$1" DEST="$LAB" >/dev/null
}

# The functions a lab of stage N asks for, one "FILE NAME" a line.
stubbed() {
	grep -Ho 'TODO(lab): write [a-z_]*' "$LAB"/part-"$1"/*.c |
		sed 's|^'"$LAB"'/\(.*\):TODO(lab): write \(.*\)|\1 \2|'
}

# body FILE NAME: NAME's body in the reference's FILE, without whitespace.
body() {
	awk -v name="$2" '
		!inside && $0 ~ "^[a-z].*[ *]" name "\\(" && $0 !~ /;$/ { header = 1 }
		header && /^\{$/ { header = 0; inside = 1; next }
		inside && /^\}$/ { exit }
		inside { print }' "$REPO/$1" | tr -d ' \t\n'
}

@test "lab: a fresh lab holds stages 1 to N only, and no body of the functions it asks for" {
	local n file name solution bodies=$BATS_TEST_TMPDIR/bodies
	for n in 1 2 3 4; do
		shared_lab "$n"
		[[ -d $LAB/part-$n && ! -e $LAB/part-$((n + 1)) && ! -e $LAB/docs/part-$((n + 1)).md ]]
		[[ ! -e $LAB/tests/mutants.txt ]]
		: >"$bodies"
		while read -r file name; do
			solution=$(body "$file" "$name")
			echo "part-$n: $name() is ${#solution} characters"
			[[ ${#solution} -gt 20 ]]
			echo "$name $solution" >>"$bodies"
		done < <(stubbed "$n")
		# Every text file of the copy, without whitespace, against each
		# stubbed function's body in the reference, also without.
		run -0 bash -c 'find "$1" -path "$1/.git" -prune -o -type f -print0 |
			xargs -0 grep -IlZ "" | xargs -0 awk -v list="$2" "$3"' sh "$LAB" "$bodies" '
			BEGIN {
				while ((getline l < list) > 0) {
					i = index(l, " "); fn[++n] = substr(l, 1, i - 1); text[n] = substr(l, i + 1)
				}
			}
			function check(f, flat,   k) {
				for (k = 1; k <= n; k++) if (index(flat, text[k])) print fn[k] "() is in " f
			}
			FNR == 1 && NR > 1 { check(file, flat); flat = "" }
			{ file = FILENAME; line = $0; gsub(/[ \t]/, "", line); flat = flat line }
			END { if (NR) check(file, flat) }'
		[[ -z $output ]]
	done
}

@test "lab: a fresh lab is a git repository of one commit, and builds warning-free" {
	local n
	for n in 1 2 3 4; do
		shared_lab "$n"
		[[ $(git -C "$LAB" rev-list --count HEAD) -eq 1 ]]
		[[ -z $(git -C "$LAB" status --porcelain) ]]
		run -0 make -s -C "$LAB" "part-$n"
	done
}

@test "lab: a fresh lab fails grading, each failure naming the function not written, whatever the lab's own tests say" {
	make_lab 1
	# The lab's copy of the suite made to pass everything, and its runner
	# too: grading must run the grader's own.
	sed -i 's/^@test \(.*\) {$/@test \1 {\n\treturn 0/' "$LAB"/tests/*.bats "$LAB"/tests/suites/*.bats
	printf '#!/bin/sh\necho "1 passed, 0 failed, 0 skipped"\n' >"$LAB/tests/run"
	JOBS=1 run -1 "$REPO/tests/grade.sh" "${GRADE_SCOPE[@]}" 1 "$LAB"
	[[ ${lines[-1]} =~ ^score:\ ([0-9]+)/([0-9]+)$ ]]
	[[ ${BASH_REMATCH[1]} -lt ${BASH_REMATCH[2]} ]]
	[[ $output == *"FAIL  part-1: --hostname sets the host name inside, and the host keeps its own"$'\n'"      isolate: lab: prepare_uts() is not written yet"* ]]
}
