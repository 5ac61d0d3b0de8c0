#!/usr/bin/env bash
# Regenerates docs/restaurant.svg: the await graph of the demo program, as `aps pstree --format dot`
# draws it, rendered by Graphviz. Run from the repository root after scripts/build.sh.
# The committed file's tooltips have their paths shortened, as the README's samples do:
# the checkout as /src/aps, the interpreter's files as /usr/lib/python3.14.
set -euo pipefail
bin=$HOME/.cache/aps/pythons/bin
[[ -x $bin/python3.14 ]] || bin=$(bash scripts/provision-pythons.sh)
python=$bin/python3.14
coproc demo { exec "$python" examples/restaurant.py; }
pid=$demo_PID
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT
read -r -t 20 ready <&"${demo[0]}"
./build/aps pstree --format dot "$pid" | dot -Tsvg > docs/restaurant.svg
