#!/usr/bin/env bash
# bench.sh: `make bench`.  How long each stage takes to start `true` and
# wait for it, side by side with the tools people use instead: unshare(1)
# with the same namespaces, bwrap, and crun where installed.  A
# benchmark, never a test: it prints numbers and asserts nothing.
#
#   tests/bench.sh [RUNS]     (as root, from the repository; default 200)
#
# Medians come from hyperfine; peak memory (max RSS of the whole run,
# children included) from GNU time where installed.
set -u
cd "$(dirname "$0")/.." || exit 1
runs=${1:-200}
command -v hyperfine >/dev/null || { echo "bench: apt-get install hyperfine" >&2; exit 1; }

names=() commands=() skipped=()
# Measure NAME's COMMAND only if it runs here at all.
add() {
	local why
	if why=$(sh -c "$2" 2>&1 >/dev/null); then
		names+=("$1")
		commands+=("$2")
	else
		skipped+=("$1: does not run here: $(head -n 1 <<<"$why")")
	fi
}

for part in part-[0-9]; do
	add "$part" "$part/isolate true"
done
add "unshare -u" "unshare -u true"
add "unshare (all of part-4's)" "unshare -U -r -u -m -p -f -n -i -C true"
# tests/deps.sh bench installs bubblewrap: the row is always there, or
# says why not.
add "bwrap --unshare-all" "bwrap --unshare-all --ro-bind rootfs / --proc /proc --dev /dev /bin/true"
bundle=""
if command -v crun >/dev/null; then
	bundle=$(mktemp -d)
	(cd "$bundle" && crun spec --rootless >/dev/null)
	sed -i -e "s|\"path\": \"rootfs\"|\"path\": \"$PWD/rootfs\"|" \
		-e 's|"terminal": true|"terminal": false|' \
		-e 's|^\(\s*\)"sh"$|\1"true"|' "$bundle/config.json"
	add "crun run" "crun run -b $bundle isolate-bench"
fi
trap '[[ -n $bundle ]] && rm -rf "$bundle"' EXIT

json=$(mktemp)
args=()
for i in "${!names[@]}"; do args+=(-n "${names[i]}" "${commands[i]}"); done
hyperfine -N --warmup 10 --runs "$runs" --export-json "$json" "${args[@]}" >/dev/null 2>&1 ||
	hyperfine --warmup 10 --runs "$runs" --export-json "$json" "${args[@]}" >/dev/null

medians=$(grep -oE '"median": [0-9.e-]+' "$json" | awk '{printf "%.3f\n", $2 * 1000}')
rm -f "$json"
mapfile -t median <<<"$medians"
ref=${median[3]:-${median[0]}}	# part-4's, the full container

printf '%-28s %12s %10s %12s\n' "start-up of true" "median (ms)" "vs part-4" "peak RSS"
for i in "${!names[@]}"; do
	rss="-"
	if [[ -x /usr/bin/time ]]; then
		rss=$(/usr/bin/time -f '%M' sh -c "${commands[i]}" 2>&1 >/dev/null | tail -n 1)
		rss="${rss} KiB"
	fi
	ratio=$(awk -v a="${median[i]}" -v b="$ref" 'BEGIN { printf "%.2fx", a / b }')
	printf '%-28s %12s %10s %12s\n' "${names[i]}" "${median[i]}" "$ratio" "$rss"
done
for line in "${skipped[@]}"; do
	echo "(${line})"
done
