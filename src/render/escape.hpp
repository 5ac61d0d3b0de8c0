// Escaping of names for the terminal: control characters, bidi controls, lone surrogates and
// invalid UTF-8 become backslash escapes, so one task is always one line and cannot restyle it.
// Also the UTF-8 pass and the \u escape that the JSON escaper (json_text) shares.
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
//   \xNN                                      for U+DC80-U+DCFF, the lone surrogates that stand for
//                                             the undecodable byte NN (surrogateescape)
//   \uXXXX                                    for the other lone surrogates (U+D800-U+DC7F,
//                                             U+DD00-U+DFFF) and bidi controls (U+061C, U+200E,
//                                             U+200F, U+202A-U+202E, U+2066-U+2069)
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

// \uXXXX for a code point up to U+FFFF (the terminal and JSON spell it alike). Inline: both
// escapers call it for every escaped character.
inline void append_u_escape(std::string& out, uint32_t cp) {
    constexpr char hex[] = "0123456789abcdef";
    const char buf[6] = {
        '\\',         'u', hex[(cp >> 12) & 0xF], hex[(cp >> 8) & 0xF], hex[(cp >> 4) & 0xF],
        hex[cp & 0xF]};
    out.append(buf, 6);
}

// The one pass both escapers make over untrusted UTF-8 (append_escaped for the terminal,
// append_json_string for JSON); they differ only in which bytes they escape and how. A run of
// bytes that `plain(b)` accepts is copied in one go (`plain` must reject every byte >= 0x80);
// every other byte below 0x80 goes to `ascii(b)`, each valid UTF-8 sequence (see
// decode_utf8_sequence) to `sequence(cp, bytes)`, and each byte that starts no valid sequence to
// `invalid(b)`, the pass going on at the next byte.
template <typename Plain, typename Ascii, typename Sequence, typename Invalid>
void append_escaping(std::string& out, std::string_view text, Plain plain, Ascii ascii,
                     Sequence sequence, Invalid invalid) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        // Fast path: a run of plain bytes is copied in one go.
        std::size_t run = i;
        while (run < n && plain(static_cast<unsigned char>(text[run]))) ++run;
        if (run > i) {
            out.append(text.data() + i, run - i);
            i = run;
            if (i == n) break;
        }
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            ascii(b);
            ++i;
            continue;
        }
        uint32_t cp = 0;
        const std::size_t len = decode_utf8_sequence(text, i, cp);
        if (len == 0) {
            invalid(b);
            ++i;
            continue;
        }
        sequence(cp, text.substr(i, len));
        i += len;
    }
}

// Number of code points of valid UTF-8 text (what Python's str.ljust counts). The output of
// append_escaped is always valid UTF-8.
std::size_t code_points(std::string_view utf8);

}  // namespace aps::render
