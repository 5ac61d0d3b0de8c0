// Escaping of names (README, "Differences"; docs/design.md, "Escaping"): every
// control class, bidi controls, surrogates, invalid UTF-8, and the code-point counting that
// padding relies on.
#include "render/escape.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace aps::render {
namespace {

using namespace std::string_literals;

struct EscapeCase {
    const char* label;
    std::string input;
    std::string expected;
};

class EscapeText : public ::testing::TestWithParam<EscapeCase> {};

TEST_P(EscapeText, MatchesExpectedBytes) {
    EXPECT_EQ(escape_text(GetParam().input), GetParam().expected);
}

const EscapeCase kCases[] = {
    {"Empty", "", ""},
    {"PrintableAscii", "Task-1 main() /p.py:12 ~!@#$%^&*", "Task-1 main() /p.py:12 ~!@#$%^&*"},
    {"BackslashKept", "C:\\dir\\x.py", "C:\\dir\\x.py"},
    {"Newline", "a\nb", "a\\nb"},
    {"Tab", "a\tb", "a\\tb"},
    {"CarriageReturn", "a\rb", "a\\rb"},
    {"Nul", "a\0b"s, "a\\x00b"},
    {"OtherC0", "\x01\x07\x08\x0b\x0c\x1f", "\\x01\\x07\\x08\\x0b\\x0c\\x1f"},
    {"Escape", "\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"},
    {"Delete", "a\x7f", "a\\x7f"},
    {"C1Controls", "\xc2\x80\xc2\x85\xc2\x9b\xc2\x9f", "\\x80\\x85\\x9b\\x9f"},
    {"NoBreakSpaceKept",
     "a\xc2\xa0"
     "b",
     "a\xc2\xa0"
     "b"},
    {"BidiOverrides", "\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"},
    {"BidiIsolates", "\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"},
    {"BidiMarks", "\u200e\u200f\u061c", "\\u200e\\u200f\\u061c"},
    {"ZeroWidthJoinerKept", "a\u200db", "a\u200db"},
    {"NonAsciiKept", "mid-\u00e9 \u4efb\u52a1 \U0001f40d", "mid-\u00e9 \u4efb\u52a1 \U0001f40d"},
    {"LoneHighSurrogate", "a\xed\xa0\x80z", "a\\ud800z"},
    {"LoneLowSurrogate", "\xed\xbf\xbf", "\\udfff"},
    // U+DC80-U+DCFF stand for the bytes 0x80-0xFF that did not decode (os.fsdecode, the
    // surrogateescape handler): the byte itself is printed, as \xNN.
    {"UndecodedByteE9", "lat\xed\xb3\xa9n", "lat\\xe9n"},
    {"UndecodedByteFirst", "\xed\xb2\x80", "\\x80"},
    {"UndecodedByteLast", "\xed\xb3\xbf", "\\xff"},
    {"SurrogateBelowTheBytes", "\xed\xb1\xbf", "\\udc7f"},
    {"SurrogateAboveTheBytes", "\xed\xb4\x80", "\\udd00"},
    {"UndecodedBytesAmongText", "t\xed\xb3\xa9\xc3\xa9\xed\xb3\xbf\xed\xa0\x80",
     "t\\xe9\xc3\xa9\\xff\\ud800"},
    {"InvalidByte", "a\xffz", "a\\xffz"},
    {"StrayContinuation", "\x80\xbf", "\\x80\\xbf"},
    {"TruncatedAtEnd", "ok\xc3", "ok\\xc3"},
    {"TruncatedBeforeAscii", "\xc3(", "\\xc3("},
    {"TruncatedFourByte",
     "\xf0\x9f\x90"
     "A",
     "\\xf0\\x9f\\x90A"},
    {"OverlongTwoByte", "\xc0\xaf", "\\xc0\\xaf"},
    {"OverlongThreeByte", "\xe0\x80\xaf", "\\xe0\\x80\\xaf"},
    {"OverlongFourByte", "\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"},
    {"BeyondUnicode", "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"},
    {"LargestCodePointKept", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"},
    {"Mixed", "x\n\xc2\x85\u202e\xed\xa0\x80\xff\xc3\xa9", "x\\n\\x85\\u202e\\ud800\\xff\xc3\xa9"},
};

INSTANTIATE_TEST_SUITE_P(Escape, EscapeText, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.label); });

TEST(Escape, AppendsToExistingText) {
    std::string out = "(T) ";
    append_escaped(out, "a\tb");
    EXPECT_EQ(out, "(T) a\\tb");
}

TEST(Escape, OutputIsSingleLineAndValidUtf8) {
    std::string all;
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
    const std::string escaped = escape_text(all);
    EXPECT_EQ(escaped.find('\n'), std::string::npos);
    EXPECT_EQ(escaped.find('\x1b'), std::string::npos);
    // Every byte >= 0x80 in isolation is invalid UTF-8: all 128 become \xNN.
    EXPECT_EQ(code_points(escaped), escaped.size());
}

TEST(Escape, EveryUndecodedByteSurrogateIsItsByte) {
    for (uint32_t cp = 0xDC80; cp <= 0xDCFF; ++cp) {
        const char utf8[] = {static_cast<char>(0xED), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                             static_cast<char>(0x80 | (cp & 0x3F))};
        char want[5];
        std::snprintf(want, sizeof want, "\\x%02x", static_cast<unsigned>(cp - 0xDC00));
        EXPECT_EQ(escape_text(std::string(utf8, 3)), want) << std::hex << cp;
    }
}

TEST(Escape, CodePointsCountsCharactersNotBytes) {
    EXPECT_EQ(code_points(""), 0u);
    EXPECT_EQ(code_points("abc"), 3u);
    EXPECT_EQ(code_points("\u00e9\u4efb\U0001f40d"), 3u);
    EXPECT_EQ(code_points(escape_text("a\0b"s)), 6u);  // a \x00 b
}

TEST(Escape, CodePointsAgreesWithAByteCountAtEveryLengthAndAlignment) {
    // Multi-byte characters straddling the 8-byte words the count works in.
    const std::string pieces[] = {"a", "\u00e9", "\u4efb", "\U0001f40d", "\x80", "\xff"};
    std::string text;
    for (int i = 0; i < 200; ++i) {
        text += pieces[(i * 7 + i / 3) % 6];
        for (std::size_t from = 0; from < 9 && from < text.size(); ++from) {
            std::string_view view(text.data() + from, text.size() - from);
            std::size_t expected = 0;
            for (char c : view) expected += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
            ASSERT_EQ(code_points(view), expected) << "length " << view.size();
        }
    }
}

}  // namespace
}  // namespace aps::render
