#!/usr/bin/env bash
# The whole benchmark, on this machine with the offline image, in one report:
#   - first frame of the lesson screen              (scripts/bench-tui.sh)
#   - up from nothing, against the docker command line; restart; reset   (scripts/bench-lab.sh)
#   - one probe + grade round, p50 and p95, on a lab in full swing       (examples/grade_bench.rs)
#   - CPU and resident memory of the lesson screen idling 30 s with the lab running
#   - how soon a task turns green after the action that completes it  (scripts/bench-green.sh)
# then a table of figures against their targets, each met or missed, with the rounds.
#
# Usage: scripts/bench.sh [ROUNDS]     (lifecycle rounds, default 3)
# Builds the release binary once, into the usual target folder. Every lab it starts has a
# name of its own (bench-*) and only objects carrying that name's label are removed.
set -euo pipefail

ROUNDS="${1:-3}"
IDLE_SECONDS=30
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

echo "==> building the release binary"
cargo build --release --quiet --bin sqlcourse --example grade_bench
BIN="$ROOT/target/release/sqlcourse"
GRADE_BENCH="$ROOT/target/release/examples/grade_bench"
command -v tmux >/dev/null || { echo "tmux is needed for the idle measurement" >&2; exit 1; }

WORK="$(mktemp -d /tmp/sqlcourse-bench.XXXXXX)"
LAB="bench-idle-$$"
TMUX_SOCKET="sqlcourse-bench-$$"
# shellcheck source=scripts/remove-lab.sh
. "$ROOT/scripts/remove-lab.sh"
cleanup() {
	tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null || true
	remove_lab "$LAB"
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "==> machine"
MACHINE="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, Linux $(uname -r), Docker $(docker version --format '{{.Server.Version}}'), image $(docker image inspect --format '{{.Id}}' sqlcourse/mariadb:11.8-offline | cut -c8-19)"
echo "$MACHINE"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD), load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "==> lesson screen (scripts/bench-tui.sh)"
TUI_OUT="$WORK/tui.txt"
# The screen starts a lab of its own name and removes it afterwards.
scripts/bench-tui.sh "$BIN" | tee "$TUI_OUT"

echo "==> lab lifecycle (scripts/bench-lab.sh $ROUNDS)"
LAB_OUT="$WORK/lab.txt"
SQLCOURSE_BIN="$BIN" scripts/bench-lab.sh "$ROUNDS" | tee "$LAB_OUT"

echo "==> probe + grade rounds on a lab in full swing (examples/grade_bench.rs)"
export SQLCOURSE_LAB_NAME="$LAB" SQLCOURSE_HOME="$WORK/home" XDG_DATA_HOME="$WORK/data"
"$BIN" day20 up >/dev/null 2>"$WORK/up.log" || { cat "$WORK/up.log" >&2; exit 1; }
"$BIN" day20 solve >"$WORK/solve.log" 2>&1 || { cat "$WORK/solve.log" >&2; exit 1; }
GRADE_OUT="$WORK/grade.txt"
"$GRADE_BENCH" 200 >"$GRADE_OUT"
head -3 "$GRADE_OUT"

echo "==> green after the action (scripts/bench-green.sh $ROUNDS)"
GREEN_OUT="$WORK/green.txt"
scripts/bench-green.sh "$ROUNDS" "$BIN" | tee "$GREEN_OUT"

echo "==> lesson screen idle for $IDLE_SECONDS s with the lab running"
tmux -L "$TMUX_SOCKET" -f /dev/null new-session -d -s idle -x 120 -y 40 \
	-e "SQLCOURSE_LAB_NAME=$LAB" -e "SQLCOURSE_HOME=$SQLCOURSE_HOME" -e "XDG_DATA_HOME=$XDG_DATA_HOME" \
	"$BIN" day20
PID="$(tmux -L "$TMUX_SOCKET" display -p -t idle '#{pane_pid}')"
[ "$(cat "/proc/$PID/comm")" = sqlcourse ] || { echo "pane $PID is not sqlcourse itself" >&2; exit 1; }
for _ in $(seq 100); do
	tmux -L "$TMUX_SOCKET" capture-pane -p -t idle | grep -q 'Step 1/' && break
	sleep 0.05
