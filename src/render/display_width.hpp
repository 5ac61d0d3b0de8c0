// Terminal columns of UTF-8 text, and cutting text to a number of columns: what the watch screen
// needs to keep every row inside the terminal's width.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace aps::render {

// Columns a terminal gives the text: 2 for East Asian wide and fullwidth characters (CJK, Hangul,
// most emoji), 0 for combining marks, variation selectors and zero-width joiners, 1 otherwise.
// `utf8` is valid UTF-8 (what append_escaped writes); a stray byte counts as one column.
std::size_t display_width(std::string_view utf8);

// The longest prefix of `utf8` that fits in `width` columns, never splitting a character.
std::string_view cut_to_width(std::string_view utf8, std::size_t width);

// `utf8` cut to `width` columns, with "…" as its last column when something was cut off.
std::string fit_to_width(std::string_view utf8, std::size_t width);

// `utf8` on lines of at most `width` columns, broken after a space where one fits (else inside a
// word), each line after the first indented by `indent` spaces; at most `max_lines` lines, the
// last fitted to the width (with "…" when text is left over).
std::vector<std::string> wrap_to_width(std::string_view utf8, std::size_t width, std::size_t indent,
                                       std::size_t max_lines);

}  // namespace aps::render
