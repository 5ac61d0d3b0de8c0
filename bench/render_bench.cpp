// Both renderers over a synthetic Snapshot of N tasks (groups of 10 leaves awaited by a group
// task, leaves 3 frames deep), output sent to a sink that only counts bytes; and the task index
// they share.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "aps/render.hpp"
#include "aps/snapshot.hpp"
#include "render/task_index.hpp"

namespace {

aps::Snapshot make_snapshot(int64_t tasks) {
    aps::Snapshot s;
    s.major = 3;
    s.minor = 14;
    s.codes = {{"leaf_chain", "/bench/make_target.py"},
               {"leaf_next", "/bench/make_target.py"},
               {"group", "/bench/make_target.py"}};
    aps::Interpreter interp;
    aps::Thread thread;
    thread.tid = 1000;
    const std::vector<aps::Frame> leaf = {{0, 61}, {1, 71}, {0, 63}};
    const std::vector<aps::Frame> group = {{2, 76}};
    // Every stack gets a run of its own in s.frames, as the walker writes them.
    const auto add_frames = [&s](const std::vector<aps::Frame>& frames) {
        const aps::Slice slice{static_cast<uint32_t>(s.frames.size()),
                               static_cast<uint32_t>(frames.size())};
        s.frames.insert(s.frames.end(), frames.begin(), frames.end());
        return slice;
    };
    uint64_t id = 0x7f0000000000;
    int64_t made = 0;
    while (made < tasks) {
        std::size_t first = thread.tasks.size();
        for (int i = 0; i < 10 && made + 1 < tasks; ++i, ++made) {
            aps::Task t;
            t.id = id += 0x1c0;
            t.name = fmt::format("t{}......", made);
            t.frames = add_frames(leaf);
            thread.tasks.push_back(std::move(t));
        }
        aps::Task g;
        g.id = id += 0x1c0;
        g.name = fmt::format("t{}......", made++);
        g.frames = add_frames(group);
        for (std::size_t i = first; i < thread.tasks.size(); ++i) {
            thread.tasks[i].awaited_by = aps::Slice{static_cast<uint32_t>(s.awaiters.size()), 1};
            s.awaiters.push_back({g.id, add_frames(group)});
        }
        thread.tasks.push_back(std::move(g));
    }
    interp.threads.push_back(std::move(thread));
    s.interpreters.push_back(std::move(interp));
    return s;
}

void BM_RenderPs(benchmark::State& state) {
    const aps::Snapshot snapshot = make_snapshot(state.range(0));
    std::size_t bytes = 0;
    for (auto _ : state) {
        aps::render_ps(snapshot, [&bytes](std::string_view piece) { bytes += piece.size(); });
    }
    benchmark::DoNotOptimize(bytes);
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RenderPs)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

void BM_RenderPstree(benchmark::State& state) {
    const aps::Snapshot snapshot = make_snapshot(state.range(0));
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto tree = aps::render_pstree(snapshot,
                                       [&bytes](std::string_view piece) { bytes += piece.size(); });
        benchmark::DoNotOptimize(tree);
    }
    benchmark::DoNotOptimize(bytes);
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RenderPstree)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The id → task index both renderers start from (a million random probes at 1M tasks).
void BM_TaskIndex(benchmark::State& state) {
    const aps::Snapshot snapshot = make_snapshot(state.range(0));
    for (auto _ : state) {
        const aps::render::TaskIndex index(snapshot);
        benchmark::DoNotOptimize(index.size());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TaskIndex)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
