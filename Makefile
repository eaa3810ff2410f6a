# isolate: a tiny `docker run`, built one Linux namespace at a time.
#
#   make               build every stage (part-N/isolate)
#   make part-N        build one stage
#   make demo          build, then show live what each stage isolates
#   make rootfs        ./rootfs, from Debian's busybox-static (parts 3, 4)
#   make rootfs-debian ./rootfs-debian/fs, Debian 12 by debootstrap, owned by
#                      the ids ID_BASE (1000000) to ID_BASE+65535
#   make test          the whole suite, on the normal and the sanitized build
#   make test-part-N   one stage's suite, with the shared suites it runs
#   make test-docs     the chapters against the code and the messages
#   make test-labs     each stage's lab graded by its whole suite, fresh
#                      and written otherwise (make test: a fresh part-1 lab
#                      and part-4's written otherwise, by their lessons')
#   make diff A=1 B=2  what stage B adds to stage A: every file of the stage
#   make stress        1000 random SIGKILLs per stage, 200 containers at once
#   make flake RUNS=5  the whole suite RUNS times, twice at once, under stress
#   make mutate        break each lesson line in turn: a test must fail
#                      (PATTERN=REGEX: only the mutants whose label matches)
#   make valgrind      each stage under memcheck: no error, no leak
#   make lint          cppcheck on the C, shellcheck on the scripts
#   make bench         start-up times against unshare, bwrap and crun
#   make lab PART=N DEST=DIR   a lab copy with part-N's lesson to write
#   make grade PART=N LAB=DIR  a student's lab, graded by this checkout's tests
#                      (ONLY=lesson: by the lesson's own suite alone)
#   make clean
#
# CC and CFLAGS are passed on to every stage, e.g. `make CC=clang`.

PARTS     := $(sort $(wildcard part-[0-9]))
# Test files run as many at once as there are CPUs, and one more of those
# that mostly wait (tests/run).  One more of any kind costs more CPU than
# the waits it fills, on the 2-CPU reference machine at least: make test
# took 178 s (338 s of CPU) so, 193 to 207 s with no slot for the runs
# that wait, and 224 to 225 s (412 s of CPU) with 3 of any kind at once
# (then; with the chapters' sessions, 194 to 227 s; with two lab gradings
# instead of eight, 162 to 175 s).
JOBS      ?= $(shell nproc 2>/dev/null || echo 1)
export CC CFLAGS

.PHONY: all $(PARTS) sanitized demo test test-sanitized clean diff deps-test
.PHONY: test-docs test-labs grade deps-rootfs stress valgrind lint bench lab test-tools flake mutate
.PHONY: $(PARTS:part-%=test-part-%)

all: $(PARTS)

$(PARTS):
	$(MAKE) -C $@

sanitized:
	for p in $(PARTS); do $(MAKE) -C $$p sanitized || exit; done

# On a fresh machine, `sudo make demo` installs a compiler and busybox.
demo:
	@tests/deps.sh build
	@$(MAKE) -s all rootfs
	@tests/demo.sh $(PARTS)

deps-rootfs:
	@tests/deps.sh rootfs

# Built once; `make clean` keeps it, `rm -rf rootfs` rebuilds it.
rootfs: common/mkrootfs.sh
	@$(MAKE) -s deps-rootfs
	common/mkrootfs.sh $@
	@touch $@

# A Debian 12 rootfs for parts 3 and 4, its files owned by the host ids
# ID_BASE to ID_BASE+65535 (common/mkdebian.sh); it downloads about
# 40 MB.  Built once, like rootfs; make test never builds it.
ID_BASE ?= 1000000
rootfs-debian:
	@tests/deps.sh debian
	common/mkdebian.sh $@ $(ID_BASE)

# On a fresh machine, `sudo make test` installs what the suite needs.
deps-test:
	@tests/deps.sh test

