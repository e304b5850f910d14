#!/usr/bin/env bash
# Times how soon a task turns green on the lesson screen after the action that completes it,
# as a learner sees it: the screen runs in tmux (160x60, the tasks of both steps in view) and its pane is read every 10 ms.
#   console   Enter on the statements that create the replication account -> its task's ✓
#   restart   key r on the master, its config file already fixed -> master-config's ✓,
#             timed from the key and from the notice that the restart is done
# Between rounds the task is undone from outside the screen (the screen's 1 s poll sees it).
# Usage: scripts/bench-green.sh [ROUNDS] [BINARY]   (defaults: 5, target/debug/sqlcourse)
# The screen runs a lab of its own (bench-green-<pid>), removed by its label at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-5}"
BIN="$(realpath "${2:-target/debug/sqlcourse}")"
[ -x "$BIN" ] || cargo build --quiet
command -v tmux >/dev/null || { echo "tmux is needed" >&2; exit 1; }

WORK="$(mktemp -d /tmp/sqlcourse-bench.XXXXXX)"
LAB="bench-green-$$"
SOCKET="sqlcourse-green-$$"
# shellcheck source=scripts/remove-lab.sh
. scripts/remove-lab.sh
cleanup() {
	tmux -L "$SOCKET" kill-server 2>/dev/null || true
	remove_lab "$LAB"
	rm -rf "$WORK"
}
trap cleanup EXIT
export SQLCOURSE_LAB_NAME="$LAB" SQLCOURSE_HOME="$WORK/home" XDG_DATA_HOME="$WORK/data"
"$BIN" day20 up >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; exit 1; }
"$BIN" day20 solve slave-config >"$WORK/solve.log" 2>&1 || { cat "$WORK/solve.log" >&2; exit 1; }
tmux -L "$SOCKET" -f /dev/null new-session -d -s green -x 160 -y 60 \
	-e "SQLCOURSE_LAB_NAME=$LAB" -e "SQLCOURSE_HOME=$SQLCOURSE_HOME" -e "XDG_DATA_HOME=$XDG_DATA_HOME" \
	"$BIN" day20

BIN="$BIN" SOCKET="$SOCKET" ROUNDS="$ROUNDS" CONFIG="$SQLCOURSE_HOME/day20/master/my.cnf" python3 - <<'PY'
import os, statistics, subprocess, sys, time

BIN, SOCKET, ROUNDS, CONFIG = os.environ["BIN"], os.environ["SOCKET"], int(os.environ["ROUNDS"]), os.environ["CONFIG"]


def tmux(*args):
    return subprocess.run(["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True).stdout


def screen():
    return tmux("capture-pane", "-p", "-t", "green")


def keys(*words, literal=False):
    tmux("send-keys", "-t", "green", *(["-l"] if literal else []), *words)


def until(test, timeout=20.0, what="the screen"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = screen()
        if test(text):
            return time.monotonic()
        time.sleep(0.01)
    sys.exit(f"timed out waiting for {what}:\n{screen()}")


# Where the tasks pane has no room for ids it shows titles alone: either names the task.
TITLES = {"replication-user": "Create a replication account", "master-config": "Configure the master: server-id"}


def names(task, line):
    return task in line or TITLES[task] in line


def done(task):
    return lambda text: any(names(task, line) and "✓" in line for line in text.splitlines())


def shown(task):
    return lambda text: any(names(task, line) for line in text.splitlines())


def course(*args):
    subprocess.run([BIN, "day20", *args], check=True, capture_output=True)


until(lambda t: "Step " in t, what="the lesson")
# The tasks of step 4 (the account) and 3 (the master's config) in view.
for _ in range(12):
    if "Step 4/" in screen():
        break
    keys("n" if "Step 1/" in screen() or "Step 2/" in screen() or "Step 3/" in screen() else "b")
    time.sleep(0.3)
until(shown("replication-user"), what="the replication-user task")
until(done("master-config"), what="master-config done (solved before)")

console, restart_key, restart_done = [], [], []
SQL = "CREATE USER 'repl'@'%' IDENTIFIED BY 'bench-pw'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';"
with open(CONFIG) as f:
    fixed = f.read()
for _ in range(ROUNDS):
    # Console: the account's statements.
    # solve made the lesson's own account too: neither may be left.
    course("sql", "master", "-e", "DROP USER IF EXISTS 'repl'@'%', 'replica'@'%'")
    until(lambda t: not done("replication-user")(t), what="replication-user pending again")
    time.sleep(0.2)
    keys("c")
    time.sleep(0.3)
    # tmux takes a word's last `;` as its own separator unless escaped.
    keys(SQL[:-1] + "\\;", literal=True)
    time.sleep(0.2)
    pressed = time.monotonic()
    keys("Enter")
    console.append(until(done("replication-user"), what="replication-user ✓") - pressed)
    keys("Escape")
    time.sleep(0.3)
    # Restart: break the file from outside, then fix it and press r on the screen.
    with open(CONFIG, "w") as f:
        f.write(fixed.replace("log-bin", "# log-bin"))
    course("restart", "master")
    until(lambda t: not done("master-config")(t), what="master-config undone")
    with open(CONFIG, "w") as f:
        f.write(fixed)
    time.sleep(1.5)
    pressed = time.monotonic()
    keys("r")
    restarted = until(lambda t: "restarted with its config" in t, what="the restart's notice")
    green = until(done("master-config"), what="master-config ✓")
    restart_key.append(green - pressed)
    restart_done.append(green - restarted)
    time.sleep(0.5)

keys("q")
ms = lambda xs: " ".join(f"{x * 1000:.0f}" for x in xs)
med = lambda xs: statistics.median(xs) * 1000
print(f"rounds (ms): console {ms(console)}; restart key {ms(restart_key)}; after the restart {ms(restart_done)}")
print(f"median console statement -> ✓ {med(console):.0f} ms")
print(f"median restart done -> ✓ {med(restart_done):.0f} ms")
print(f"median restart key -> ✓ {med(restart_key):.0f} ms")
PY
