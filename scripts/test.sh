#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite: the fuzzers for a fixed budget,
# the tests under AddressSanitizer + UndefinedBehaviorSanitizer (all but the scale tests, the
# target-variant repeats and the 3.14 differential tests), then every test on the Release build
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
# interpreters (they differ in how the target is built or where it lives), and the differential,
# dump and blocked-loop tests read 3.14 targets with the code that reads 3.15 ones (the unit tests
# walk both versions' layouts under the sanitizers): Release build only.
ctest --test-dir build-asan -j"$jobs" --output-on-failure -LE 'scale|unit' \
    -E '\.3\.1[45]-(dbg|nopie)\.|^embed\.|^container\.|^(diff|dump|blocked)\.3\.14\.'

echo "== release build: the whole suite"
# The static binary (-DAPS_STATIC=ON), the one users copy into containers: the suite runs once,
# against it (and chroot.* checks it alone in an empty root); the ASan build above stays dynamic.
bash scripts/build.sh -DAPS_STATIC=ON >/dev/null
ctest --test-dir build -j"$jobs" --output-on-failure
