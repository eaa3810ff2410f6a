#!/usr/bin/env bash
# reword.sh FILE...: rewrite a stage's C files, in place, into a solution
# that a lab's grader must accept as it accepts the reference: the same
# program, written differently in every way that correctness does not
# care about.  tests/lab.bats grades what it makes.
#
# - Every message isolate prints (die, die_errno, report, report_errno,
#   usage_error, hint) is worded otherwise: its words in capitals, but
#   not its format conversions, options (-x, --net-range) or paths, which
#   a user needs as they are.
# - No comment is left.
# - Lines wrapped after a comma, an opening parenthesis or an operator
#   are joined: other line breaks.
# - Independent steps run in another order: the /dev nodes, the /dev
#   links, and the two mounts in /dev (where the file has them).
set -eu

for file; do
	perl -0777 -i -pe '
		# Messages: the first string literal of each call.
		sub reword {
			my ($text) = @_;
			return join " ", map {
				/%|^-|\/|\\/ ? $_ : uc
			} split / /, $text, -1;
		}
		s{\b(die|die_errno|report|report_errno|usage_error|hint)\(\s*"((?:[^"\\]|\\.)*)"}
		 {"$1(\"" . reword($2) . "\""}ge;

		# Comments, not the string or character literals that may hold
		# "/*" or "//".
		s{("(?:[^"\\\n]|\\.)*"|\x27(?:[^\x27\\\n]|\\.)*\x27)|/\*.*?\*/|//[^\n]*}
		 {defined $1 ? $1 : ""}gse;
		s/[ \t]+\n/\n/g;
		s/\n{3,}/\n\n/g;

		# Wrapped lines, but not preprocessor lines.
		s/^(?!#)([^\n]*(?:,|\(|&&|\|\||\|))\n[ \t]+/$1 /gm;
	' "$file"
	if grep -q 'static const char \*const devices\[\]' "$file"; then
		perl -0777 -i -pe '
			s{"null", "zero", "full", "random", "urandom", "tty",}
			 {"tty", "urandom", "random", "full", "zero", "null",}
				or die "reword: the /dev nodes are not where expected\n";
			s{(\{ "/proc/self/fd", "dev/fd" \},)\s*(.*?)(\{ "pts/ptmx", "dev/ptmx" \},)}
			 {$3 $2 $1}s
				or die "reword: the /dev links are not where expected\n";
			s{(\tmount_in_dev\("devpts"[^;]*;)\s*(\tmount_in_dev\("shm"[^;]*;)}
			 {$2\n$1}s
				or die "reword: the mounts in /dev are not where expected\n";
		' "$file"
	fi
done
