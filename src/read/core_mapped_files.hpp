// The files a core's process had mapped (NT_FILE): where aps looks for each one (--exe for the
// executable, under --sysroot, or at its recorded path), and whether the file found is the one
// the process mapped (size, ELF headers and build-id against the core's dumped copy).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>

#include "aps/error.hpp"
#include "read/core_file.hpp"
#include "read/dumped_memory.hpp"
#include "read/image.hpp"
#include "read/regular_file.hpp"
#include "read/unique_fd.hpp"

namespace aps::read {

struct FileLookup {
    std::string sysroot;  // prefix for every recorded path (--sysroot); empty: none
    std::string exe;      // the main executable (--exe); empty: found like the others
};

class CoreMappedFiles {
  public:
    // `core` and `dumped` (its memory without files) must outlive this object.
    CoreMappedFiles(const CoreFile& core, DumpedMemory& dumped, FileLookup lookup);

    // Where aps opens the file the process mapped as `recorded`.
    std::string resolve(const std::string& recorded) const;
    // Whether a link there is followed: only at --exe, which the user named (regular_file.hpp).
    FollowLinks follow_links(const std::string& recorded) const;

    // Whether the file open on `fd`, found at `path`, is the one the process mapped as
    // `recorded`: large enough for every mapping of it, and, where the core holds the first page
    // of its first mapping, the same ELF header, program headers and build-id. FileMismatch
    // naming the file and what differs.
    Result<void> verify(const std::string& recorded, const std::string& path, int fd,
                        const Image& image) const;

    // Reads [addr, addr + out.size()) of mapping `m` from its file, opened and verified on first
    // use. FileMismatch when the file is missing or differs; ReadFailed past its end.
    Result<void> read(const CoreMapping& m, uint64_t addr, std::span<std::byte> out);

  private:
    // The size part of verify: the file must reach as far as every mapping of it.
    Result<void> check_size(const std::string& recorded, const std::string& path, int fd) const;

    struct Opened {
        UniqueFd fd;
        uint64_t size = 0;
        std::optional<Error> error;  // why the file cannot be used
    };
    Opened open_checked(const std::string& recorded) const;

    const CoreFile& core_;
    DumpedMemory& dumped_;
    FileLookup lookup_;
    std::map<std::string, Opened> opened_;  // by recorded path
};

// The hint that ends every FileMismatch message.
inline constexpr std::string_view kFileHint =
    "give the process's own files with --sysroot DIR (and the executable with --exe PATH)";

}  // namespace aps::read
