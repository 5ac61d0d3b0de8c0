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
    // A zero byte ends the table wherever it stands.
    EXPECT_EQ(line_for_instruction(T({E(13, 1), 0x02, 0x00, E(13, 1), 0x02}), 1, 1), std::nullopt);
    // A body byte with bit 7 set (an entry start where a body byte is due).
    EXPECT_EQ(line_for_instruction(T({E(0, 1), E(0, 1), 0}), 1, 0), std::nullopt);
}

// Varints as CPython reads them: 6-bit groups, least significant first, accumulated in 32 unsigned
// bits; signed ones hold the sign in bit 0. Every 32-bit value takes at most 6 groups.

TEST(LineTable, FifthGroupReachesBit29) {
    // Δline = 2^29 - 1: u = 2^30 - 2, the largest even value of 5 groups.
    auto t = T({E(13, 1), 0x7E, 0x7F, 0x7F, 0x7F, 0x3F});
    EXPECT_EQ(line_for_instruction(t, 1, 0), (1 << 29));
}

TEST(LineTable, SixthGroupCarriesBits30And31) {
    // Δline = 2^29: u = 2^30, the first value that needs a sixth group.
    auto t = T({E(13, 1), 0x40, 0x40, 0x40, 0x40, 0x40, 0x01});
    EXPECT_EQ(line_for_instruction(t, 1, 0), (1 << 29) + 1);
    // Δline = 2^31 - 2: u = 0xFFFFFFFC, so line 2^31 - 1 = INT_MAX.
    auto max = T({E(13, 1), 0x7C, 0x7F, 0x7F, 0x7F, 0x7F, 0x03});
    EXPECT_EQ(line_for_instruction(max, 1, 0), INT32_MAX);
}

TEST(LineTable, SixthGroupBitsAbove31AreDropped) {
    // As C's unsigned shift drops them: 0x3F in the sixth group counts as 0x03.
    auto t = T({E(13, 1), 0x7C, 0x7F, 0x7F, 0x7F, 0x7F, 0x3F});
    EXPECT_EQ(line_for_instruction(t, 1, 0), INT32_MAX);
}

TEST(LineTable, SeventhGroupIsMalformed) {
    // C leaves a shift by 36 undefined and CPython's compiler never writes one: no line.
    auto t = T({E(13, 1), 0x40, 0x40, 0x40, 0x40, 0x40, 0x40, 0x01, E(13, 8), 0x00});
    EXPECT_EQ(line_for_instruction(t, 1, 0), std::nullopt);
    EXPECT_EQ(line_for_instruction(t, 1, 1), std::nullopt);
}

TEST(LineTable, NegativeLines) {
    auto t = T({E(13, 1), 0x15, E(13, 1), 0x03});  // Δ -10, Δ -1
    EXPECT_EQ(line_for_instruction(t, 1, 0), -9);
    EXPECT_EQ(line_for_instruction(t, 1, 1), -10);
}

TEST(LineTable, MostNegativeDeltaAndIntMin) {
    // u = 0xFFFFFFFF: Δ = -(2^31 - 1); one more -1 reaches INT_MIN.
    auto t = T({E(13, 1), 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x03, E(13, 1), 0x03});
    EXPECT_EQ(line_for_instruction(t, 0, 0), -INT32_MAX);
    EXPECT_EQ(line_for_instruction(t, 0, 1), INT32_MIN);
}

TEST(LineTable, LinesWrapAroundLikeCPythonsInt) {
    // CPython adds deltas to an int and is built with -fwrapv: past INT_MAX the line wraps.
    auto t = T({E(13, 1), 0x28, E(14, 1), 0x03, 0x00, 0x00, 0x00});  // Δ +20, then LONG Δ -1
    EXPECT_EQ(line_for_instruction(t, INT32_MAX - 9, 0), INT32_MIN + 10);
    EXPECT_EQ(line_for_instruction(t, INT32_MAX - 9, 1), INT32_MIN + 9);
    auto down = T({E(13, 1), 0x0B});  // Δ -5 from INT_MIN + 2
    EXPECT_EQ(line_for_instruction(down, INT32_MIN + 2, 0), INT32_MAX - 2);
}

TEST(LineTable, LongEntriesTakeSixGroupVarintsInEveryField) {
    // Δline +1, end-line Δ 2^30, column 2^31, end column 2^32 - 1.
    auto t = T({E(14, 1), 0x02, 0x40, 0x40, 0x40, 0x40, 0x40, 0x01, 0x40, 0x40,     0x40,
                0x40,     0x40, 0x02, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x03, E(13, 1), 0x02});
    EXPECT_EQ(line_for_instruction(t, 10, 0), 11);
    EXPECT_EQ(line_for_instruction(t, 10, 1), 12);
}

// Bytes CPython's compiler never writes, read the way all of CPython's decoders (the interpreter's
// and both references') agree on.

TEST(LineTable, VarintBytesUseOnlyTheirLowSevenBits) {
    // 0x84: bit 7 is ignored, 4 → Δ +2; 0xC4: 4 and "more follows".
    auto t = T({E(13, 1), 0x84, E(13, 1), 0xC4, 0x80});
    EXPECT_EQ(line_for_instruction(t, 9, 0), 11);
    EXPECT_EQ(line_for_instruction(t, 9, 1), 13);
}

TEST(LineTable, OneLineColumnsMayBeAnyByte) {
    auto t = T({E(11, 1), 200, 201, E(11, 1), 0xFF, 0x80});
    EXPECT_EQ(line_for_instruction(t, 9, 0), 10);
    EXPECT_EQ(line_for_instruction(t, 9, 1), 11);
}

TEST(LineTable, AnEntryStartMayLackBit7) {
    // 0x68: NO_COLUMNS, length 1, although bit 7 is clear. Only a zero byte ends the table.
    auto t = T({0x68, 0x04, 0x68, 0x02});
    EXPECT_EQ(line_for_instruction(t, 9, 0), 11);
    EXPECT_EQ(line_for_instruction(t, 9, 1), 12);
}

TEST(LineTable, AnEarlierEntryIsFoundBeforeLaterGarbage) {
    auto t = T({E(11, 2), 0, 0, 0xFF, 0x7F});  // ONE_LINE1, NONE, then junk
    EXPECT_EQ(line_for_instruction(t, 1, 1), 2);
    EXPECT_EQ(line_for_instruction(t, 1, 20), std::nullopt);
}

}  // namespace
}  // namespace aps::model
