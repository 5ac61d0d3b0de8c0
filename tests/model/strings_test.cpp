// Tests of remote str / bytes decoding and task names (src/model/strings.cpp, task_name.cpp).
#include "model/strings.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "model/task_name.hpp"
#include "support/fake_image.hpp"

namespace aps::model {
namespace {

using test::FakeImage;
using test::StrLayout;

class Strings : public ::testing::TestWithParam<int> {
  protected:
    FakeImage img{GetParam()};
    Result<std::string> read(uint64_t addr, uint64_t max = 1u << 20) {
        return read_str(img.memory(), img.offsets(), addr, max);
    }
};

TEST(Utf8, EncodesEveryRange) {
    std::string s;
    for (uint32_t cp : {0x41u, 0xE9u, 0x20ACu, 0x1F600u}) append_utf8(s, cp);
    EXPECT_EQ(s, "Aé€😀");
}

TEST(Utf8, LoneSurrogatesUseGeneralizedForm) {
    std::string s;
    append_utf8(s, 0xD800);
    append_utf8(s, 0xDFFF);
    EXPECT_EQ(s, "\xED\xA0\x80\xED\xBF\xBF");
}

TEST(Utf8, BeyondUnicodeBecomesReplacement) {
    std::string s;
    append_utf8(s, 0x110000);
    EXPECT_EQ(s, "\xEF\xBF\xBD");
}

TEST_P(Strings, Ascii) {
    EXPECT_EQ(*read(img.str("hello")), "hello");
}
TEST_P(Strings, Empty) {
    EXPECT_EQ(*read(img.str("")), "");
}
TEST_P(Strings, Latin1) {
    EXPECT_EQ(*read(img.str("mid-é")), "mid-é");
}
TEST_P(Strings, Ucs2) {
    EXPECT_EQ(*read(img.str("函数函数函数")), "函数函数函数");
}
TEST_P(Strings, Ucs4) {
    EXPECT_EQ(*read(img.str("😀a😀")), "😀a😀");
}
TEST_P(Strings, Ucs2WithLoneSurrogate) {
    EXPECT_EQ(*read(img.str("a\xED\xA0\x80z")), "a\xED\xA0\x80z");
}
TEST_P(Strings, Ucs4WithSurrogateAndAstral) {
    EXPECT_EQ(*read(img.str("\xED\xB0\x80😀")), "\xED\xB0\x80😀");
}
TEST_P(Strings, LegacyLayoutsOfEveryKind) {
    for (const char* s : {"plain", "café", "Ωmega", "😀x"}) {
        EXPECT_EQ(*read(img.str(s, StrLayout::Legacy)), s);
    }
}

TEST_P(Strings, CutAtCodePointsNotBytes) {
    EXPECT_EQ(*read(img.str("ééééé"), 3), "ééé");
    EXPECT_EQ(*read(img.str("😀😀😀"), 2), "😀😀");
}

TEST_P(Strings, HugeLengthIsRejectedBeforeAllocating) {
    uint64_t s = img.str("abc");
    img.memory().put<int64_t>(s + img.offsets().unicode_object.length, int64_t{1} << 50);
    auto r = read(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CorruptData);
    img.memory().put<int64_t>(s + img.offsets().unicode_object.length, -5);
    EXPECT_FALSE(read(s));
}

TEST_P(Strings, LengthBeyondMappedDataIsReadFailed) {
    uint64_t s = img.str("abc");
    img.memory().put<int64_t>(s + img.offsets().unicode_object.length, 1000);
    auto r = read(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::ReadFailed);
}

TEST_P(Strings, InvalidKindIsCorrupt) {
    uint64_t s = img.str("abc");
    img.memory().put<uint32_t>(s + img.offsets().unicode_object.state, (3u << 2) | (1u << 5));
    auto r = read(s);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CorruptData);
}

TEST_P(Strings, UnreadableStringIsReadFailedWithContext) {
    auto r = read(0x10);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::ReadFailed);
    EXPECT_NE(r.error().message.find("reading str at 0x10"), std::string::npos);
}

TEST_P(Strings, BytesPayloadAndCap) {
    std::vector<std::byte> data{std::byte{1}, std::byte{2}, std::byte{3}};
    uint64_t b = img.bytes(data);
    auto full = read_bytes(img.memory(), img.offsets(), b, 16);
    ASSERT_TRUE(full && full->has_value());
    EXPECT_EQ(**full, data);
    auto capped = read_bytes(img.memory(), img.offsets(), b, 2);
    ASSERT_TRUE(capped);
    EXPECT_FALSE(capped->has_value());
    img.memory().put<int64_t>(b + img.offsets().bytes_object.ob_size, -1);
    EXPECT_FALSE(read_bytes(img.memory(), img.offsets(), b, 16));
}

// Task names read through a WalkContext.
class TaskNames : public Strings {
  protected:
    Snapshot snap;
    WalkLimits limits;
    Result<std::string> name(uint64_t addr) {
        WalkContext ctx(img.memory(), img.offsets(), img.asyncio(), limits, snap);
        return read_task_name(ctx, addr);
    }
};

TEST(LongToDecimal, Values) {
    std::vector<uint32_t> d{5};
    EXPECT_EQ(long_to_decimal(d, false), "5");
    EXPECT_EQ(long_to_decimal(d, true), "-5");
    EXPECT_EQ(long_to_decimal({}, false), "0");
    std::vector<uint32_t> two_pow_60{0, 0, 1};
    EXPECT_EQ(long_to_decimal(two_pow_60, false), "1152921504606846976");
    std::vector<uint32_t> big{(1u << 30) - 1, (1u << 30) - 1, (1u << 30) - 1, (1u << 30) - 1};
    EXPECT_EQ(long_to_decimal(big, false), "1329227995784915872903807060280344575");  // 2^120-1
}

TEST_P(TaskNames, DefaultCounter) {
    EXPECT_EQ(*name(img.integer(1)), "Task-1");
    EXPECT_EQ(*name(img.integer(0)), "Task-0");
    EXPECT_EQ(*name(img.integer(123456789012)), "Task-123456789012");
}

TEST_P(TaskNames, NegativeAndBig) {
    EXPECT_EQ(*name(img.integer(-42)), "Task--42");
    std::vector<uint32_t> d{0, 0, 0, 1};  // 2^90
    EXPECT_EQ(*name(img.long_digits(d, false)), "Task-1237940039285380274899124224");
}

TEST_P(TaskNames, AbsurdDigitCountIsCorrupt) {
    uint64_t n = img.integer(7);
    img.memory().put<uint64_t>(n + img.offsets().long_object.lv_tag, (uint64_t{1} << 40) << 3);
    auto r = name(n);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CorruptData);
}

// The walk keeps a name whole; the table and the tree cut it (render/name_cut.hpp).
TEST_P(TaskNames, StrNameIsKeptWhole) {
    std::string long_name;
    for (int i = 0; i < 300; ++i) long_name += "é";
    EXPECT_EQ(*name(img.str(long_name)), long_name);
    EXPECT_EQ(*name(img.str("worker")), "worker");
}

TEST_P(TaskNames, NeitherStrNorIntIsCorrupt) {
    auto r = name(img.add_future());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::CorruptData);
    EXPECT_NE(r.error().message.find("invalid task name object"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Py, Strings, ::testing::Values(14, 15),
                         [](const auto& info) { return fmt::format("3_{}", info.param); });
INSTANTIATE_TEST_SUITE_P(Py, TaskNames, ::testing::Values(14, 15),
                         [](const auto& info) { return fmt::format("3_{}", info.param); });

}  // namespace
}  // namespace aps::model
