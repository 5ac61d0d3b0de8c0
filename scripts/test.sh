#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite (unit, integration, differential).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build -j"$(nproc)" --output-on-failure
