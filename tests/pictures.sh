#!/usr/bin/env bash
# pictures.sh: are the pages' pictures whole, and true to the code?
#
#   tests/pictures.sh [PAGE...]        (default: docs/*.md README.md)
#
# A picture is a ```mermaid block, which GitHub draws on the page (no
# build step for the reader).  Mermaid draws nothing but an error box
# for a line it cannot parse, and there is no Mermaid here to ask: so
# each block must keep to the small part of the language these pages
# use, which it checks line by line (below).
#
# A picture that draws code says which, in an HTML comment on the line
# before it (GitHub does not show it):
#
#   <!-- picture: FILE FUNCTION -->          the calls FUNCTION makes
#   <!-- picture: FILE ID=FUNCTION ... -->   those of each participant
#   <!-- picture: namespaces -->             each stage's clone flags
#
# and then the calls it names, `name(...)`, in order, must be exactly
# those that FUNCTION makes, in order (comments left out, and the calls
# that only report: die, hint, trace...).  So a step renamed, added,
# dropped or moved in the code fails the check until its picture shows
# it.  In a sequence diagram, participant ID's calls are those of the
# lines it sends from, and of the notes over it alone.  In the
# namespaces picture, a node "part-N<br/>own: NS..." must name the
# namespaces of part-N's clone flags (what make demo measures as NEW).
#
# It prints "PAGE:LINE: what is wrong", one a line; nothing if all is
# well.
set -u
cd "$(dirname "$0")/.." || exit 1
(($#)) || set -- docs/*.md README.md

perl -e '
use strict;
use warnings;

# The calls a picture does not show: reporting, formatting, keywords.
my %quiet = map { $_ => 1 } qw(die die_errno report report_errno hint exit_now
	trace userns_restriction inet_ntop inet_ntoa close htonl ntohl sizeof
	strlen snprintf if while for return switch __attribute__ aligned);
my $text = qr/[^;#"|]+/;	# what a label may hold
my $id = qr/[A-Za-z][A-Za-z0-9_]*/;

# The calls FUNCTION makes in FILE, in order.
sub calls {
	my ($file, $function) = @_;
	open my $in, "<", $file or return ("(no $file)");
	my $code = do { local $/; <$in> };
	$code =~ /^[a-z][^\n;]*\b\Q$function\E\(.*?\n\{\n(.*?)\n\}\n/ms
		or return ("(no $function() in $file)");
	my $body = $1;
	$body =~ s{/\*.*?\*/}{}gs;
	$body =~ s{//[^\n]*}{}g;
	$body =~ s{"(?:[^"\\]|\\.)*"}{""}g;
	$body =~ s/\bsyscall\(SYS_(\w+)/$1(/g;
	return grep { !$quiet{$_} } $body =~ /\b([a-z_][a-z0-9_]*)\s*\(/g;
}

# The namespaces FILE asks clone(2) for, in its flags, in this order.
sub clone_namespaces {
	my ($file) = @_;
	open my $in, "<", $file or return ("(no $file)");
	my $code = do { local $/; <$in> };
	my ($flags) = $code =~ /\bint flags = ([^;]*);/ or return ("(no flags in $file)");
	my %ns = (UTS => "uts", USER => "user", NS => "mnt", PID => "pid",
		NET => "net", IPC => "ipc", CGROUP => "cgroup", TIME => "time");
	my %asked = map { $ns{$_} => 1 } $flags =~ /CLONE_NEW([A-Z]+)/g;
	return grep { $asked{$_} } qw(uts user mnt pid net ipc cgroup time);
}

# The calls a label names: name(...), not a manual page such as read(2).
sub named { return $_[0] =~ /\b([a-z_][a-z0-9_]*)\((?![0-9]\))/g; }

my @problems;
sub problem { push @problems, "$_[0]:$_[1]: $_[2]"; }

for my $page (@ARGV) {
	open my $in, "<", $page or die "$page: $!";
	my @lines = <$in>;
	chomp @lines;
	for (my $i = 0; $i < @lines; $i++) {
		next unless $lines[$i] =~ /^```mermaid\s*$/;
		my $start = $i + 1;
		my ($spec) = ($i > 0 && $lines[$i - 1] =~ /^<!-- picture: (.*) -->$/);
		my @block;
		for ($i++; $i < @lines && $lines[$i] !~ /^```\s*$/; $i++) {
			push @block, [$i + 1, $lines[$i]];
		}
		my ($first, @rest) = @block;
		my (%declared, @used, %said, @open, @nodes);
		my $kind = !$first ? "" :
			$first->[1] =~ /^sequenceDiagram$/ ? "sequence" :
			$first->[1] =~ /^flowchart (LR|TD|TB|RL|BT)$/ ? "flowchart" : "";
		if (!$kind) {
			problem($page, $start, "a picture must start with sequenceDiagram or flowchart LR|TD");
			next;
		}
		for my $entry (@rest) {
			my ($n, $line) = @$entry;
			$line =~ s/^\s+|\s+$//g;
			next if $line eq "";
			my (@ids, $label, $owner);
			if ($line eq "end") {
				pop @open // problem($page, $n, "an end with nothing to end");
				next;
			}
			if ($kind eq "sequence") {
				if ($line =~ /^participant ($id) as ($text)$/) {
					$declared{$1} = 1;
					next;
				} elsif ($line =~ /^($id)--?>>($id): ($text)$/) {
					@ids = ($1, $2); $owner = $1; $label = $3;
				} elsif ($line =~ /^Note over ($id)(?:,($id))?: ($text)$/) {
					@ids = grep { defined } ($1, $2); $owner = defined $2 ? "" : $1; $label = $3;
				} elsif ($line =~ /^(loop|opt|alt) ($text)$/) {
					push @open, $1; $label = $2;
				} elsif ($line =~ /^else ($text)$/) {
					$label = $1;
				} else {
					problem($page, $n, "not a line these pictures use: $line");
					next;
				}
			} else {
				if ($line =~ /^subgraph ($id)\["($text)"\]$/) {
					$declared{$1} = 1; push @open, "subgraph"; $label = $2;
				} elsif ($line =~ /^direction (LR|TD|TB|RL|BT)$/) {
					next;
				} elsif ($line =~ /^($id)(?:\["($text)"\]|\(\["($text)"\]\))$/) {
					$declared{$1} = 1; $label = $2 // $3; push @nodes, $label;
				} elsif ($line =~ /^($id) (?:-->|---|<-->|-\.->)(?:\|($text)\|)? ($id)$/) {
					@ids = ($1, $3); $label = $2 // "";
				} else {
					problem($page, $n, "not a line these pictures use: $line");
					next;
				}
			}
			push @used, map { [$n, $_] } @ids;
			push @{$said{$owner // ""}}, named($label) if defined $label;
		}
		problem($page, $start, "not ended: @open") if @open;
		for my $use (@used) {
			problem($page, $use->[0], "$use->[1] is not declared") unless $declared{$use->[1]};
		}
		next unless defined $spec;
		if ($spec eq "namespaces") {
			# Each node "part-N<br/>own: NS..." names the namespaces
			# that part-N/isolate.c asks clone(2) for.
			for my $label (grep { /^part-[0-9]/ } @nodes) {
				my ($stage) = $label =~ /^(part-[0-9]+)/;
				my ($own) = $label =~ /own: ([a-z ]+)/;
				my @want = clone_namespaces("$stage/isolate.c");
				problem($page, $start, "draws $stage as owning: " . ($own // "") . "; its clone flags: @want")
					unless defined $own && $own eq "@want";
			}
			next;
		}
		my ($file, @drawn) = split " ", $spec;
		for my $what (@drawn) {
			my ($who, $function) = $what =~ /^(?:($id)=)?([a-z_][a-z0-9_]*)$/
				or do { problem($page, $start - 1, "not a picture spec: $what"); next };
			my @want = calls($file, $function);
			my @have = @{$said{$who // ""} // []};
			problem($page, $start, "draws $function() as: @have; $file has: @want")
				unless "@have" eq "@want";
		}
	}
}
print "$_\n" for @problems;
' "$@"
