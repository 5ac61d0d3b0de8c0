// Chooses the image format of a file: each format's try_open returns empty unless its magic
// matches, and the first that claims the file wins.
#include "read/image.hpp"

#include <fmt/format.h>

#ifndef APS_NO_ELF
#include "read/elf_image.hpp"
#endif
#include "read/macho_image.hpp"
#include "read/regular_file.hpp"

namespace aps::read {

CpuArch host_arch() {
#if defined(__aarch64__) || defined(__arm64__)
    return CpuArch::Arm64;
#else
    return CpuArch::X86_64;  // also the choice on hosts that are neither: Mach-O needs one
#endif
}

std::string_view arch_name(CpuArch arch) {
    return arch == CpuArch::Arm64 ? "arm64" : "x86_64";
}

Result<std::unique_ptr<Image>> open_image(int fd, std::string_view name, CpuArch arch) {
#ifndef APS_NO_ELF  // a macOS build without libelf (CMakeLists.txt)
    auto elf = try_open_elf(fd, name);
    if (!elf || *elf) return elf;
#endif
    auto macho = try_open_macho(fd, name, arch);
    if (!macho || *macho) return macho;
    return Error{Errc::BadImage, fmt::format("'{}': not an ELF or Mach-O file", name)};
}

Result<std::unique_ptr<Image>> open_image_file(const std::string& path, CpuArch arch) {
    RegularFile file = open_regular_file(path, FollowLinks::Yes);
    if (!file.fd.valid()) {
        return Error{Errc::BadImage, fmt::format("cannot open '{}': {}", path, file.refusal)};
    }
    return open_image(file.fd.get(), path, arch);
}

}  // namespace aps::read
