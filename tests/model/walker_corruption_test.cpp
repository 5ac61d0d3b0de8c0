// Robustness of walk_snapshot: random words written into tasks and coroutines of a fake image
// must give a Snapshot or an Error — never a crash, a hang or a huge allocation.
#include <gtest/gtest.h>

#include <random>

#include "aps/walker.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

using test::Fn;

TEST(WalkerCorruption, RandomWordsNeverCrashOrHang) {
    for (int minor : {14, 15}) {
        for (uint32_t seed = 0; seed < 300; ++seed) {
            test::FakeImage img(minor);
            uint64_t thread = img.add_thread(1);
            auto list = img.tasks_of(thread);
            uint64_t a = img.add_task(list, "a", {{"fa", "/p.py", 1}, {"ga", "/p.py", 2}});
            uint64_t b = img.add_task(list, test::Name::number(2), {{"fb", "/p.py", 3}});
            img.await(b, a);
            img.add_dummy_awaiter(b);
            img.await(b, img.add_future());
            std::vector<std::pair<uint64_t, uint64_t>> objects{
                {a, 168}, {b, 168}, {img.coroutines(a)[0], 192}, {img.coroutines(a)[1], 192}};
            std::mt19937_64 rng(seed);
            const uint64_t candidates[] = {
                0, 1, 0xFFFFFFFFFFFFFFFF, a, b, img.coroutines(a)[1], a + 152, rng()};
            for (int k = 0; k < 3; ++k) {
                auto [base, size] = objects[rng() % objects.size()];
                uint64_t offset = (rng() % (size / 8)) * 8;
                img.memory().put<uint64_t>(base + offset,
                                           candidates[rng() % std::size(candidates)]);
            }
            WalkLimits limits;
            limits.max_tasks_per_list = 1000;
            auto r = walk_snapshot(img.memory(), img.input(), limits);
            if (r) {
                EXPECT_LE(r->interpreters.at(0).threads.at(0).tasks.size(), 1000u);
            }
        }
    }
}

}  // namespace
}  // namespace aps
