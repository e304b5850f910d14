#!/usr/bin/env bash
# Measures the lesson screen as a learner starts it, in a pseudo-terminal of 120x40:
#   - time from spawning `sqlcourse day20` to its first frame (the lesson title) on screen;
#   - time from pressing `n` to the end of the redrawn frame (ratatui draws only changed
#     cells, then hides the cursor: that sequence marks the frame's end);
#   - CPU time the process uses while idle for 10 seconds (from /proc/PID/stat).
# Usage: scripts/bench-tui.sh [BINARY]   (default: target/debug/sqlcourse, built if missing)
# Set SQLCOURSE_CONTENT=DIR to measure another copy of the course.
set -euo pipefail
cd "$(dirname "$0")/.."
binary="${1:-target/debug/sqlcourse}"
if [[ ! -x "$binary" ]]; then
    cargo build --quiet
fi
home="$(mktemp -d)"
# The screen starts its lab in the background: a lab of its own, removed by its label at the end.
lab="bench-tui-$$"
# shellcheck source=scripts/remove-lab.sh
. scripts/remove-lab.sh
cleanup() {
  remove_lab "$lab"
  rm -rf "$home"
}
trap cleanup EXIT

SQLCOURSE_HOME="$home" XDG_DATA_HOME="$home/data" SQLCOURSE_LAB_NAME="$lab" python3 - "$binary" <<'PY'
import fcntl, os, pty, select, statistics, struct, sys, termios, time

binary = sys.argv[1]
ROWS, COLS = 40, 120
RUNS = 10
IDLE_SECONDS = 10
FRAME_END = b"\x1b[?25l"


def spawn():
    start = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(binary, [binary, "day20"])
    return pid, fd, start


def read_until(fd, needle, timeout=5.0):
    """Reads the terminal's output until `needle` shows up; returns when it did."""
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SystemExit(f"no {needle!r} on screen within {timeout}s; got {seen[-300:]!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            seen += os.read(fd, 65536)
    return time.monotonic()


def drain(fd, seconds):
    """Keeps reading (so the program never blocks on output) for a while."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            os.read(fd, 65536)


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, all threads


def quit(pid, fd):
    os.write(fd, b"q")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status)


first_frame, next_step = [], []
for run in range(RUNS):
    pid, fd, start = spawn()
    # Each run resumes at the step the last one left: any step title is the first frame.
    first_frame.append((read_until(fd, "Step ".encode()) - start) * 1000)
    drain(fd, 0.2)
    pressed = time.monotonic()
    # A run resumes where the last one left: go forth and back, never past the last step.
    os.write(fd, b"n" if run % 2 == 0 else b"b")
    next_step.append((read_until(fd, FRAME_END) - pressed) * 1000)
    if run < RUNS - 1:
        code = quit(pid, fd)
        assert code == 0, f"exit code {code}"

drain(fd, 1.0)
before = cpu_ticks(pid)
drain(fd, IDLE_SECONDS)
idle_ticks = cpu_ticks(pid) - before
code = quit(pid, fd)
assert code == 0, f"exit code {code}"

tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
fmt = lambda xs: f"median {statistics.median(xs):6.1f} ms, min {min(xs):6.1f}, max {max(xs):6.1f}"
print(f"binary: {binary}, terminal {COLS}x{ROWS}, {RUNS} runs")
print(f"first frame after spawn:  {fmt(first_frame)}")
print(f"key n / b to step drawn: {fmt(next_step)}")
print(f"CPU while idle for {IDLE_SECONDS} s: {idle_ticks} ticks = {idle_ticks * tick_ms:.0f} ms")
PY
