#!/usr/bin/env bash
# Runs the whole test suite: unit tests and the real-Docker end-to-end tests.
# Builds what the tests need first: the offline MariaDB image the tests run (the build script
# returns at once when it is there), the Python packages of the lab's application, and tmux.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! docker image inspect sqlcourse/mariadb:11.8-offline >/dev/null 2>&1; then
  echo "==> building the offline MariaDB image (a minute or two)"
  labs/image/build-offline.sh
fi

if ! python3 -c 'import sqlalchemy, pymysql' 2>/dev/null; then
  echo "==> installing the application's Python packages"
  python3 -m pip install --quiet -r labs/day20/app/requirements.txt
fi

if ! command -v tmux >/dev/null 2>&1; then
  echo "==> installing tmux (the lesson screen's fault tests run it)"
  apt-get install -y -qq tmux >/dev/null || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; }
fi

echo "==> cargo test"
cargo test --locked "$@"
