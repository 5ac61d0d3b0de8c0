// Task names as the reference's table and tree show them: cut to 255 code points (the reference
// reads no more of a name). The walk keeps names whole; the data views print them whole.
#pragma once

#include <cstddef>
#include <string_view>

namespace aps::render {

inline constexpr std::size_t kNameCodePoints = 255;

// The first kNameCodePoints code points of a UTF-8 name (the model's generalized UTF-8: a lone
// surrogate is one 3-byte code point), or the whole name when shorter.
std::string_view reference_name(std::string_view utf8);

}  // namespace aps::render
