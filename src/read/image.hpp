// The seam for executable image formats: find a named section and the address the image is linked
// at. ELF is implemented (elf_image.cpp); Mach-O can be added behind the same interface.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aps/error.hpp"

namespace aps::read {

struct SectionInfo {
    uint64_t addr = 0;         // link-time virtual address
    uint64_t size = 0;         // bytes in memory
    uint64_t file_offset = 0;  // where the initialised bytes are in the file
};

class Image {
  public:
    virtual ~Image() = default;

    // The section named exactly `name` (".PyRuntime"), or empty when the image has none.
    virtual std::optional<SectionInfo> find_section(std::string_view name) const = 0;

    // The link-time address that corresponds to the start of the image's first mapping.
    virtual uint64_t link_base() const = 0;
};

// Where a section lives in a process that mapped the image's first segment at `map_start`.
inline uint64_t remote_section_address(uint64_t map_start, const Image& image,
                                       const SectionInfo& section) {
    return map_start + section.addr - image.link_base();
}

// Opens an image from an open file descriptor (not taken over). `name` is only used in messages.
// BadImage when the file is not a format aps understands or is malformed.
Result<std::unique_ptr<Image>> open_image(int fd, std::string_view name);

// Opens the file at `path` read-only and parses it; a file that cannot be opened is BadImage too.
Result<std::unique_ptr<Image>> open_image_file(const std::string& path);

}  // namespace aps::read
