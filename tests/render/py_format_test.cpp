// Python formatting primitives: hex(), str(int), ljust by code points; and the frame text rules.
#include "render/py_format.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "render/frame_text.hpp"

namespace aps::render {
namespace {

TEST(RenderFormat, PyHexMatchesPythonHex) {
    EXPECT_EQ(py_hex(0), "0x0");
    EXPECT_EQ(py_hex(10), "0xa");
    EXPECT_EQ(py_hex(0x7f0a1271c7d0), "0x7f0a1271c7d0");
    EXPECT_EQ(py_hex(UINT64_MAX), "0xffffffffffffffff");
}

TEST(RenderFormat, DecimalMatchesPythonStr) {
    std::string out;
    append_decimal(out, uint64_t{0});
    out.push_back(' ');
    append_decimal(out, uint64_t{18446744073709551615u});
    out.push_back(' ');
    append_decimal(out, int64_t{-1});
    EXPECT_EQ(out, "0 18446744073709551615 -1");
}

TEST(RenderFormat, LjustPadsByCodePoints) {
    const auto ljust = [](std::string_view s, std::size_t w) {
        std::string out;
        append_ljust(out, s, w);
        return out;
    };
    EXPECT_EQ(ljust("", 3), "   ");
    EXPECT_EQ(ljust("ab", 5), "ab   ");
    EXPECT_EQ(ljust("\u00e9", 3), "\u00e9  ");
    EXPECT_EQ(ljust("\u4efb\u52a1", 4), "\u4efb\u52a1  ");
    EXPECT_EQ(ljust("\U0001f40d\U0001f40d", 3), "\U0001f40d\U0001f40d ");
    EXPECT_EQ(ljust("abcdef", 3), "abcdef");  // never truncates
    EXPECT_EQ(ljust("abc", 3), "abc");
}

TEST(RenderFormat, FrameTextFollowsFormatStackEntry) {
    const auto text = [](const char* fn, const char* file, int32_t line) {
        Frame frame;
        frame.line = line;
        return frame_text(Code{fn, file}, frame);
    };
    EXPECT_EQ(text("main", "/p.py", 12), "main /p.py:12");
    // An unknown line is CPython's -1, printed as the 3.15 reference prints it (3.14 too, for an
    // emptied table), whatever the file.
    EXPECT_EQ(text("main", "", Frame::kNoLine), "main :-1");
    EXPECT_EQ(text("main", "~", Frame::kNoLine), "main ~:-1");
    EXPECT_EQ(text("main", "/p.py", Frame::kNoLine), "main /p.py:-1");
    EXPECT_EQ(text("main", "", 0), "main");
    EXPECT_EQ(text("main", "/p.py", 0), "main /p.py:0");
    EXPECT_EQ(text("main", "", 7), "main :7");
    EXPECT_EQ(text("main", "~", 7), "main ~:7");
    EXPECT_EQ(text("main", "/p.py", -1), "main /p.py:-1");
    EXPECT_EQ(text("main", "/p.py", -9), "main /p.py:-9");
    EXPECT_EQ(text("main", "/p.py", INT32_MIN), "main /p.py:-2147483648");
    EXPECT_EQ(text("main", "/p.py", INT32_MAX), "main /p.py:2147483647");
}

}  // namespace
}  // namespace aps::render
