// Escaping of names for the terminal (see escape.hpp for the exact rules).
#include "render/escape.hpp"

#include <cstdint>
#include <cstring>

namespace aps::render {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned value) {
    const char buf[4] = {'\\', 'x', kHex[(value >> 4) & 0xF], kHex[value & 0xF]};
    out.append(buf, 4);
}

bool is_continuation(unsigned char b) {
    return (b & 0xC0) == 0x80;
}

}  // namespace

bool is_bidi_control(uint32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

std::size_t decode_utf8_sequence(std::string_view text, std::size_t i, uint32_t& cp) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char lead = at(0);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        len = 2;
        cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
        cp = lead & 0x0F;
        if (lead == 0xE0) lo = 0xA0;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
        cp = lead & 0x07;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (text.size() - i < len) return 0;
    if (at(1) < lo || at(1) > hi) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if (!is_continuation(at(k))) return 0;
        cp = (cp << 6) | (at(k) & 0x3F);
    }
    return len;
}

void append_escaped(std::string& out, std::string_view text) {
    append_escaping(
        out, text, [](unsigned char b) { return b >= 0x20 && b < 0x7F; },
        [&](unsigned char b) {
            switch (b) {
                case '\n':
                    out.append("\\n");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                default:
                    append_byte_escape(out, b);
                    break;
            }
        },
        [&](uint32_t cp, std::string_view bytes) {
            if (cp <= 0x9F) {
                append_byte_escape(out, cp);
            } else if (cp >= 0xDC80 && cp <= 0xDCFF) {
                // How Python holds a byte that did not decode (os.fsdecode's surrogateescape): a
                // file or directory name with a Latin-1 byte. The byte is what is on disk.
                append_byte_escape(out, cp - 0xDC00);
            } else if ((cp >= 0xD800 && cp <= 0xDFFF) || is_bidi_control(cp)) {
                append_u_escape(out, cp);
            } else {
                out.append(bytes);
            }
        },
        [&](unsigned char b) { append_byte_escape(out, b); });
}

std::string escape_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_escaped(out, text);
    return out;
}

std::size_t code_points(std::string_view utf8) {
    // Every column of every row is measured: count the continuation bytes (10xxxxxx) eight at a
    // time: bit 7 set where bit 6 (shifted up by one) is clear, summed by one multiply.
    std::size_t count = utf8.size();
    std::size_t i = 0;
    for (; i + 8 <= utf8.size(); i += 8) {
        uint64_t w;
        std::memcpy(&w, utf8.data() + i, 8);
        const uint64_t continuation = (w & ~(w << 1) & 0x8080808080808080ull) >> 7;
        count -= static_cast<std::size_t>((continuation * 0x0101010101010101ull) >> 56);
    }
    for (; i < utf8.size(); ++i) count -= is_continuation(static_cast<unsigned char>(utf8[i]));
    return count;
}

}  // namespace aps::render
