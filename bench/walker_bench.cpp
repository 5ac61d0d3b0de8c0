// The walker over a FakeImage: N tasks in groups (one group task awaiting 10 leaves, each leaf a
// chain of 3 coroutines), as bench/make_target.py lays them out in a real process.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "aps/walker.hpp"
#include "support/fake_image.hpp"

namespace {

using aps::test::Addr;
using aps::test::FakeImage;
using aps::test::Fn;

void build(FakeImage& img, int64_t tasks) {
    Addr thread = img.add_thread(1000);
    Addr list = img.tasks_of(thread);
    const std::vector<Fn> leaf = {{"leaf_chain", "/bench/make_target.py", 63},
                                  {"leaf_next", "/bench/make_target.py", 71},
                                  {"leaf_chain", "/bench/make_target.py", 61}};
    const std::vector<Fn> group = {{"group", "/bench/make_target.py", 76}};
    int64_t made = 0;
    while (made < tasks) {
        std::vector<Addr> leaves;
        for (int i = 0; i < 10 && made + 1 < tasks; ++i, ++made) {
            leaves.push_back(img.add_task(list, fmt::format("t{}", made), leaf));
        }
        Addr g = img.add_task(list, fmt::format("t{}", made++), group);
        for (Addr l : leaves) img.await(l, g);
    }
}

void BM_Walk(benchmark::State& state) {
    FakeImage img(14);
    build(img, state.range(0));
    for (auto _ : state) {
        auto snapshot = aps::walk_snapshot(img.memory(), img.input());
        if (!snapshot) state.SkipWithError(snapshot.error().message.c_str());
        benchmark::DoNotOptimize(snapshot);
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Walk)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
