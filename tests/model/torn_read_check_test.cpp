// Tests of TornReadCheck itself: bytes recorded in overlapping and adjacent pieces are kept as
// the walk last read them, so a check fails exactly when the target's bytes differ from those.
#include "model/torn_read_check.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "aps/snapshot.hpp"
#include "aps/walker.hpp"
#include "model/walk_context.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

class TornReadCheckTest : public ::testing::TestWithParam<int> {
  protected:
    test::FakeImage img{GetParam()};
    uint64_t task =
        img.add_task(img.tasks_of(img.add_thread(1000)), "a-long-task-name", {{"f", "/t/p.py", 1}});
    uint64_t name = img.memory().get<uint64_t>(task + img.asyncio().task_object.task_name);
    Snapshot snapshot;
    WalkLimits limits;
    model::WalkContext ctx{img.memory(), img.offsets(), img.asyncio(), limits, snapshot};

    // The target's bytes [addr, addr + n), with byte `wrong` (an index, if any) changed.
    std::vector<std::byte> bytes(uint64_t addr, uint64_t n, int wrong = -1) {
        std::vector<std::byte> out(n);
        EXPECT_TRUE(img.memory().read(addr, out));
        if (wrong >= 0) out[static_cast<std::size_t>(wrong)] ^= std::byte{0x20};
        return out;
    }
    // Records the pieces (address, length, index of a wrong byte or -1) as one task, in order.
    Result<void> check(std::vector<std::tuple<uint64_t, uint64_t, int>> pieces) {
        model::TornReadCheck log;
        log.begin_task();
        for (auto [addr, n, wrong] : pieces) log.record(addr, bytes(addr, n, wrong));
        log.end_task(task, name, /*linked=*/true);
        return log.verify(ctx);
    }
};

TEST_P(TornReadCheckTest, PiecesThatOverlapOrTouchAreKeptInPlace) {
    const uint64_t d = name + 16;  // past the reference count (never compared)
    // Right, overlapping, touching; then extending to the left over what is there.
    EXPECT_TRUE(check({{d + 8, 8, -1}, {d + 12, 8, -1}, {d + 20, 4, -1}, {d, 10, -1}}));
    EXPECT_TRUE(check({{d + 8, 4, -1}, {d + 4, 4, -1}, {d, 16, -1}}));
}

TEST_P(TornReadCheckTest, TheLastReadOfAByteIsWhatIsCompared) {
    const uint64_t d = name + 16;
    // A byte read wrong, then read again right by an overlapping piece: the walk used the latter.
    EXPECT_TRUE(check({{d, 8, 2}, {d, 4, -1}}));
    EXPECT_TRUE(check({{d + 4, 8, 0}, {d, 6, -1}}));
    // Read right, then wrong: torn, wherever the wrong byte lands in the merged range.
    EXPECT_FALSE(check({{d, 4, -1}, {d, 8, 2}}));
    EXPECT_FALSE(check({{d + 4, 8, -1}, {d, 6, 5}}));
    EXPECT_FALSE(check({{d, 8, -1}, {d + 8, 8, 7}}));
}

INSTANTIATE_TEST_SUITE_P(Py, TornReadCheckTest, ::testing::Values(14, 15),
                         [](const auto& info) { return "3_" + std::to_string(info.param); });

}  // namespace
}  // namespace aps
