// The reference's cut of task names (see name_cut.hpp).
#include "render/name_cut.hpp"

namespace aps::render {

std::string_view reference_name(std::string_view utf8) {
    if (utf8.size() <= kNameCodePoints) return utf8;  // no more bytes than code points
    std::size_t code_points = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        // Every byte but a continuation byte (10xxxxxx) starts a code point.
        if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80 &&
            code_points++ == kNameCodePoints) {
            return utf8.substr(0, i);
        }
    }
    return utf8;
}

}  // namespace aps::render
