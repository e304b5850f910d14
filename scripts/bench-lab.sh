#!/usr/bin/env bash
# Times the lab's lifecycle against the real Docker engine:
#   up       from nothing (image present) until both servers accept SQL
#   restart  one server, until it accepts SQL again
#   reset    remove everything, restore files, until a fresh lab accepts SQL
#
# Usage: scripts/bench-lab.sh [ROUNDS]        (default 3)
# Environment: SQLCOURSE_BIN (default: target/debug/sqlcourse, built if missing),
#              SQLCOURSE_IMAGE (default: the lab's own image, with its offline fallback).
# Every round runs its own lab (SQLCOURSE_LAB_NAME=bench-<pid>-<round>) in a temporary home;
# only objects carrying that lab's label are removed at the end.
set -euo pipefail

ROUNDS="${1:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${SQLCOURSE_BIN:-$ROOT/target/debug/sqlcourse}"
[ -x "$BIN" ] || (cd "$ROOT" && cargo build --quiet)
"$ROOT/labs/image/build-offline.sh" 2>/dev/null || docker image inspect sqlcourse/mariadb:11.8-offline >/dev/null

WORK="$(mktemp -d /tmp/sqlcourse-bench.XXXXXX)"
LABS=()
cleanup() {
	local lab kind
	for lab in "${LABS[@]}"; do
		docker ps -aq --filter "label=io.sqlcourse.lab=$lab" | xargs -r docker rm -f >/dev/null
		for kind in network volume; do
			docker "$kind" ls -q --filter "label=io.sqlcourse.lab=$lab" | xargs -r docker "$kind" rm >/dev/null
		done
	done
	rm -rf "$WORK"
}
trap cleanup EXIT

# Seconds (3 decimals) one command takes; its output goes to the round's log.
timed() {
	local start end
	start=$(date +%s.%N)
	"$@" >>"$LOG" 2>&1 || { echo "failed: $* (see below)" >&2; cat "$LOG" >&2; exit 1; }
	end=$(date +%s.%N)
	awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"
printf '%-6s %8s %8s %8s\n' round up restart reset
UPS=() RESTARTS=() RESETS=()
for round in $(seq 1 "$ROUNDS"); do
	export SQLCOURSE_LAB_NAME="bench-$$-$round"
	export SQLCOURSE_HOME="$WORK/home-$round" XDG_DATA_HOME="$WORK/data-$round"
	LABS+=("$SQLCOURSE_LAB_NAME")
	LOG="$WORK/round-$round.log"
	up=$(timed "$BIN" day20 up)
	restart=$(timed "$BIN" day20 restart master)
	reset=$(timed "$BIN" day20 reset --yes)
	printf '%-6s %8s %8s %8s\n' "$round" "$up" "$restart" "$reset"
	UPS+=("$up") RESTARTS+=("$restart") RESETS+=("$reset")
	"$BIN" day20 down >>"$LOG" 2>&1
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-6s %8s %8s %8s   (targets: up <= 3, restart <= 2, reset <= 3 s)\n' median \
	"$(median "${UPS[@]}")" "$(median "${RESTARTS[@]}")" "$(median "${RESETS[@]}")"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
