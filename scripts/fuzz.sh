#!/usr/bin/env bash
# Fuzzes aps's parsers of outside bytes with libFuzzer (targets: tests/fuzz/CMakeLists.txt; what
# each feeds: docs/fuzzing.md). Configures a clang build in build-fuzz, builds, replays the
# checked-in corpora (CTest: one test per target), then fuzzes from them with a fixed seed.
#
#   scripts/fuzz.sh [SECONDS] [SEED] [WORKERS] [RUNS]
#       every target, SECONDS (default 120) split between them by the shares below (CI)
#   scripts/fuzz.sh --target NAME [SECONDS] [SEED] [WORKERS] [RUNS]
#       one target for SECONDS
#   scripts/fuzz.sh --merge NAME [SECONDS] [SEED] [RUNS]
#       a long run of one target (one worker; stops after SECONDS or RUNS executions); the inputs
#       it finds that add coverage are merged into tests/fuzz/corpus/NAME (-merge=1), and the run
#       is appended to tests/fuzz/runs.tsv: commit them both
#   scripts/fuzz.sh --minimize NAME
#       rewrites tests/fuzz/corpus/NAME as its seeds (seed-*) and the fewest other inputs that
#       keep its coverage
#
# WORKERS (default 1) processes run side by side with seeds SEED, SEED+1, ... over one scratch
# corpus; RUNS (default: no cap) stops each worker after that many executions. APS_FUZZ_TIMEOUT
# (default 10) is the seconds one execution may take before it counts as a hang (raise it for a
# long run on a busy machine). Exits non-zero on any finding (crash, hang, leak, an allocation over
# the limit); the input that caused it is left in build-fuzz/artifacts/NAME/.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(walker elf core options macho offsets maps debug_file)
# Shares of the budget when every target runs: the walker and the file parsers go deepest.
declare -A share=([walker]=3 [elf]=2 [core]=2 [options]=2 [macho]=1 [offsets]=1 [maps]=1
    [debug_file]=1)

mode=all
name=""
case "${1:-}" in
    --target | --merge | --minimize)
        mode="${1#--}"
        name="${2:?$1 needs a target name: ${targets[*]}}"
        [[ -n "${share[$name]:-}" ]] || { echo "fuzz: no target '$name' (${targets[*]})" >&2; exit 2; }
        shift 2
        ;;
esac
seconds="${1:-120}"
seed="${2:-1}"
if [[ "$mode" == merge ]]; then
    workers=1
    runs="${3:--1}"
else
    workers="${3:-1}"
    runs="${4:--1}"
fi
timeout="${APS_FUZZ_TIMEOUT:-10}"
build=build-fuzz
corpus=tests/fuzz/corpus

CC=clang CXX=clang++ cmake -S . -B "$build" -DAPS_FUZZ=ON -DAPS_FUZZ_ENGINE=ON \
    -DAPS_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
if [[ "$mode" == all ]]; then
    build_targets=()
    for t in "${targets[@]}"; do build_targets+=("${t}_fuzz" "${t}_fuzz_replay"); done
    cmake --build "$build" -j"$(nproc)" --target "${build_targets[@]}"
    ctest --test-dir "$build" --output-on-failure -R '^fuzz_corpus\.'
else
    cmake --build "$build" -j"$(nproc)" --target "${name}_fuzz" "${name}_fuzz_replay"
    ctest --test-dir "$build" --output-on-failure -R "^fuzz_corpus\.${name}\$"
fi

fuzzer_of() { echo "$build/tests/fuzz/$1_fuzz"; }

