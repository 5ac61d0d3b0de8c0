// CPython set iteration order for ints; expected orders were printed by python3.14 `list(s)`.
#include "render/py_set_order.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace aps::render {
namespace {

std::vector<uint64_t> order_of(const std::vector<uint64_t>& adds) {
    PyIntSet set;
    for (const uint64_t v : adds) set.add(v);
    std::vector<uint64_t> out;
    set.append_in_iteration_order(out);
    return out;
}

constexpr uint64_t kMersenne61 = (uint64_t{1} << 61) - 1;

TEST(PySetOrder, IntHashIsValueModMersenne61) {
    EXPECT_EQ(py_int_hash(0), 0u);
    EXPECT_EQ(py_int_hash(12345), 12345u);
    EXPECT_EQ(py_int_hash(kMersenne61), 0u);
    EXPECT_EQ(py_int_hash(kMersenne61 + 16), 16u);
    EXPECT_EQ(py_int_hash(UINT64_MAX), 7u);
}

TEST(PySetOrder, SlotOrderNotInsertionOrder) {
    EXPECT_EQ(order_of({1, 16}), (std::vector<uint64_t>{16, 1}));
    EXPECT_EQ(order_of({9, 1}), (std::vector<uint64_t>{9, 1}));  // collision: linear probe
    EXPECT_EQ(order_of({1, 9}), (std::vector<uint64_t>{1, 9}));
    EXPECT_EQ(order_of({5, 5, 5}), (std::vector<uint64_t>{5}));
}

TEST(PySetOrder, EqualHashesAndHugeValues) {
    const std::vector<uint64_t> adds = {
        16 + kMersenne61, 16, 3 + 2 * kMersenne61, 3, UINT64_MAX, 8, 0};
    EXPECT_EQ(order_of(adds),
              (std::vector<uint64_t>{0x0, 0x4000000000000001, 0x3, 0xffffffffffffffff, 0x8,
                                     0x200000000000000f, 0x10}));
}

TEST(PySetOrder, HundredHeapAddressesThroughResizes) {
    std::vector<uint64_t> adds;
    for (uint64_t i = 0; i < 100; ++i) {
        adds.push_back(0x7f3a00000000 + ((i * 2654435761u) % (uint64_t{1} << 24)) * 16);
    }
    const std::vector<int> expected_positions = {
        0,  32, 64, 96, 17, 49, 81, 2,  34, 66, 98, 19, 51, 83, 4,  36, 68, 21, 53, 85,
        6,  38, 70, 23, 55, 87, 8,  40, 72, 25, 57, 89, 10, 42, 74, 27, 59, 91, 12, 44,
        76, 29, 61, 93, 14, 46, 78, 31, 63, 95, 16, 48, 80, 1,  33, 65, 97, 18, 50, 82,
        3,  35, 67, 99, 20, 52, 84, 5,  37, 69, 22, 54, 86, 7,  39, 71, 24, 56, 88, 9,
        41, 73, 26, 58, 90, 11, 43, 75, 28, 60, 92, 13, 45, 77, 30, 62, 94, 15, 47, 79};
    std::vector<uint64_t> expected;
    for (const int p : expected_positions) expected.push_back(adds[p]);
    EXPECT_EQ(order_of(adds), expected);
}

TEST(PySetOrder, SixtyThousandElementsPastTheDoublingThreshold) {
    std::vector<uint64_t> adds;
    for (uint64_t i = 1; i <= 60000; ++i) adds.push_back(i * 0x9E3779B97F4A7C15u);
    const std::vector<uint64_t> order = order_of(adds);
    ASSERT_EQ(order.size(), 60000u);
    EXPECT_EQ(order[0], 0x3dccaac394fa0002u);
    EXPECT_EQ(order[1], 0xdad329e8b197ffffu);
    EXPECT_EQ(order[2], 0x62f980dae3620003u);
    EXPECT_EQ(order[3], 0x4e1958a7f88e000au);
    EXPECT_EQ(order[4], 0xc5f301b5c6c40006u);
    uint64_t check = 0;
    for (const uint64_t v : order) check = check * 1000003u + v;
    EXPECT_EQ(check, 0x33c1a5e7463ba34au);
}

TEST(PySetOrder, ClearStartsOverAtEightSlots) {
    PyIntSet set;
    for (uint64_t v = 0; v < 1000; ++v) set.add(v * 7919);
    set.clear();
    EXPECT_EQ(set.size(), 0u);
    set.add(1);
    set.add(16);
    std::vector<uint64_t> out;
    set.append_in_iteration_order(out);
    EXPECT_EQ(out, (std::vector<uint64_t>{16, 1}));
}

}  // namespace
}  // namespace aps::render
