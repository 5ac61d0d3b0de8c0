// ELF images read with libelf: section headers by name and the first PT_LOAD's aligned address.
#pragma once

#include <memory>
#include <string_view>

#include "read/image.hpp"

namespace aps::read {

// Empty when the file does not start with the ELF magic; BadImage when it does but is malformed.
Result<std::unique_ptr<Image>> try_open_elf(int fd, std::string_view name);

}  // namespace aps::read
