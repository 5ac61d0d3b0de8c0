#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite: the fuzzer for a fixed budget,
# the tests under AddressSanitizer + UndefinedBehaviorSanitizer (all but the scale tests and the
# target-variant repeats), then every test on the Release build (unit, integration, differential,
# scale).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
bash scripts/install-deps.sh

echo "== fuzz: every parser of outside bytes, from the checked-in corpora (fixed seed)"
bash scripts/fuzz.sh "${APS_FUZZ_SECONDS:-90}" 1

echo "== sanitizers: ASan + UBSan build of the whole suite"
# -O1 without debug info: the sanitizers stay exact and the build takes half the time. The scale
# tests (100,000 tasks) run on the Release build only.
APS_BUILD_DIR=build-asan bash scripts/build.sh -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 \
    -DAPS_SANITIZE=ON >/dev/null
# The -dbg/-nopie, embedded and container variants exercise the same aps code paths as the plain
# interpreters (they differ in how the target is built or where it lives): Release build only.
ctest --test-dir build-asan -j"$jobs" --output-on-failure -LE scale \
    -E '\.3\.1[45]-(dbg|nopie)\.|^embed\.|^container\.'

echo "== release build: the whole suite"
bash scripts/build.sh >/dev/null
ctest --test-dir build -j"$jobs" --output-on-failure
