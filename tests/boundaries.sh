#!/bin/sh
# boundaries.sh: print docs/boundaries.md, the map of what each stage is
# proven to isolate and proven not to, from the names of the tests that
# prove it.  tests/docs.bats fails when the page and the suites differ:
#
#   tests/boundaries.sh >docs/boundaries.md
set -u
cd "$(dirname "$0")/.." || exit 1

cat <<'HEAD'
# What each stage is proven to isolate

Every line below is the name of a test in `tests/` that passes on every
run of `make test`. "Not isolated" lines are negative controls: they
pass because the stage does **not** isolate that yet. This page is made
by `tests/boundaries.sh`, and `tests/docs.bats` fails if it falls behind
the suites.

HEAD

for dir in part-[0-9]; do
	file=tests/$dir.bats
	[ -e "$file" ] || continue
	echo "## $dir"
	echo
	echo "Proven isolated or enforced ([$file](../$file)):"
	echo
	sed -n 's/^@test "'"$dir"': \(.*\)" {$/\1/p' "$file" | grep -v '^not isolated: ' |
		sed 's/^/- /'
	echo
	if grep -q "^@test \"$dir: not isolated: " "$file"; then
		echo "Proven **not** isolated yet:"
		echo
		sed -n 's/^@test "'"$dir"': not isolated: \(.*\)" {$/\1/p' "$file" |
			sed 's/^/- /'
		echo
	fi
done

# The shared suites that are not a table below: their test names, once.
shared() { # FILE TITLE STAGES
	echo "## $2"
	echo
	echo "From [$1](../$1), run against $3:"
	echo
	sed -n 's/^@test "part-\$PART: \(.*\)" {$/\1/p' "$1" | sed 's/^/- /'
	echo
}
shared tests/suites/terminal.bats "The terminal, every stage" \
	"every stage (part-1, whose command shares its caller's session, asserts the leaks)"
shared tests/suites/rootfs.bats "A root of its own, parts 3 and 4" "parts 3 and 4"

cat <<'ESCAPES'
## Escape attempts, per stage

From [tests/suites/escapes.bats](../tests/suites/escapes.bats), run
against each stage. "leaks" means the test asserts that the attempt
succeeds: the stage is not expected to stop it.

| attempt                               | part-1 | part-2         | part-3    | part-4    |
|---------------------------------------|--------|----------------|-----------|-----------|
| reach / through /proc/1/root          | as host root | refused  | contained | contained |
| walk `..` above /                     | host / | host /         | contained | contained |
| chroot, chdir(".."), chroot(".")      | host / | host /         | contained | contained |
| signal a host process (same uid)      | leaks  | leaks          | contained | contained |
| unmount /proc                         | not tried (host's /proc) | not tried | contained | contained |
| write a host sysctl                   | leaks  | refused        | refused   | refused   |
| create a device node                  | leaks  | refused        | refused   | refused   |
| a host fd left open by the caller     | closed | closed         | closed    | closed    |
| type into the caller's terminal (TIOCSTI) | leaks | refused      | refused   | refused   |

The shared contract ([tests/suites/contract.bats](../tests/suites/contract.bats))
holds in every stage: exit codes, argument pass-through, only fds 0-2
reaching the command; and so do the signal tests
([tests/suites/signals.bats](../tests/suites/signals.bats)): the signals
passed on, 128+N, the stop timeout, a dying parent, and nothing left
behind after 50 random SIGKILLs of isolate.

## What the opt-in extras open up

- **`part-4/outbound.sh up`** (forwarding and masquerade, by hand):
  the container then reaches whatever the host reaches, the host's LAN,
  its router and the internet, as with `docker run`, and the other
  containers, through the host; `outbound.sh` filters nothing
  ([part 4's "What still leaks"](part-4.md#what-still-leaks) shows the
  rule that keeps containers off a LAN). It already reached the host
  itself on its host end's address before. Its connections leave with
  the host's address: past the host, they are the host's. And
  forwarding is the host's, not the containers': while it is on, the
  host routes between all of its links, for anyone who sends it
  packets to route.
  `outbound.sh down` stops them. On a host that forwarded before `up`
  (down leaves forwarding on there), a connection already open lives
  on in the kernel's connection tracking until it closes.
- **`--map-count N`** (part-2 on, root only): root inside is N host
  ids, not one. Each is a user inside, and owns on the host whatever
  that host id owns: a range no one on the host uses keeps the
  container's users strangers to the host's. Containers given the same
  range are the same users to the kernel: they can signal each
  other's processes and share files, where their mount and PID
  namespaces let them meet.
ESCAPES
