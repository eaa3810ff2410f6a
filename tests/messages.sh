#!/usr/bin/env bash
# messages.sh: every line isolate can print on stderr, as a regular
# expression, one a line (for tests/docs.bats: a page may quote only
# messages the code can print).
#
#   tests/messages.sh
#
# It reads the format strings of every call that prints a line: die,
# die_errno, report, report_errno, hint, trace and usage_error, in
# part-N/*.c and common/*.c (a literal split over lines is joined); the
# lines that the scripts behind make targets echo, starting "isolate: ",
# and the lines of a script's fail "TEXT" when its fail() echoes
# "isolate: PREFIX$*" (a variable in them matches any text); and the
# stub of a lab (tests/mklab.sh).  A conversion (%s, %d...) matches any text, as do
# the words in capitals a page writes in its place (PATH, PID, ERROR);
# a call that ends with the system's reason (die_errno, report_errno)
# matches any reason.
set -u
cd "$(dirname "$0")/.." || exit 1

perl -0777 -ne '
	while (/\b(die|die_errno|report|report_errno|hint|trace|usage_error)\s*\(\s*(?:[a-z_>.-]+\s*,\s*)?((?:"(?:[^"\\]|\\.)*"\s*)+)/g) {
		my ($call, $literals) = ($1, $2);
		my $format = join "", $literals =~ /"((?:[^"\\]|\\.)*)"/g;
		$format =~ s/\\(.)/$1/g;
		my @parts = split /(%[-#0-9.*]*(?:hh|h|ll|l|z|j)?[a-zA-Z%])/, $format;
		my $regex = join "", map {
			/^%%$/ ? "%" : /^%/ ? ".+" : quotemeta($_)
		} @parts;
		$regex = "hint: $regex" if $call eq "hint";
		$regex .= ": .+" if $call =~ /_errno$/;
		print "^isolate: $regex\$\n";
	}' part-*/*.c common/*.c
perl -0777 -ne '
	# A script whose fail() echoes "isolate: PREFIX$*" prints, for each
	# fail "TEXT", the line PREFIX plus TEXT.
	my ($prefix) = /^fail\(\) \{[^}]*?\becho "isolate: ((?:[^"\\]|\\.)*?)\$\*"/m;
	my @texts = grep { !/\$\*$/ } /\becho "isolate: ((?:[^"\\]|\\.)*)"/g;
	push @texts, map { "$prefix$_" } /\bfail "((?:[^"\\]|\\.)*)"/g if defined $prefix;
	for my $text (@texts) {
		my @parts = split /(\$(?:\{?[A-Za-z_0-9]+\}?|[*@]))/, $text;
		print "^isolate: ", join("", map { /^\$/ ? ".+" : quotemeta($_) } @parts), "\$\n";
	}
	' common/*.sh tests/*.sh part-*/*.sh
# make lab's stubs (tests/mklab.sh); a page may name one NAME().
echo '^isolate: lab: [A-Za-z_]+\(\) is not written yet$'
