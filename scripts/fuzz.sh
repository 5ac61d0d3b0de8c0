#!/usr/bin/env bash
# Fuzzes the walker and the renderers for a fixed time budget (CI):
#   scripts/fuzz.sh [SECONDS] [SEED] [WORKERS] [RUNS]
# Configures a clang build in build-fuzz, builds tests/fuzz/walker_fuzz, replays the checked-in
# corpus, then fuzzes with a fixed seed. WORKERS (default 1) processes run side by side with
# seeds SEED, SEED+1, ... over one shared corpus; RUNS (default: no cap) stops each worker after
# that many executions; APS_FUZZ_TIMEOUT (default 10) is the seconds one execution may take
# before it counts as a hang (raise it for a long run that shares a busy machine). Exits non-zero on any finding (crash, hang, leak, an allocation over the
# limit); the input that caused it is left in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-120}"
seed="${2:-1}"
workers="${3:-1}"
runs="${4:--1}"
timeout="${APS_FUZZ_TIMEOUT:-10}"
build=build-fuzz

CC=clang CXX=clang++ cmake -S . -B "$build" -DAPS_FUZZ=ON -DAPS_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target walker_fuzz walker_fuzz_replay

fuzzer="$build/tests/fuzz/walker_fuzz"
"$build/tests/fuzz/walker_fuzz_replay" tests/fuzz/corpus

# A scratch corpus seeded from the checked-in one, so runs stay reproducible for a given seed
# (with one worker: several share the corpus and so see each other's finds in their own time).
work="$build/fuzz-corpus"
artifacts="$build/artifacts"
rm -rf "$work" "$artifacts" "$build"/fuzz-*.log
mkdir -p "$work" "$artifacts"

# -entropic=0: the entropic schedule's per-execution feature bookkeeping took a quarter to a
# third of the CPU here, and equal execution counts reached the same coverage without it.
run_worker() {
    "$fuzzer" -seed="$1" -runs="$runs" -max_total_time="$seconds" -print_final_stats=1 \
        -entropic=0 -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout="$timeout" -detect_leaks=1 \
        -artifact_prefix="$artifacts/" "$work" tests/fuzz/corpus
}

quiet='^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)|NEW_FUNC|^"|Uses: '
status=0
if [[ "$workers" -le 1 ]]; then
    set +e
    run_worker "$seed" 2>&1 | tee "$build/fuzz-0.log" | grep --line-buffered -vE "$quiet"
    status="${PIPESTATUS[0]}"
    set -e
else
    pids=()
    for ((i = 0; i < workers; ++i)); do
        run_worker "$((seed + i))" >"$build/fuzz-$i.log" 2>&1 &
        pids+=("$!")
    done
    for i in "${!pids[@]}"; do
        if ! wait "${pids[$i]}"; then
            status=1
            grep -vE "$quiet" "$build/fuzz-$i.log" >&2
        fi
    done
fi

total=0
for log in "$build"/fuzz-*.log; do
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    total=$((total + ${n:-0}))
done
echo "fuzz: $total executions in ${seconds}s or less, $workers worker(s) from seed $seed"
if [[ "$status" -ne 0 ]]; then
    echo "fuzz: FAILED (exit $status); reproducer in $artifacts/:" >&2
    ls -1 "$artifacts" >&2
    exit 1
fi
