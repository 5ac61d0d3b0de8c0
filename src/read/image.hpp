// The seam for executable image formats, ELF (elf_image.cpp) and Mach-O (macho_image.cpp): the
// sections CPython puts its debug tables in, symbols, the address the image is linked at, and
// its build-id.
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
    uint64_t file_offset = 0;  // where the initialised bytes are, from the start of the file
};

// CPython's debug sections by the name GENERATE_DEBUG_SECTION(name, ...) gives them; each format
// spells that name its own way (ELF ".PyRuntime", Mach-O section "PyRuntime" of segment __DATA).
inline constexpr std::string_view kPyRuntimeSection = "PyRuntime";
inline constexpr std::string_view kAsyncioDebugSection = "AsyncioDebug";

// The architectures a universal (fat) Mach-O file is searched for. ELF files hold one.
enum class CpuArch { X86_64, Arm64 };

// The architecture aps was built for: the slice to pick when the caller knows no better (a
// translated process on macOS runs the x86_64 slice on an arm64 machine).
CpuArch host_arch();
std::string_view arch_name(CpuArch arch);

class Image {
  public:
    virtual ~Image() = default;

    // The section named exactly `name` as the format names it (ELF ".PyRuntime", Mach-O
    // "__DATA,PyRuntime" for section PyRuntime of segment __DATA), or empty.
    virtual std::optional<SectionInfo> find_section(std::string_view name) const = 0;

    // CPython's debug section `name` (kPyRuntimeSection, kAsyncioDebugSection), or empty.
    virtual std::optional<SectionInfo> find_debug_section(std::string_view name) const = 0;

    // The link-time address of the defined symbol that C source calls `name` ("_PyRuntime";
    // Mach-O stores it with one more leading underscore). Empty when the image does not define
    // it; BadImage when its symbol table cannot be read.
    virtual Result<std::optional<uint64_t>> find_symbol(std::string_view name) const = 0;

    // The link-time address that corresponds to the start of the image's first mapping (ELF: the
    // first PT_LOAD; Mach-O: the segment holding the header, __TEXT).
    virtual uint64_t link_base() const = 0;

    // The build-id as lowercase hex (ELF: the GNU build-id note), or empty when the image has
    // none or the format's is not read.
    virtual const std::string& build_id() const = 0;
};

// Where a section lives in a process that mapped the image's first segment at `map_start`.
inline uint64_t remote_section_address(uint64_t map_start, const Image& image,
                                       const SectionInfo& section) {
    return map_start + section.addr - image.link_base();
}

// Opens an image from an open file descriptor (not taken over), choosing the format by its magic
// and, in a universal Mach-O file, the slice for `arch`. `name` is only used in messages.
// BadImage when the file is not a format aps understands, is malformed, or has no such slice.
Result<std::unique_ptr<Image>> open_image(int fd, std::string_view name,
                                          CpuArch arch = host_arch());

// Opens the file at `path` read-only and parses it; a file that cannot be opened is BadImage too.
Result<std::unique_ptr<Image>> open_image_file(const std::string& path, CpuArch arch = host_arch());

}  // namespace aps::read
