// Finding and checking the files a core names; see core_mapped_files.hpp.
#include "read/core_mapped_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "read/elf_notes.hpp"
#include "read/regular_file.hpp"

namespace aps::read {
namespace {

// Bytes of a mapping's dumped start read to find its headers and build-id note.
constexpr uint64_t kHeaderWindow = 64u << 10;
constexpr size_t kEhdrSize = sizeof(Elf64_Ehdr);

Error not_the_mapped_file(const std::string& recorded, const std::string& path,
                          std::string_view what) {
    std::string who = path == recorded
                          ? fmt::format("{} is not the file the process had mapped", path)
                          : fmt::format("{} is not the {} the process had mapped", path, recorded);
    return {Errc::FileMismatch, fmt::format("{}: {}; {}", who, what, kFileHint)};
}

uint64_t round_up(uint64_t n, uint64_t page) {
    return (n + page - 1) / page * page;
}

bool read_exact(int fd, std::span<std::byte> out, uint64_t offset) {
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// Whether the file's bytes in [offset, offset + expected.size()) equal `expected`.
bool file_has(int fd, std::span<const std::byte> expected, uint64_t offset) {
    if (expected.empty()) return true;  // memcmp must not see the null data() of an empty vector
    std::vector<std::byte> got(expected.size());
    return read_exact(fd, got, offset) &&
           std::memcmp(got.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

CoreMappedFiles::CoreMappedFiles(const CoreFile& core, DumpedMemory& dumped, FileLookup lookup)
    : core_(core), dumped_(dumped), lookup_(std::move(lookup)) {}

FollowLinks CoreMappedFiles::follow_links(const std::string& recorded) const {
    const bool named_by_user = !lookup_.exe.empty() && recorded == core_.executable();
    return named_by_user ? FollowLinks::Yes : FollowLinks::No;
}

std::string CoreMappedFiles::resolve(const std::string& recorded) const {
    if (!lookup_.exe.empty() && recorded == core_.executable()) return lookup_.exe;
    if (lookup_.sysroot.empty()) return recorded;
    std::string root = lookup_.sysroot;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    return recorded.starts_with('/') ? root + recorded : root + "/" + recorded;
}

Result<void> CoreMappedFiles::check_size(const std::string& recorded, const std::string& path,
                                         int fd) const {
    struct stat st;
    if (::fstat(fd, &st) != 0) {
        return Error{Errc::FileMismatch,
                     fmt::format("cannot examine {}: {}", path, std::strerror(errno))};
    }
    // A FIFO or a device at a path the core names is not what the process mapped (and reading
    // one could wait forever).
    if (!S_ISREG(st.st_mode)) return not_the_mapped_file(recorded, path, "not a regular file");
    uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t mapped_to = 0;
    for (const CoreMapping& m : core_.mappings) {
        if (m.path == recorded) mapped_to = std::max(mapped_to, m.offset + (m.end - m.start));
    }
    // A mapping may run to the end of the page that holds the file's last byte, no further.
    if (round_up(size, core_.page_size) < mapped_to) {
        return not_the_mapped_file(
            recorded, path,
            fmt::format("the process mapped it up to byte {}, the file has {} bytes", mapped_to,
                        size));
    }
    return {};
}

Result<void> CoreMappedFiles::verify(const std::string& recorded, const std::string& path, int fd,
                                     const Image& image) const {
    if (auto ok = check_size(recorded, path, fd); !ok) return ok;
    const CoreMapping* first = nullptr;  // the start of the first image of the file
    for (const CoreMapping& m : core_.mappings) {
        if (m.path == recorded && m.offset == 0) {
            first = &m;
            break;
        }
    }
    if (first == nullptr) return {};

    // The core's copy of the headers: the dumped start of the first mapping, when there is one.
    std::vector<std::byte> copy(
        dumped_.dumped_run(first->start, std::min(kHeaderWindow, first->end - first->start)));
    if (!copy.empty() && !dumped_.read(first->start, copy)) copy.clear();
    if (copy.size() < kEhdrSize) return {};  // nothing dumped: the size check is all there is
    ElfHandle elf = elf_from_bytes(copy);
    if (!elf) return {};

    std::string core_id = elf_build_id(elf.get());
    if (!core_id.empty() && !image.build_id().empty() && core_id != image.build_id()) {
        return not_the_mapped_file(
            recorded, path,
            fmt::format("build-id {} in the core, {} in the file", core_id, image.build_id()));
    }
    Elf64_Ehdr eh;
    std::memcpy(&eh, copy.data(), kEhdrSize);
    uint64_t ph_bytes = uint64_t{eh.e_phnum} * eh.e_phentsize;
    bool headers_same = file_has(fd, std::span(copy).first(kEhdrSize), 0);
    if (headers_same && eh.e_phoff <= copy.size() && ph_bytes <= copy.size() - eh.e_phoff) {
        headers_same = file_has(fd, std::span(copy).subspan(eh.e_phoff, ph_bytes), eh.e_phoff);
    }
    if (!headers_same) {
        // Say how they differ where a number shows it: the program headers' count or place.
        Elf64_Ehdr theirs{};
        std::string detail;
        if (read_exact(fd, std::as_writable_bytes(std::span(&theirs, 1)), 0) &&
            (theirs.e_phnum != eh.e_phnum || theirs.e_phoff != eh.e_phoff)) {
            detail = fmt::format(
                " ({} program headers at {:#x} in the core's copy, {} at {:#x} "
                "in the file)",
                eh.e_phnum, eh.e_phoff, theirs.e_phnum, theirs.e_phoff);
        }
        return not_the_mapped_file(
            recorded, path,
            fmt::format("{}its ELF headers differ from the core's copy{}",
                        core_id.empty() || image.build_id().empty() ? "" : "same build-id, but ",
                        detail));
    }
    return {};
}

CoreMappedFiles::Opened CoreMappedFiles::open_checked(const std::string& recorded) const {
    Opened out;
    std::string path = resolve(recorded);
    RegularFile file = open_regular_file(path, follow_links(recorded));
    if (!file.fd.valid()) {
        std::string shown = path == recorded ? path : fmt::format("{} (for {})", path, recorded);
        out.error = Error{Errc::FileMismatch, fmt::format("cannot open {}, mapped by the process: "
                                                          "{}; {}",
                                                          shown, file.refusal, kFileHint)};
        return out;
    }
    out.fd = std::move(file.fd);
    if (auto ok = check_size(recorded, path, out.fd.get()); !ok) {
        out.error = std::move(ok).error();
        return out;
    }
    auto image = open_image(out.fd.get(), path);
    if (!image) {
        out.error = not_the_mapped_file(recorded, path, image.error().message);
        return out;
    }
    if (auto same = verify(recorded, path, out.fd.get(), **image); !same) {
        out.error = std::move(same).error();
        return out;
    }
    struct stat st;
    out.size = ::fstat(out.fd.get(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
    return out;
}

Result<void> CoreMappedFiles::read(const CoreMapping& m, uint64_t addr, std::span<std::byte> out) {
    auto it = opened_.find(m.path);
    if (it == opened_.end()) it = opened_.emplace(m.path, open_checked(m.path)).first;
    const Opened& file = it->second;
    if (file.error) return *file.error;

    uint64_t offset = m.offset + (addr - m.start);
    // Bytes past the end of the file read as zeros up to the end of that page, as in the process.
    uint64_t readable_to = round_up(file.size, core_.page_size);
    if (offset >= readable_to || readable_to - offset < out.size()) {
        return Error{Errc::ReadFailed,
                     fmt::format("{:#x} ({} bytes) is past the end of {} (not dumped in the core)",
                                 addr, out.size(), resolve(m.path))};
    }
    uint64_t from_file =
        offset < file.size ? std::min<uint64_t>(out.size(), file.size - offset) : 0;
    if (from_file > 0 && !read_exact(file.fd.get(), out.first(from_file), offset)) {
        return Error{Errc::FileMismatch,
                     fmt::format("reading {} bytes at offset {:#x} of {}: {}", from_file, offset,
                                 resolve(m.path), std::strerror(errno))};
    }
    std::memset(out.data() + from_file, 0, out.size() - from_file);
    return {};
}

}  // namespace aps::read
