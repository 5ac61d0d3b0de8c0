#!/usr/bin/env bash
# Installs what is needed, builds aps, starts the restaurant demo on Python 3.14 and shows
# `aps ps` and `aps pstree` on it. The demo process is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh >/dev/null
python=$(bash scripts/provision-pythons.sh)/python${APS_DEMO_PYTHON:-3.14}

coproc demo { exec "$python" examples/restaurant.py; }
pid=$demo_PID
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
read -r -t 20 ready <&"${demo[0]}" || { echo "demo: the example did not start" >&2; exit 1; }

echo "\$ aps ps $pid    # $("$python" -V) running examples/restaurant.py"
./build/aps ps "$pid"
echo
echo "\$ aps pstree $pid"
./build/aps pstree "$pid"
