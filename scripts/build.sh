#!/usr/bin/env bash
# Configures and builds aps and its tests into build/ (Release). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(bash scripts/provision-pythons.sh)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DAPS_PYTHON_BIN_DIR="$bin" "$@" >/dev/null
cmake --build build -j"$(nproc)"
