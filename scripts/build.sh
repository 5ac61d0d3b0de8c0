#!/usr/bin/env bash
# Configures and builds aps and its tests (Release) into build/, or into $APS_BUILD_DIR.
# Extra arguments go to cmake, e.g. -DAPS_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(bash scripts/provision-pythons.sh)
dir=${APS_BUILD_DIR:-build}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DAPS_PYTHON_BIN_DIR="$bin" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
