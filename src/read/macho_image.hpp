// Mach-O images, thin (64-bit x86_64 or arm64) or universal: sections by segment and name, the
// symbol table, and the __TEXT segment's address, read with bounded preads into owned values.
#pragma once

#include <memory>
#include <string_view>

#include "read/image.hpp"

namespace aps::read {

// Empty when the file starts with neither a Mach-O nor a universal magic; BadImage when it does
// but is malformed, is 32-bit or big-endian, or (universal) holds no slice for `arch`.
Result<std::unique_ptr<Image>> try_open_macho(int fd, std::string_view name, CpuArch arch);

}  // namespace aps::read
