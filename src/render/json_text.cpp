// JSON text primitives (see json_text.hpp for the escaping rules).
#include "render/json_text.hpp"

#include "render/escape.hpp"
#include "render/py_format.hpp"

namespace aps::render {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\\ufffd";

void append_u_escape(std::string& out, uint32_t cp) {
    const char buf[6] = {
        '\\',          'u', kHex[(cp >> 12) & 0xF], kHex[(cp >> 8) & 0xF], kHex[(cp >> 4) & 0xF],
        kHex[cp & 0xF]};
    out.append(buf, 6);
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        // Fast path: a run of printable ASCII other than " and \ is copied in one go.
        std::size_t run = i;
        while (run < n) {
            const auto b = static_cast<unsigned char>(text[run]);
            if (b < 0x20 || b >= 0x7F || b == '"' || b == '\\') break;
            ++run;
        }
        if (run > i) {
            out.append(text.data() + i, run - i);
            i = run;
            if (i == n) break;
        }
        const auto b = static_cast<unsigned char>(text[i]);
        if (b < 0x80) {
            switch (b) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    append_u_escape(out, b);
                    break;  // other C0 controls and DEL
            }
            ++i;
            continue;
        }
        uint32_t cp = 0;
        const std::size_t len = decode_utf8_sequence(text, i, cp);
        if (len == 0) {
            out.append(kReplacement);
            ++i;
            continue;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            out.append(kReplacement);
        } else if (cp <= 0x9F || is_bidi_control(cp) || cp == 0x2028 || cp == 0x2029) {
            append_u_escape(out, cp);
        } else {
            out.append(text.data() + i, len);
        }
        i += len;
    }
    out.push_back('"');
}

void append_json_id(std::string& out, uint64_t id) {
    out.push_back('"');
    append_py_hex(out, id);
    out.push_back('"');
}

void append_json_int(std::string& out, int64_t value) {
    append_decimal(out, value);
}

void append_json_uint(std::string& out, uint64_t value) {
    append_decimal(out, value);
}

}  // namespace aps::render
