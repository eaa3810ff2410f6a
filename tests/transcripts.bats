#!/usr/bin/env bats
# The chapters' terminal sessions, typed as a reader would: each block
# marked <!-- transcript: run --> runs in a throwaway host whose uplink
# is not called eth0 (tests/transcripts.sh), and must print what the
# page shows and leave nothing behind.

load helpers

setup() {
	require_root "the sessions are typed as root"
	require_rootfs
	[[ -x $REPO/part-4/isolate ]] || skip "the stages are not built: run make"
}
teardown() { :; }

sessions_of() {
	run "$REPO/tests/transcripts.sh" "$REPO/docs/$1.md"
	echo "$output"
	[[ $status -eq 0 ]]
}

@test "docs: part-1's sessions print what the chapter shows, and leave nothing" {
	sessions_of part-1
}

@test "docs: part-3's sessions print what the chapter shows, and leave nothing" {
	sessions_of part-3
}

@test "docs: part-4's sessions print what the chapter shows, on a host with no eth0, and leave nothing" {
	sessions_of part-4
}

@test "docs: the session check catches other output, a link and a file left behind" {
	cat >"$BATS_TEST_TMPDIR/page.md" <<'PAGE'
<!-- transcript: run -->
```console
# echo one; echo 2 3
one
4 5
# ip link add isodoc9 type veth peer name isodoc8; touch /tmp/isodoc-left
# echo two
three
```
PAGE
	run -1 "$REPO/tests/transcripts.sh" "$BATS_TEST_TMPDIR/page.md"
	echo "$output"
	# Numbers match any number; words do not.
	[[ $output != *":3: "* ]]
	[[ $output == *":7: \`echo two\` printed:"*"    two"*"  where the page shows:"*"    three"* ]]
	[[ $output == *"left behind: "*"isodoc"* ]]
	[[ $output == *"left behind: /tmp/isodoc-left"* ]]
	# None of it on this machine.
	[[ ! -e /sys/class/net/isodoc9 ]]
	[[ ! -e /tmp/isodoc-left ]]
}
