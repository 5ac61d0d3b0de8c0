// JSON text primitives (see json_text.hpp for the escaping rules).
#include "render/json_text.hpp"

#include "render/escape.hpp"
#include "render/py_format.hpp"

namespace aps::render {
namespace {

constexpr std::string_view kReplacement = "\\ufffd";

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
    out.push_back('"');
    append_escaping(
        out, text, [](unsigned char b) { return b >= 0x20 && b < 0x7F && b != '"' && b != '\\'; },
        [&](unsigned char b) {
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
        },
        [&](uint32_t cp, std::string_view bytes) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                out.append(kReplacement);
            } else if (cp <= 0x9F || is_bidi_control(cp) || cp == 0x2028 || cp == 0x2029) {
                append_u_escape(out, cp);
            } else {
                out.append(bytes);
            }
        },
        [&](unsigned char) { out.append(kReplacement); });
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