if [[ "$mode" == minimize ]]; then
    # The seeds stay, under their names; of the rest, what adds coverage to them.
    fresh="$build/minimized-$name"
    rm -rf "$fresh"
    mkdir -p "$fresh"
    cp "$corpus/$name"/seed-* "$fresh"/ 2>/dev/null || true
    "$(fuzzer_of "$name")" -merge=1 "$fresh" "$corpus/$name" 2>&1 | grep -E '^MERGE-OUTER' || true
    rm -f "$corpus/$name"/*
    cp "$fresh"/* "$corpus/$name"/
    echo "fuzz: $name corpus minimized to $(ls "$corpus/$name" | wc -l) inputs"
    exit 0
fi

# -entropic=0: the entropic schedule's per-execution feature bookkeeping took a quarter to a
# third of the CPU for the walker, and equal execution counts reached the same coverage without it.
# Arguments: target, seed, seconds, scratch corpus, artifacts folder.
run_worker() {
    "$(fuzzer_of "$1")" -seed="$2" -runs="$runs" -max_total_time="$3" -print_final_stats=1 \
        -entropic=0 -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout="$timeout" -detect_leaks=1 \
        -artifact_prefix="$5/" "$4" "$corpus/$1"
}

quiet='^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)|NEW_FUNC|^"|Uses: |^INFO: |^MERGE-'

# Fuzzes one target for `seconds`; prints its executions. Returns non-zero on a finding.
fuzz_target() {
    local target="$1" seconds="$2" work="$build/fuzz-corpus/$1" artifacts="$build/artifacts/$1"
    local logs="$build/logs/$1" status=0
    # A scratch corpus seeded from the checked-in one, so runs stay reproducible for a given seed
    # (with one worker: several share the corpus and so see each other's finds in their own time).
    rm -rf "$work" "$artifacts" "$logs"
    mkdir -p "$work" "$artifacts" "$logs"
    if [[ "$workers" -le 1 ]]; then
        set +e
        run_worker "$target" "$seed" "$seconds" "$work" "$artifacts" 2>&1 |
            tee "$logs/0.log" | grep --line-buffered -vE "$quiet"
        status="${PIPESTATUS[0]}"
        set -e
    else
        local pids=() i
        for ((i = 0; i < workers; ++i)); do
            run_worker "$target" "$((seed + i))" "$seconds" "$work" "$artifacts" \
                >"$logs/$i.log" 2>&1 &
            pids+=("$!")
        done
        for i in "${!pids[@]}"; do
            if ! wait "${pids[$i]}"; then
                status=1
                grep -vE "$quiet" "$logs/$i.log" >&2
            fi
        done
    fi
    local total=0 n log
    for log in "$logs"/*.log; do
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        total=$((total + ${n:-0}))
    done
    executions="$total"
    echo "fuzz: $target: $total executions in ${seconds}s or less, $workers worker(s) from seed $seed"
    if [[ "$status" -ne 0 ]]; then
        echo "fuzz: $target FAILED (exit $status); reproducer in $artifacts/:" >&2
        ls -1 "$artifacts" >&2
        return 1
    fi
}

failed=()
case "$mode" in
    all)
        total_shares=0
        for t in "${targets[@]}"; do total_shares=$((total_shares + share[$t])); done
        for t in "${targets[@]}"; do
            slice=$((seconds * share[$t] / total_shares))
            fuzz_target "$t" "$((slice > 0 ? slice : 1))" || failed+=("$t")
        done
        ;;
    target)
        fuzz_target "$name" "$seconds" || failed+=("$name")
        ;;
    merge)
        started=$(date -u +%Y-%m-%dT%H:%MZ)
        result=ok
        fuzz_target "$name" "$seconds" || { failed+=("$name"); result=finding; }
        before=$(ls "$corpus/$name" | wc -l)
        "$(fuzzer_of "$name")" -merge=1 "$corpus/$name" "$build/fuzz-corpus/$name" 2>&1 |
            grep -E '^MERGE-OUTER: [0-9]+ new files' || true
        after=$(ls "$corpus/$name" | wc -l)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$started" "$(git rev-parse --short=12 HEAD)" \
            "$name" "$seconds" "$executions" "$result" "$((after - before))" >>tests/fuzz/runs.tsv
        echo "fuzz: $name corpus: $before -> $after inputs (run recorded in tests/fuzz/runs.tsv)"
        ;;
esac
if [[ "${#failed[@]}" -ne 0 ]]; then
    echo "fuzz: FAILED: ${failed[*]}" >&2
    exit 1
fi
