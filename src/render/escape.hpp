// Escaping of names for the terminal: control characters, bidi controls, lone surrogates and
// invalid UTF-8 become backslash escapes, so one task is always one line and cannot restyle it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aps::render {

// Appends `text` (UTF-8, possibly invalid or with generalized-UTF-8 surrogates) to `out`, with:
//   \n \t \r                                  for LF, TAB, CR
//   \xNN                                      for other C0 controls, DEL, C1 controls
//   (U+0080-U+009F)
//                                             and every byte that is not part of valid UTF-8
//   \uXXXX                                    for lone surrogates (U+D800-U+DFFF) and bidi controls
//                                             (U+061C, U+200E, U+200F, U+202A-U+202E,
//                                             U+2066-U+2069)
// Everything else is copied unchanged; a backslash is not escaped (paths keep their spelling).
void append_escaped(std::string& out, std::string_view text);

std::string escape_text(std::string_view text);

// Decodes the multi-byte sequence starting at text[i] (text[i] >= 0x80): returns its length and
// sets `cp`, or returns 0 when the bytes are not valid UTF-8. Surrogates (ED A0..BF xx) are
// accepted: the model keeps a Python str's lone surrogate in that form.
std::size_t decode_utf8_sequence(std::string_view text, std::size_t i, uint32_t& cp);

// U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: characters that reorder the text around
// them, so never printed raw.
bool is_bidi_control(uint32_t cp);

// Number of code points of valid UTF-8 text (what Python's str.ljust counts). The output of
// append_escaped is always valid UTF-8.
std::size_t code_points(std::string_view utf8);

}  // namespace aps::render
