// Tests of make_blocks_in_order: every block once, sunk in order from the calling thread, the odd
// blocks made on a second thread.
#include "render/ordered_blocks.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace aps::render {
namespace {

std::string label(std::size_t i) {
    std::string out = "[";
    out.append(std::to_string(i)).push_back(']');
    return out;
}

struct Recorded {
    std::string text;
    std::vector<std::thread::id> sunk_on;
    std::mutex mutex;
    std::set<std::thread::id> made_on;
};

void run(std::size_t blocks, Recorded& r, unsigned jobs = 2) {
    make_blocks_in_order(
        blocks,
        [&r](std::size_t i, std::string& out) {
            EXPECT_TRUE(out.empty());
            if (i % 5 != 3) out = label(i);  // some blocks are empty
            std::lock_guard lock(r.mutex);
            r.made_on.insert(std::this_thread::get_id());
        },
        [&r](std::string_view piece) {
            r.text.append(piece);
            r.sunk_on.push_back(std::this_thread::get_id());
        },
        jobs);
}

std::string expected(std::size_t blocks) {
    std::string out;
    for (std::size_t i = 0; i < blocks; ++i) {
        if (i % 5 != 3) out += label(i);
    }
    return out;
}

TEST(OrderedBlocks, EveryBlockOnceInOrderFromTheCallingThread) {
    for (std::size_t blocks : {0u, 1u, 2u, 3u, 4u, 7u, 100u, 1001u}) {
        Recorded r;
        run(blocks, r);
        EXPECT_EQ(r.text, expected(blocks)) << blocks << " blocks";
        for (auto id : r.sunk_on) EXPECT_EQ(id, std::this_thread::get_id());
    }
}

TEST(OrderedBlocks, OddBlocksAreMadeOnASecondThread) {
    Recorded one, many;
    run(1, one);
    run(50, many);
    EXPECT_EQ(one.made_on.size(), 1u);
    EXPECT_EQ(many.made_on.size(), 2u);
    EXPECT_TRUE(many.made_on.contains(std::this_thread::get_id()));
}

TEST(OrderedBlocks, OneJobMakesEveryBlockOnTheCallingThread) {
    Recorded r;
    run(50, r, 1);
    EXPECT_EQ(r.text, expected(50));
    ASSERT_EQ(r.made_on.size(), 1u);
    EXPECT_TRUE(r.made_on.contains(std::this_thread::get_id()));
}

TEST(OrderedBlocks, ASinkThatThrowsStopsTheSecondThread) {
    int sunk = 0;
    EXPECT_THROW(make_blocks_in_order(
                     1000, [](std::size_t i, std::string& out) { out = std::to_string(i); },
                     [&sunk](std::string_view) {
                         if (++sunk == 3) throw std::runtime_error("sink full");
                     },
                     2),
                 std::runtime_error);
    EXPECT_EQ(sunk, 3);
}

}  // namespace
}  // namespace aps::render
