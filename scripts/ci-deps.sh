#!/usr/bin/env bash
# Installs what the tests need besides Rust: the Python packages of the day 20 application
# (its tests run the real app against real servers).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import sqlalchemy, pymysql' 2>/dev/null; then
  python3 -m pip install -r labs/day20/app/requirements.txt
fi
