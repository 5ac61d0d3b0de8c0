// JSON text primitives of the data views: string escaping of untrusted bytes, numbers, ids.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace aps::render {

// Appends `text` as a JSON string literal (with the quotes). The output is always valid UTF-8
// and valid JSON for every input, so strict parsers accept it:
//   " \ and the escapes \b \f \n \r \t         as JSON requires
//   \u00XX for other C0 controls, DEL and C1 controls (U+0080-U+009F)
//   \uXXXX for bidi controls and U+2028/U+2029 (the value is unchanged; only the text is
//          safe to print and to embed in JavaScript)
//   \ufffd for each lone surrogate (kept by the model in its 3-byte generalized UTF-8 form: a
//          Python str can hold one, a JSON text cannot portably) and for each byte that is not
//          part of valid UTF-8
// Everything else is copied unchanged.
void append_json_string(std::string& out, std::string_view text);

// A task or awaiter id as the ps table spells it: "0x7f3a..." (Python hex()), quoted.
void append_json_id(std::string& out, uint64_t id);

void append_json_int(std::string& out, int64_t value);
void append_json_uint(std::string& out, uint64_t value);

}  // namespace aps::render
