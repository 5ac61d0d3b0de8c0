#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite: the fuzzers for a fixed budget,
# the tests under AddressSanitizer + UndefinedBehaviorSanitizer (all but the scale tests, the
# target-variant repeats and the tests of 3.14 targets), then every test on the Release build
# (unit, integration, differential, scale).
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
# The unit tests in one process (a sanitized process per test costs more to start than to run).
build-asan/tests/aps_unit_tests --gtest_brief=1
# The -dbg/-nopie, embedded and container variants exercise the same aps code paths as the plain
# interpreters (they differ in how the target is built or where it lives), and every test of a
# 3.14 target reads it with the code that reads 3.15 ones, only through the other version's
# offsets and knowledge (the unit tests walk both versions' layouts under the sanitizers, the
# fuzzers both versions' images): Release build only.
ctest --test-dir build-asan -j"$jobs" --output-on-failure -LE 'scale|unit' \
    -E '\.3\.14|\.3\.15-(dbg|nopie)\.|^embed\.|^container\.'

echo "== release build: the whole suite"
# The static binary (-DAPS_STATIC=ON), the one users copy into containers: the suite runs once,
# against it (and chroot.* checks it alone in an empty root); the ASan build above stays dynamic.
bash scripts/build.sh -DAPS_STATIC=ON >/dev/null
ctest --test-dir build -j"$jobs" --output-on-failure
