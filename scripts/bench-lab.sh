#!/usr/bin/env bash
# Times the lab's lifecycle against the real Docker engine:
#   baseline what a user would do by hand: the same image, a network and two containers
#            started with the `docker` command line, then a loop until both answer SQL
#   up       from nothing (image present) until both servers accept SQL
#   restart  one server, until it accepts SQL again
#   reset    remove everything, restore files, until a fresh lab accepts SQL
# Each round runs the baseline right before `up`, so both meet the same load.
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
# shellcheck source=scripts/remove-lab.sh
. "$ROOT/scripts/remove-lab.sh"
cleanup() {
	local lab
	for lab in "${LABS[@]}"; do
		remove_lab "$lab"
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

# The baseline: the lab's image, a network, two containers, and a wait-until-ready loop.
baseline() {
	local name="bench-base-$$-$round" server
	docker network create --label "io.sqlcourse.lab=$name" "$name"
	for server in master slave; do
		docker run -d --name "$name-$server" --label "io.sqlcourse.lab=$name" \
			--network "$name" --network-alias "$server" -p 127.0.0.1::3306 \
			-e MARIADB_ROOT_PASSWORD=bench-pw "$IMAGE"
	done
	for server in master slave; do
		until docker exec "$name-$server" mariadb -uroot -pbench-pw -e 'SELECT 1' >/dev/null 2>&1; do
			sleep 0.1
		done
	done
}
IMAGE="${SQLCOURSE_IMAGE:-sqlcourse/mariadb:11.8-offline}"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)   cores: $(nproc)"
# The course makes its initialised data directory once per image and seed, at the first
# fresh lab; this one is not timed, so the rounds measure what every later lab costs.
export SQLCOURSE_LAB_NAME="bench-$$-warm" SQLCOURSE_HOME="$WORK/home-warm" XDG_DATA_HOME="$WORK/data-warm"
LABS+=("$SQLCOURSE_LAB_NAME")
LOG="$WORK/warm.log"
warm=$(timed "$BIN" day20 up)
echo "first up of this run (makes the initialised data directory if it is missing): $warm s"
"$BIN" day20 down >>"$LOG" 2>&1
printf '%-6s %8s %8s %7s %8s %8s\n' round baseline up ratio restart reset
BASES=() UPS=() RESTARTS=() RESETS=()
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
for round in $(seq 1 "$ROUNDS"); do
	export SQLCOURSE_LAB_NAME="bench-$$-$round"
	export SQLCOURSE_HOME="$WORK/home-$round" XDG_DATA_HOME="$WORK/data-$round"
	# Listed here, not in `baseline`: that runs in a subshell.
	LABS+=("$SQLCOURSE_LAB_NAME" "bench-base-$$-$round")
	LOG="$WORK/round-$round.log"
	base=$(timed baseline)
	# Gone before `up`, so the two never share the machine.
	docker ps -aq --filter "label=io.sqlcourse.lab=bench-base-$$-$round" | xargs -r docker rm -fv >/dev/null
	docker network rm "bench-base-$$-$round" >/dev/null
	up=$(timed "$BIN" day20 up)
	restart=$(timed "$BIN" day20 restart master)
	reset=$(timed "$BIN" day20 reset --yes)
	printf '%-6s %8s %8s %7s %8s %8s\n' "$round" "$base" "$up" "$(ratio "$up" "$base")" "$restart" "$reset"
	BASES+=("$base") UPS+=("$up") RESTARTS+=("$restart") RESETS+=("$reset")
	"$BIN" day20 down >>"$LOG" 2>&1
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-6s %8s %8s %7s %8s %8s   (targets: up <= 0.5 x baseline, restart <= 0.6 s, reset <= 1.5 s)\n' \
	median "$(median "${BASES[@]}")" "$(median "${UPS[@]}")" \
	"$(ratio "$(median "${UPS[@]}")" "$(median "${BASES[@]}")")" \
	"$(median "${RESTARTS[@]}")" "$(median "${RESETS[@]}")"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
