#!/usr/bin/env bash
# Line coverage of src/read and src/model by the unit tests plus every fuzz corpus, with clang's
# source-based coverage: builds build-cov (-fprofile-instr-generate -fcoverage-mapping; the fuzz
# targets as replay executables, APS_FUZZ_ENGINE=OFF), runs build-cov/tests/aps_unit_tests,
# replays tests/fuzz/corpus/<target> with each target's replay executable, and prints llvm-cov's
# per-file report for src/read and src/model (docs/fuzzing.md keeps the last table).
#   scripts/coverage.sh            build, run, report
#   scripts/coverage.sh --report   report again from the last run's profiles
#   scripts/coverage.sh --markdown the last run's line coverage per file, as docs/fuzzing.md's table
#   scripts/coverage.sh --show FILE   the lines of FILE (e.g. src/read/core_file.cpp) with their
#                                     counts; uncovered lines are marked 0
# Environment: APS_COVERAGE_GTEST_FILTER limits the unit tests (a gtest filter; default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-cov
profiles="$build/profiles"
major=$(clang --version | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -1)
profdata=$(command -v "llvm-profdata-$major" || command -v llvm-profdata)
llvmcov=$(command -v "llvm-cov-$major" || command -v llvm-cov)
targets=(walker elf core options macho offsets maps)

objects() {
    echo "$build/tests/aps_unit_tests"
    for t in "${targets[@]}"; do echo "-object=$build/tests/fuzz/${t}_fuzz_replay"; done
}

report() {
    # shellcheck disable=SC2046
    "$llvmcov" report $(objects) -instr-profile="$build/coverage.profdata" \
        "$PWD/src/read" "$PWD/src/model" | sed "s|$PWD/||"
}

# llvm-cov's columns: name, regions (3), functions (3), lines (count, missed, cover), branches.
markdown() {
    echo "| file | lines | missed | line coverage |"
    echo "| --- | ---: | ---: | ---: |"
    report | awk '$1 ~ /^(src\/)?(read|model)\// {
        sub(/^src\//, "", $1); printf "| `src/%s` | %s | %s | %s |\n", $1, $8, $9, $10 }' | sort
    report | awk '$1 == "TOTAL" { printf "| **total** | %s | %s | %s |\n", $8, $9, $10 }'
}

case "${1:-}" in
    --report)
        report
        exit 0
        ;;
    --markdown)
        markdown
        exit 0
        ;;
    --show)
        # shellcheck disable=SC2046
        "$llvmcov" show $(objects) -instr-profile="$build/coverage.profdata" \
            -show-line-counts "$PWD/${2:?--show needs a file}"
        exit 0
        ;;
esac

flags="-O1 -g -fprofile-instr-generate -fcoverage-mapping"
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_FLAGS="$flags" \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" \
    -DAPS_BUILD_TESTS=ON -DAPS_FUZZ=ON -DAPS_FUZZ_ENGINE=OFF >/dev/null
build_targets=(aps_unit_tests)
for t in "${targets[@]}"; do build_targets+=("${t}_fuzz_replay"); done
cmake --build "$build" -j"$(nproc)" --target "${build_targets[@]}"

rm -rf "$profiles"
mkdir -p "$profiles"
echo "== unit tests"
LLVM_PROFILE_FILE="$PWD/$profiles/unit-%p.profraw" "$build/tests/aps_unit_tests" \
    --gtest_brief=1 --gtest_filter="${APS_COVERAGE_GTEST_FILTER:-*}" ||
    echo "coverage: some unit tests failed (the figures below still count what ran)" >&2
for t in "${targets[@]}"; do
    echo "== corpus $t"
    LLVM_PROFILE_FILE="$PWD/$profiles/$t-%p.profraw" "$build/tests/fuzz/${t}_fuzz_replay" \
        "tests/fuzz/corpus/$t"
done
"$profdata" merge -sparse "$profiles"/*.profraw -o "$build/coverage.profdata"
report