# The suite's own tools: a terminal emulator, a static probe and a chroot
# escape that the tests copy into the container (busybox has no TIOCSTI,
# ptys...); faults.so, which LD_PRELOAD puts into isolate to make a rare
# moment happen every time (a parent dying at the worst point of the
# setup); launch, through which every test starts isolate, and leftovers,
# which every teardown runs; sandbox, in which make grade runs a lab;
# internet, the web and DNS server part-4's outbound test reaches.
TEST_TOOLS := tests/ptyrun tests/probe tests/escape tests/faults.so tests/leftovers \
	tests/launch tests/sandbox tests/internet
test-tools: $(TEST_TOOLS)

tests/ptyrun: tests/ptyrun.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

tests/probe: tests/probe.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

tests/escape: tests/escape.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

tests/leftovers: tests/leftovers.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

tests/internet: tests/internet.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

tests/launch: tests/launch.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

tests/sandbox: tests/sandbox.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

tests/faults.so: tests/faults.c
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC -o $@ $< -ldl

# The suite runs twice: once on the normal build, once under ASan+UBSan.
test: deps-test
	$(MAKE) all sanitized rootfs test-tools
	tests/run --jobs $(JOBS) -- normal sanitized

test-sanitized: deps-test
	$(MAKE) sanitized rootfs test-tools
	tests/run --jobs $(JOBS) -- sanitized

$(PARTS:part-%=test-part-%): test-part-%: deps-test
	$(MAKE) part-$* rootfs test-tools
	tests/run --jobs $(JOBS) --part $* -- normal

test-docs: deps-test
	tests/run --docs

# After changing the tests: a correct lab written otherwise than the
# reference must still get every point, by each stage's whole suite.
test-labs: deps-test
	$(MAKE) all rootfs test-tools
	tests/run --jobs $(JOBS) --labs

stress: all rootfs
	tests/stress.sh $(PARTS)

# The whole suite RUNS times, twice at once, under make stress: any test
# that ever fails on unmodified code is named.
RUNS ?= 5
flake: deps-test
	$(MAKE) all sanitized rootfs test-tools
	tests/flake.sh $(RUNS)

# Each mutant in tests/mutants.txt, alone, must fail a behavioural test.
mutate: deps-test
	$(MAKE) rootfs test-tools
	tests/mutate.sh $(PATTERN)

valgrind: all rootfs
	@tests/deps.sh valgrind
	tests/valgrind.sh $(PARTS)

SCRIPTS := tests/helpers.bash tests/run tests/*.sh common/*.sh part-*/*.sh .ci/run
lint:
	@tests/deps.sh lint
	cppcheck --quiet --error-exitcode=1 --std=c11 \
		--enable=warning,performance,portability \
		--suppress=missingIncludeSystem -I common common $(PARTS)
	shellcheck -x --severity=warning $(SCRIPTS)

bench: all rootfs
	@tests/deps.sh bench
	tests/bench.sh

lab:
	@test -n "$(PART)" -a -n "$(DEST)" || { echo "usage: make lab PART=N DEST=DIR"; exit 2; }
	tests/mklab.sh $(PART) $(DEST)

# A student's lab, graded by this checkout's own tests (ONLY=lesson:
# tests/part-N.bats alone, without the shared suites).
grade: deps-test
	@test -n "$(PART)" -a -n "$(LAB)" || { echo "usage: make grade PART=N LAB=DIR [ONLY=lesson]"; exit 2; }
	@test -z "$(ONLY)" -o "$(ONLY)" = lesson || { echo "make grade: ONLY=lesson or nothing"; exit 2; }
	$(MAKE) rootfs test-tools
	tests/grade.sh $(if $(ONLY),--lesson) $(PART) $(LAB)

# What stage B adds to stage A: every file of the two folders (sources,
# headers, Makefile), as a reader diffing them sees it, without what
# the build makes there.
diff:
	@test -n "$(A)" -a -n "$(B)" || { echo "usage: make diff A=1 B=2"; exit 2; }
	@diff -ruN -x isolate -x isolate-sanitized -x isolate-init -x '*.o' part-$(A) part-$(B); test $$? -le 1

clean:
	for p in $(PARTS); do $(MAKE) -C $$p clean || exit; done
	rm -f $(TEST_TOOLS)
