// Tests of the pure co_linetable decoder (src/model/linetable.cpp) on hand-built tables.
#include "model/linetable.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace aps::model {
namespace {

std::vector<std::byte> T(std::initializer_list<int> bytes) {
    std::vector<std::byte> out;
    for (int b : bytes) out.push_back(std::byte(b));
    return out;
}
constexpr int E(int code, int length) {
    return 0x80 | (code << 3) | (length - 1);
}

TEST(LineTable, EmptyTableHasNoLine) {
    EXPECT_EQ(line_for_instruction({}, 10, 0), std::nullopt);
}

TEST(LineTable, ShortFormsKeepTheLine) {
    for (int code = 0; code <= 9; ++code) {
        auto t = T({E(13, 1), 0x04, E(code, 3), 0x15});  // Δ+2, then SHORTn
        EXPECT_EQ(line_for_instruction(t, 10, 0), 12) << code;
        EXPECT_EQ(line_for_instruction(t, 10, 3), 12) << code;
        EXPECT_EQ(line_for_instruction(t, 10, 4), std::nullopt) << code;
    }
}

TEST(LineTable, OneLineFormsAddZeroOneTwo) {
    auto t = T({E(10, 1), 1, 2, E(11, 1), 3, 4, E(12, 2), 5, 6, E(11, 1), 0, 0});
    EXPECT_EQ(line_for_instruction(t, 5, 0), 5);
    EXPECT_EQ(line_for_instruction(t, 5, 1), 6);
    EXPECT_EQ(line_for_instruction(t, 5, 2), 8);
    EXPECT_EQ(line_for_instruction(t, 5, 3), 8);
    EXPECT_EQ(line_for_instruction(t, 5, 4), 9);
}

TEST(LineTable, NoColumnsCarriesASignedDelta) {
    auto t = T({E(13, 1), 0x06, E(13, 1), 0x05, E(13, 8), 0x00});  // +3, -2, 0
    EXPECT_EQ(line_for_instruction(t, 100, 0), 103);
    EXPECT_EQ(line_for_instruction(t, 100, 1), 101);
    EXPECT_EQ(line_for_instruction(t, 100, 9), 101);
}

TEST(LineTable, LongWithMultiByteVarints) {
    // Δline = +1000: u = 2000 = 0b11111_010000 → 0x50 (16 | more), 0x1F (31).
    auto t = T({E(14, 4), 0x50, 0x1F, 0x00, 0x01, 0x02});
    EXPECT_EQ(line_for_instruction(t, 1, 2), 1001);
}

TEST(LineTable, LongNegativeDelta) {
    // Δline = -40: u = 81 = 0b1_010001 → 0x51, 0x01.
    auto t = T({E(14, 1), 0x51, 0x01, 0x00, 0x05, 0x06, E(0, 1), 0x00});
    EXPECT_EQ(line_for_instruction(t, 50, 0), 10);
    EXPECT_EQ(line_for_instruction(t, 50, 1), 10);
}

TEST(LineTable, NoneEntryHasNoLineButKeepsAccumulating) {
    auto t = T({E(13, 1), 0x02, E(15, 2), E(11, 1), 0, 0});
    EXPECT_EQ(line_for_instruction(t, 7, 0), 8);
    EXPECT_EQ(line_for_instruction(t, 7, 1), std::nullopt);
    EXPECT_EQ(line_for_instruction(t, 7, 2), std::nullopt);
    EXPECT_EQ(line_for_instruction(t, 7, 3), 9);
}

TEST(LineTable, DeltasAccumulateOverEntriesBeforeTheTarget) {
    auto t = T({E(12, 8), 0, 0, E(12, 8), 0, 0, E(12, 8), 0, 0, E(0, 8), 0});
    EXPECT_EQ(line_for_instruction(t, 1, 30), 7);
}

TEST(LineTable, PastTheEndHasNoLine) {
    auto t = T({E(13, 2), 0x00});
    EXPECT_EQ(line_for_instruction(t, 1, 2), std::nullopt);
    EXPECT_EQ(line_for_instruction(t, 1, UINT64_MAX), std::nullopt);
}

TEST(LineTable, TruncatedEntriesAreMalformed) {
    EXPECT_EQ(line_for_instruction(T({E(0, 1)}), 1, 0), std::nullopt);            // SHORT w/o byte
    EXPECT_EQ(line_for_instruction(T({E(10, 1), 1}), 1, 0), std::nullopt);        // ONE_LINE w/ 1
    EXPECT_EQ(line_for_instruction(T({E(13, 1), 0x40}), 1, 0), std::nullopt);     // varint cut
    EXPECT_EQ(line_for_instruction(T({E(14, 1), 0, 0, 0}), 1, 0), std::nullopt);  // LONG cut
}

TEST(LineTable, MalformedBytesGiveNoLine) {
    EXPECT_EQ(line_for_instruction(T({0x00, E(0, 1), 0}), 1, 0), std::nullopt);  // 0 terminator
    EXPECT_EQ(line_for_instruction(T({0x12}), 1, 0), std::nullopt);  // not an entry start
    // A body byte with bit 7 set (an entry start where a body byte is due).
    EXPECT_EQ(line_for_instruction(T({E(0, 1), E(0, 1), 0}), 1, 0), std::nullopt);
    // A varint longer than 5 groups.
    EXPECT_EQ(line_for_instruction(T({E(13, 1), 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x01}), 1, 0),
              std::nullopt);
}

TEST(LineTable, AnEarlierEntryIsFoundBeforeLaterGarbage) {
    auto t = T({E(11, 2), 0, 0, 0xFF, 0x7F});  // ONE_LINE1, NONE, then junk
    EXPECT_EQ(line_for_instruction(t, 1, 1), 2);
    EXPECT_EQ(line_for_instruction(t, 1, 20), std::nullopt);
}

}  // namespace
}  // namespace aps::model
