// Column widths of code points from a compact table of the East Asian wide ranges and the usual
// zero-width ranges; close to wcwidth() in a UTF-8 locale, without depending on the locale.
#include "render/display_width.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace aps::render {
namespace {

struct Range {
    uint32_t first, last;
};

// Sorted, non-overlapping.
constexpr Range kZeroWidth[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200D}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xE0100, 0xE01EF},
};

constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F64F},
    {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

template <std::size_t N>
bool in(const Range (&table)[N], uint32_t cp) {
    const Range* it = std::upper_bound(std::begin(table), std::end(table), cp,
                                       [](uint32_t v, const Range& r) { return v < r.first; });
    return it != std::begin(table) && cp <= std::prev(it)->last;
}

// Length and code point of the character at text[i]; a stray byte is a character of its own.
std::size_t next_char(std::string_view text, std::size_t i, uint32_t& cp) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i + len > text.size()) len = 1;
    if (len == 1) {
        cp = lead;
        return 1;
    }
    cp = lead & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(text[i + k]);
        if ((b & 0xC0) != 0x80) {
            cp = lead;
            return 1;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    return len;
}

std::size_t columns(uint32_t cp) {
    if (cp < 0x300) return 1;
    if (in(kZeroWidth, cp)) return 0;
    return in(kWide, cp) ? 2 : 1;
}

}  // namespace

std::size_t display_width(std::string_view utf8) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        uint32_t cp = 0;
        i += next_char(utf8, i, cp);
        width += columns(cp);
    }
    return width;
}

std::string_view cut_to_width(std::string_view utf8, std::size_t width) {
    std::size_t used = 0;
    std::size_t i = 0;
    while (i < utf8.size()) {
        uint32_t cp = 0;
        const std::size_t len = next_char(utf8, i, cp);
        const std::size_t w = columns(cp);
        if (used + w > width) break;
        used += w;
        i += len;
    }
    return utf8.substr(0, i);
}

std::string fit_to_width(std::string_view utf8, std::size_t width) {
    if (display_width(utf8) <= width) return std::string(utf8);
    if (width == 0) return {};
    std::string out(cut_to_width(utf8, width - 1));
    out.append("\xE2\x80\xA6");  // …
    return out;
}

std::vector<std::string> wrap_to_width(std::string_view utf8, std::size_t width, std::size_t indent,
                                       std::size_t max_lines) {
    std::vector<std::string> lines;
    if (max_lines == 0) return lines;
    if (indent >= width) indent = 0;  // no room for a continuation's indent
    while (lines.size() + 1 < max_lines) {
        const std::size_t room = lines.empty() ? width : width - indent;
        if (display_width(utf8) <= room) break;
        std::string_view head = cut_to_width(utf8, room);
        if (head.empty()) break;  // not even one character fits
        // Break after the last space of the part that fits (the part is a whole word when a
        // space follows it), when there is one past the start.
        if (utf8[head.size()] == ' ') {
            head = utf8.substr(0, head.size() + 1);
        } else if (const std::size_t space = head.rfind(' ');
                   space != std::string_view::npos && space > 0) {
            head = head.substr(0, space + 1);
        }
        std::string line(lines.empty() ? 0 : indent, ' ');
        line.append(head.substr(0, head.find_last_not_of(' ') + 1));
        lines.push_back(std::move(line));
        utf8.remove_prefix(head.size());
    }
    std::string last(lines.empty() ? 0 : indent, ' ');
    last.append(fit_to_width(utf8, lines.empty() ? width : width - indent));
    lines.push_back(std::move(last));
    return lines;
}

}  // namespace aps::render
