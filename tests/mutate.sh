#!/usr/bin/env bash
# mutate.sh: mutation testing, behind `make mutate`.
#
#   tests/mutate.sh [--check] [--baseline] [-v] [PATTERN]
#
# Each mutant in tests/mutants.txt (only those whose label matches the
# extended regular expression PATTERN, if given) is one bug a student
# could write.  For each, in a fresh copy of the checkout (its files as
# they are now, tracked or not yet added, but not ignored; and ./rootfs),
# it applies the mutation, builds the mutant's stage, and runs that
# stage's behavioural suites, tests/part-N.bats and tests/part-N-*.bats,
# as tests/run does (not tests/docs.bats: it compares the docs with the
# code, and would fail every mutant for the wrong reason).
#
# The suite must notice: a mutant is killed when a test fails, and the run
# stops at the first failure.  It prints one line per mutant:
#   killed   LABEL  (by: the first test that failed)
#   SURVIVED LABEL                 no test failed: a test is missing
#   STALE    LABEL  (why)          the text to replace is not in the file
#                                  exactly once: tests/mutants.txt is out
#                                  of date
#   NOBUILD  LABEL  (why)          the mutant does not compile: a bad mutant
# and ends with "N mutants: K killed, S survived".  It exits 0 only if
# every mutant was killed.
#
#   --check      only apply and build each mutant (quick: keeps the list
#                in step with the code)
#   --baseline   first run each stage's suites on the code as it is: a
#                test that fails there would "kill" every mutant
#   -v, --verbose  show the output of the test that killed each mutant,
#                to check it failed for the right reason
#
# Each suite runs in namespaces of its own (PID, mount, network, UTS),
# with a /tmp of its own: stopping a run at its first failure kills every
# process it started, containers included, and leaves no file, mount or
# link behind; and concurrent test runs on the machine cannot disturb it.
# Everything lives in one temporary directory, removed on exit, Ctrl-C
# included.  MUTATE_JOBS (default 1) is bats' --jobs (which starts a
# process per test: on 2 CPUs, part-1's suites took 60 s with 2 jobs
# and 32 s with 1).  A suite that
# reports no result for MUTATE_HANG seconds (default 300) hangs: that
# kills the mutant too (make test would hang).
set -u

repo=$(cd "$(dirname "$0")/.." && pwd)
list=$repo/tests/mutants.txt
jobs=${MUTATE_JOBS:-1}
hang_after=${MUTATE_HANG:-300}

check_only=false baseline=false verbose=false pattern=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--check) check_only=true ;;
	--baseline) baseline=true ;;
	-v | --verbose) verbose=true ;;
	-h | --help) sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	--) shift; break ;;
	-*) echo "mutate.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[[ $# -le 1 ]] || { echo "usage: tests/mutate.sh [--check] [--baseline] [-v] [PATTERN]" >&2; exit 2; }
pattern=${1:-}

for tool in perl make bats unshare setsid; do
	command -v "$tool" >/dev/null || { echo "mutate.sh: needs $tool" >&2; exit 2; }
done
if [[ $check_only == false && $EUID -ne 0 ]]; then
	echo "mutate.sh: the suites need root (sudo make mutate)" >&2
	exit 2
fi

# --- the list -----------------------------------------------------------
#
# One line per replacement: LABEL STAGE FILE ORIGINAL => REPLACEMENT (see
# tests/mutants.txt).  A mutant is one label; consecutive lines with the
# same label are its replacements, applied in order.

labels=() stages=()		# one entry per mutant
pair_mutant=() pair_file=() pair_from=() pair_to=()	# one per line

trim() { # VAR: strip leading and trailing blanks from $VAR
	local -n s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
}

list_error() {
	echo "mutate.sh: ${list#"$repo"/}:$lineno: $*" >&2
	exit 2
}

