# stage.mk: how every part-N/Makefile builds its stage.
#
#   make                 part-N/isolate
#   make sanitized       part-N/isolate-sanitized (ASan + UBSan)
#   make CC=clang CFLAGS=...   both can be overridden
#
# Each stage compiles its own isolate.c with the shared plumbing in
# ../common; there is no library to install and nothing at run time but
# libc and the kernel.

COMMON      := ../common
CC          ?= cc
CFLAGS      ?= -O2 -g
WARNINGS    := -std=gnu11 -Wall -Wextra -Werror
SANITIZE    := -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all
SOURCES     := isolate.c $(wildcard $(COMMON)/*.c) $(EXTRA_SOURCES)
HEADERS     := $(wildcard $(COMMON)/*.h) $(wildcard *.h)
# Where this checkout is, so that parts 3 and 4 find its rootfs wherever
# they are run from (the default of --rootfs), and say where they looked.
REPOSITORY  := $(abspath $(COMMON)/..)
DEFINES     := -DREPOSITORY='"$(REPOSITORY)"' -DDEFAULT_ROOTFS='"$(REPOSITORY)/rootfs"'

.PHONY: all sanitized clean

all: isolate

isolate: $(SOURCES) $(HEADERS)
	$(CC) $(WARNINGS) $(CFLAGS) $(DEFINES) $(CPPFLAGS) -o $@ $(SOURCES) $(LDFLAGS)

isolate-sanitized: $(SOURCES) $(HEADERS)
	$(CC) $(WARNINGS) $(CFLAGS) $(SANITIZE) $(DEFINES) $(CPPFLAGS) -o $@ $(SOURCES) $(LDFLAGS)

sanitized: isolate-sanitized

clean:
	rm -f isolate isolate-sanitized
