// Chooses the image format of a file: each format's try_open returns empty unless its magic
// matches, and the first that claims the file wins.
#include "read/image.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "read/elf_image.hpp"

namespace aps::read {

Result<std::unique_ptr<Image>> open_image(int fd, std::string_view name) {
    auto elf = try_open_elf(fd, name);
    if (!elf || *elf) return elf;
    return Error{Errc::BadImage, fmt::format("'{}': not an ELF file", name)};
}

Result<std::unique_ptr<Image>> open_image_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Error{Errc::BadImage,
                     fmt::format("cannot open '{}': {}", path, std::strerror(errno))};
    }
    auto image = open_image(fd, path);
    ::close(fd);
    return image;
}

}  // namespace aps::read
