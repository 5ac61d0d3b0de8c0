// Terminal column widths and cutting to a width, as the watch screen relies on them.
#include "render/display_width.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aps::render {
namespace {

TEST(DisplayWidth, CountsColumnsNotBytes) {
    EXPECT_EQ(display_width(""), 0u);
    EXPECT_EQ(display_width("abc"), 3u);
    EXPECT_EQ(display_width("\xc3\xa9t\xc3\xa9"), 3u);         // été
    EXPECT_EQ(display_width("\xe4\xbb\xbb\xe5\x8a\xa1"), 4u);  // 任务: wide
    EXPECT_EQ(display_width("\xf0\x9f\x90\x8d"), 2u);          // snake emoji
    EXPECT_EQ(display_width("e\xcc\x81"), 1u);                 // e + combining acute
    EXPECT_EQ(display_width("a\xe2\x80\x8d"
                            "b"),
              2u);                         // zero-width joiner
    EXPECT_EQ(display_width("\xff"), 1u);  // a stray byte
}

TEST(DisplayWidth, CutNeverSplitsACharacter) {
    EXPECT_EQ(cut_to_width("abcdef", 3), "abc");
    EXPECT_EQ(cut_to_width("ab", 3), "ab");
    EXPECT_EQ(cut_to_width("a\xe4\xbb\xbb"
                           "b",
                           2),
              "a");  // the wide one does not fit in 1
    EXPECT_EQ(cut_to_width("\xc3\xa9\xc3\xa9", 1), "\xc3\xa9");
    EXPECT_EQ(cut_to_width("abc", 0), "");
}

TEST(DisplayWidth, FitEndsCutTextWithAnEllipsis) {
    EXPECT_EQ(fit_to_width("abcdef", 6), "abcdef");
    EXPECT_EQ(fit_to_width("abcdefg", 6), "abcde\xe2\x80\xa6");
    EXPECT_EQ(fit_to_width("\xe4\xbb\xbb\xe5\x8a\xa1\xe4\xbb\xbb", 4), "\xe4\xbb\xbb\xe2\x80\xa6");
    EXPECT_EQ(fit_to_width("abc", 0), "");
    EXPECT_EQ(fit_to_width("abc", 1), "\xe2\x80\xa6");
}

using Lines = std::vector<std::string>;

TEST(WrapToWidth, ShortTextIsOneLine) {
    EXPECT_EQ(wrap_to_width("loop blocked", 20, 2, 3), Lines{"loop blocked"});
    EXPECT_EQ(wrap_to_width("", 20, 2, 3), Lines{""});
}

TEST(WrapToWidth, BreaksAfterSpacesAndIndentsTheRest) {
    EXPECT_EQ(wrap_to_width("in blocking_io <- handler, inside time.sleep", 20, 2, 3),
              (Lines{"in blocking_io <-", "  handler, inside", "  time.sleep"}));
}

TEST(WrapToWidth, AWordLongerThanTheLineIsBrokenInside) {
    EXPECT_EQ(wrap_to_width("abcdefghij", 4, 1, 4), (Lines{"abcd", " efg", " hij"}));
}

TEST(WrapToWidth, PastTheLastLineTheTextIsCutWithAnEllipsis) {
    EXPECT_EQ(wrap_to_width("aa bb cc dd ee", 5, 0, 2), (Lines{"aa bb", "cc d\xE2\x80\xA6"}));
}

TEST(WrapToWidth, WideCharactersCountTwoColumns) {
    // "数据" is 4 columns: it does not fit after "ab " in 6.
    EXPECT_EQ(wrap_to_width("ab \xE6\x95\xB0\xE6\x8D\xAE", 6, 0, 3),
              (Lines{"ab", "\xE6\x95\xB0\xE6\x8D\xAE"}));
}

TEST(WrapToWidth, NoRoomForTheIndentMeansNone) {
    EXPECT_EQ(wrap_to_width("abcd", 2, 5, 3), (Lines{"ab", "cd"}));
}

}  // namespace
}  // namespace aps::render