done
tmux -L "$TMUX_SOCKET" capture-pane -p -t idle | grep -q 'Step 1/' || { echo "the lesson never showed" >&2; exit 1; }
sleep 3 # let it settle: re-attaching to the lab, the first grading round
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$PID/stat"; }
before=$(ticks)
sleep "$IDLE_SECONDS"
after=$(ticks)
RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status")
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$PID/status")
CPU_PERCENT=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v s="$IDLE_SECONDS" \
	'BEGIN { printf "%.2f", t / hz / s * 100 }')
tmux -L "$TMUX_SOCKET" send-keys -t idle q
echo "CPU $CPU_PERCENT % of a core, resident $((RSS_KB / 1024)) MB (peak $((HWM_KB / 1024)) MB)"

# The report: each figure against its target.
first_frame=$(sed -n 's/^first frame after spawn: *median *\([0-9.]*\) ms.*/\1/p' "$TUI_OUT")
read -r base up ratio restart reset < <(awk '$1 == "median" { print $2, $3, $4, $5, $6 }' "$LAB_OUT")
read -r p50 p95 < <(sed -n 's/.*p50 \([0-9.]*\) ms, p95 \([0-9.]*\) ms.*/\1 \2/p' "$GRADE_OUT")
grade_cpu=$(sed -n 's/^CPU per round: .* takes \([0-9.]*\) % of a core/\1/p' "$GRADE_OUT")
green_console=$(sed -n 's/^median console statement -> ✓ \([0-9]*\) ms/\1/p' "$GREEN_OUT")
green_restart=$(sed -n 's/^median restart done -> ✓ \([0-9]*\) ms/\1/p' "$GREEN_OUT")
green_key=$(sed -n 's/^median restart key -> ✓ \([0-9]*\) ms/\1/p' "$GREEN_OUT")
rss_mb=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "met" : "MISSED") }'; }
# One column of bench-lab.sh's rounds (2 baseline, 3 up, 5 restart, 6 reset).
rounds() { awk -v c="$1" '$1 ~ /^[0-9]+$/ { printf "%s%s", sep, $c; sep = " " }' "$LAB_OUT"; }
echo
echo "machine: $MACHINE"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| measure | result | target | |"
echo "| --- | --- | --- | --- |"
echo "| first frame of the lesson screen (median of 10) | $first_frame ms | <= 20 ms | $(verdict "$first_frame" 20) |"
echo "| \`up\` from nothing to both servers ready (median of $ROUNDS) | $up s | | |"
echo "| same with the docker command line + wait loop (baseline) | $base s | | |"
echo "| \`up\` / baseline | $ratio | <= 0.5 | $(verdict "$ratio" 0.5) |"
echo "| \`reset\` (median of $ROUNDS) | $reset s | <= 1.5 s | $(verdict "$reset" 1.5) |"
echo "| \`restart master\` (median of $ROUNDS) | $restart s | <= 0.6 s | $(verdict "$restart" 0.6) |"
echo "| console statement -> task's ✓ drawn (median of $ROUNDS) | $green_console ms | <= 500 ms | $(verdict "$green_console" 500) |"
echo "| restart done -> task's ✓ drawn (median of $ROUNDS) | $green_restart ms | <= 500 ms | $(verdict "$green_restart" 500) |"
echo "| key r -> task's ✓ drawn, restart included (median of $ROUNDS) | $green_key ms | | |"
echo "| probe + grade round, p50 (200 rounds) | $p50 ms | | |"
echo "| probe + grade round, p95 (200 rounds) | $p95 ms | <= 30 ms | $(verdict "$p95" 30) |"
echo "| one probe + grade round a second: client CPU | $grade_cpu % of a core | | |"
echo "| lesson screen idle $IDLE_SECONDS s, lab running: CPU | $CPU_PERCENT % of a core | <= 1 % | $(verdict "$CPU_PERCENT" 1) |"
echo "| lesson screen idle $IDLE_SECONDS s, lab running: resident memory | $rss_mb MB | <= 50 MB | $(verdict "$rss_mb" 50) |"
echo
echo "rounds (s): baseline $(rounds 2); up $(rounds 3); restart $(rounds 5); reset $(rounds 6)"
sed -n 's/^rounds (ms): /rounds (ms): /p' "$GREEN_OUT"