[[ -r $list ]] || { echo "mutate.sh: no $list" >&2; exit 2; }
lineno=0
declare -A seen=()
while IFS= read -r line || [[ -n $line ]]; do
	lineno=$((lineno + 1))
	[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
	read -r label stage file rest <<<"$line"
	[[ $label =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || list_error "bad label '$label'"
	[[ $stage =~ ^[1-9][0-9]*$ ]] || list_error "$label: the stage is a number, not '$stage'"
	[[ $rest == *' =>'* ]] || list_error "$label: no ' => ' between the original and the replacement"
	from=${rest%%' =>'*}
	to=${rest#*' =>'}
	[[ -z $to || $to == [[:space:]]* ]] || list_error "$label: no blank after '=>'"
	trim from
	trim to
	[[ -n $from ]] || list_error "$label: the original text is empty"
	n=${#labels[@]}
	if ((n > 0)) && [[ ${labels[n - 1]} == "$label" ]]; then
		[[ ${stages[n - 1]} == "$stage" ]] || list_error "$label: one mutant, one stage"
	else
		[[ -z ${seen[$label]:-} ]] || list_error "$label: the label is used already, on line ${seen[$label]}"
		seen[$label]=$lineno
		labels+=("$label")
		stages+=("$stage")
	fi
	pair_mutant+=("$((${#labels[@]} - 1))")
	pair_file+=("$file")
	pair_from+=("$from")
	pair_to+=("$to")
done <"$list"

selected=()
for i in "${!labels[@]}"; do
	[[ -z $pattern || ${labels[i]} =~ $pattern ]] && selected+=("$i")
done
if [[ ${#selected[@]} -eq 0 ]]; then
	echo "mutate.sh: no mutant matches '$pattern'" >&2
	exit 2
fi

# --- the workspace ------------------------------------------------------

tmp="" runner=""

# Stop the running suite, if any: SIGKILL to the PID 1 of its namespace
# takes every process in it along, containers and their own namespaces
# included; unshare then reaps it and exits.
stop_runner() {
	local init
	[[ -n $runner ]] || return 0
	init=$(pgrep -P "$runner" 2>/dev/null | head -n 1)
	if [[ -n $init ]]; then
		kill -KILL "$init" 2>/dev/null
	else
		kill -KILL "$runner" 2>/dev/null	# --kill-child does the rest
	fi
	wait "$runner" 2>/dev/null
	runner=""
}

cleanup() {
	stop_runner
	[[ -n $tmp ]] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

tmp=$(mktemp -d "${TMPDIR:-/tmp}/isolate-mutate.XXXXXX") || exit 2
# Rootless tests run the copy's binaries and rootfs as uid 65534.
chmod 755 "$tmp"
pristine=$tmp/pristine
copy=$tmp/copy
mkdir "$pristine"

# The checkout as it is now, once: edits made while this runs do not mix in.
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$repo" ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do
			# Deleted but not yet committed: nothing to copy.
			[[ -e $repo/$f || -L $repo/$f ]] && printf '%s\0' "$f"
		done |
		tar -C "$repo" --null -T - -cf - | tar -C "$pristine" -xf - || exit 2
else
	tar -C "$repo" --exclude=./.git --exclude=./rootfs \
		--exclude='./part-*/isolate' --exclude='./part-*/isolate-*' -cf - . |
		tar -C "$pristine" -xf - || exit 2
fi
if [[ $check_only == false ]]; then
	if [[ ! -d $repo/rootfs ]]; then
		make -s -C "$repo" rootfs || exit 2
	fi
	cp -a "$repo/rootfs" "$pristine/rootfs" || exit 2
	# The suites' own programs (tests/ptyrun, tests/probe...), where the
	# Makefile builds them: once, since no mutant changes them.  What does
	# not build, the tests that need it skip (--baseline lists them).
	if grep -q '^test-tools:' "$pristine/Makefile" &&
		! make -k -s -C "$pristine" test-tools >"$tmp/build.log" 2>&1; then
		echo "mutate.sh: warning: make test-tools: $(grep -m 1 -iE 'error|no rule' "$tmp/build.log")" >&2
	fi
fi

# --- one mutant -----------------------------------------------------------

# Apply replacement number P in $copy.  Prints why not, on failure.
apply() {
	local p=$1 path=$copy/${pair_file[$1]}
	if [[ ${pair_from[p]} == "${pair_to[p]}" ]]; then
		echo "${pair_file[p]}: the replacement is the original"
		return 1
	fi
	if [[ ! -f $path ]]; then
		echo "${pair_file[p]}: no such file"
		return 1
	fi
	MUTATE_FROM=${pair_from[p]} MUTATE_TO=${pair_to[p]} perl -e '
		my $path = shift;
		open(my $in, "<", $path) or die "$path: $!\n";
		my $text = do { local $/; <$in> };
		close($in);
		my ($from, $to) = @ENV{qw(MUTATE_FROM MUTATE_TO)};
		my $count = () = $text =~ /\Q$from\E/g;
		if ($count != 1) {
			print "found $count times, not once: $from\n";
			exit 1;
		}
		substr($text, index($text, $from), length($from)) = $to;
		open(my $out, ">", $path) or die "$path: $!\n";
		print $out $text;
		close($out) or die "$path: $!\n";
	' "$path" | sed "s|^|${pair_file[p]}: |"
	return "${PIPESTATUS[0]}"
}

# The first line of a failed build that says what went wrong.
build_error() {
	local line
	line=$(grep -m 1 -E 'error|Error' "$1") || line=$(head -n 1 "$1")
	echo "${line:0:160}"
}

# The suites of stage N, as tests/run picks them, without docs.bats.
suites_of() {
	local f
	for f in "$copy/tests/part-$1.bats" "$copy/tests/part-$1-"*.bats; do
		[[ -e $f ]] && echo "tests/${f##*/}"
	done
}

# PID 1 of the suite's namespaces: a /tmp of its own (a tmpfs, with our
# directory bound back at the same path), a /sys that shows this network
# namespace's links, lo up, the host's propagation of / (a systemd host's
# is shared), then bats; a shell as PID 1 reaps the orphans that the
# tests leave to init.
sandbox='
	tmp=$1 copy=$2 propagation=$3
	shift 3
	cd "$tmp" || exit 1
	mount -t tmpfs -o mode=1777 isolate-mutate /tmp || exit 1
	if [[ $tmp == /tmp/* ]]; then
		mkdir -p "$tmp" && mount --no-canonicalize --bind . "$tmp" || exit 1
	fi
	mount -t sysfs sysfs /sys || exit 1
	[[ $propagation != shared ]] || mount --make-rshared / || exit 1
	ip link set lo up 2>/dev/null
	cd "$copy" || exit 1
	export TMPDIR=/tmp ISOLATE_VARIANT=normal
	"$@" &
	wait $!'
host_propagation=$(findmnt -no PROPAGATION / 2>/dev/null)

bats_args=(bats --formatter tap --print-output-on-failure)
# One file at a time, its tests in parallel: bats prints each result as
# soon as the tests before it are done, where across files GNU parallel
# would hold a file's results until the whole file has run.
if [[ $jobs -gt 1 ]] && command -v parallel >/dev/null; then
	bats_args+=(--jobs "$jobs" --no-parallelize-across-files)
fi

# Run stage N's suites in $copy, stopping at the first failure.  Sets
# $failed_test (empty: none failed), $failure (what it printed),
# $tests_run, $tests_skipped and $skips (which, and why).
run_suites() {
	local stage=$1 line rc planned="" status suites
	mapfile -t suites < <(suites_of "$stage")
	failed_test="" failure="" skips="" tests_run=0 tests_skipped=0
	rm -f "$tmp/tap" "$tmp/tap.log"
	mkfifo "$tmp/tap" || exit 2
	# Default signal actions: under nohup, or as a background job, the
	# suites would inherit ignored signals, which isolate keeps ignored.
	env --default-signal setsid --wait \
		unshare --pid --fork --kill-child --mount-proc --net --uts \
		bash -c "$sandbox" sandbox "$tmp" "$copy" "$host_propagation" \
		"${bats_args[@]}" "${suites[@]}" >"$tmp/tap" 2>"$tmp/bats.stderr" &
	runner=$!
	while :; do
		IFS= read -r -t "$hang_after" line
		rc=$?
		if ((rc > 128)); then
			# A process the mutant left holding bats' output, say:
			# bats' own per-test timeout cannot end that.
			failed_test="a hang: no test result for $hang_after s, after $tests_run results"
			break
		fi
		[[ $rc -eq 0 || -n $line ]] || break
		printf '%s\n' "$line" >>"$tmp/tap.log"
		case $line in
		1..*) planned=${line#1..} ;;
		"ok "*" # skip"*)
			tests_run=$((tests_run + 1)) tests_skipped=$((tests_skipped + 1))
			skips+="#   skipped: ${line#ok * }"$'\n'
			;;
		"ok "*) tests_run=$((tests_run + 1)) ;;
		"not ok "*)
			tests_run=$((tests_run + 1))
			failed_test=$(sed -E 's/^not ok [0-9]+ //; s/ # (timeout|skip).*//' <<<"$line")
			# What the test printed follows at once, as "# " lines.
			while IFS= read -r -t 2 line && [[ $line == "#"* ]]; do
				failure+="$line"$'\n'
			done
			break
			;;
		esac
	done <"$tmp/tap"
	if [[ -n $failed_test ]]; then
		stop_runner
	else
		wait "$runner"
		status=$?
		runner=""
		if ((tests_run == 0)); then
			echo "mutate.sh: the suites of part-$stage did not run:" >&2
			cat "$tmp/bats.stderr" >&2
			exit 2
		fi
		# A suite that stopped early failed too.
		if [[ $status -ne 0 || -z $planned || $planned -ne $tests_run ]]; then
			failed_test="no test failed, but bats exited $status after $tests_run of ${planned:-no} tests"
			failure=$(tail -n 5 "$tmp/bats.stderr")
		fi
	fi
	rm -f "$tmp/tap"
}

fresh_copy() {
	rm -rf "$copy"
	cp -a "$pristine" "$copy" || exit 2
}

# The progress line, on a terminal only; the result overwrites it.
progress() {
	[[ -t 1 ]] && printf '\r\033[K%s' "$*"
}
result() {
	[[ -t 1 ]] && printf '\r\033[K'
	printf '%s\n' "$*"
}

start=$SECONDS
killed=0 survived=0 stale=0 unbuilt=0

if [[ $baseline == true && $check_only == false ]]; then
	mapfile -t baseline_stages < <(for i in "${selected[@]}"; do echo "${stages[i]}"; done | sort -un)
	for stage in "${baseline_stages[@]}"; do
		progress "baseline: part-$stage, unmutated..."
		fresh_copy
		if ! make -s -C "$copy" "part-$stage" >"$tmp/build.log" 2>&1; then
			result "baseline part-$stage: does not build: $(build_error "$tmp/build.log")"
			exit 1
		fi
		run_suites "$stage"
		if [[ -n $failed_test ]]; then
			result "baseline part-$stage: FAILS without any mutation: $failed_test"
			printf '%s' "$failure"
			exit 1
		fi
		result "baseline part-$stage: $tests_run tests pass ($tests_skipped skipped)"
		printf '%s' "$skips"
	done
fi

count=0
for i in "${selected[@]}"; do
	label=${labels[i]} stage=${stages[i]}
	count=$((count + 1))
	progress "[$count/${#selected[@]}] $label (part-$stage)..."
	fresh_copy
	why=""
	for p in "${!pair_mutant[@]}"; do
		[[ ${pair_mutant[p]} == "$i" ]] || continue
		why=$(apply "$p") || break
		why=""
	done
	if [[ -n $why || ! -d $copy/part-$stage ]]; then
		result "STALE    $label  (${why:-no stage part-$stage})"
		stale=$((stale + 1))
		continue
	fi
	if ! make -s -C "$copy" "part-$stage" >"$tmp/build.log" 2>&1; then
		result "NOBUILD  $label  ($(build_error "$tmp/build.log"))"
		unbuilt=$((unbuilt + 1))
		continue
	fi
	if [[ $check_only == true ]]; then
		result "applies  $label"
		continue
	fi
	run_suites "$stage"
	if [[ -n $failed_test ]]; then
		result "killed   $label  (by: $failed_test)"
		[[ $verbose == true ]] && printf '%s' "$failure"
		killed=$((killed + 1))
	else
		result "SURVIVED $label"
		survived=$((survived + 1))
	fi
done
rm -rf "$copy"

elapsed=$((SECONDS - start))
mutants="${#selected[@]} mutants"
[[ ${#selected[@]} -eq 1 ]] && mutants="1 mutant"
summary="$mutants: $killed killed, $survived survived"
[[ $check_only == true ]] && summary="$mutants: $((${#selected[@]} - stale - unbuilt)) apply and build"
((stale > 0)) && summary+=", $stale stale"
((unbuilt > 0)) && summary+=", $unbuilt not compiled"
echo "$summary (in $((elapsed / 60))m$((elapsed % 60))s)"
[[ $survived -eq 0 && $stale -eq 0 && $unbuilt -eq 0 ]]
