// The memory of a core file: the bytes the core holds (DumpedMemory), and the rest of each
// file-backed mapping (read-only text and data that cores leave out) from the mapped file,
// through CoreMappedFiles, which checks each file before its first use.
#pragma once

#include <cstdint>
#include <span>

#include "aps/memory.hpp"
#include "read/core_file.hpp"
#include "read/core_mapped_files.hpp"
#include "read/dumped_memory.hpp"

namespace aps::read {

class CoreMemory final : public RemoteMemory {
  public:
    CoreMemory(const CoreFile& core, DumpedMemory& dumped, CoreMappedFiles& files)
        : core_(core), dumped_(dumped), files_(files) {}

    // Errors: ReadFailed (memory the process did not have, or that neither the core nor a file
    // holds), BadCore (truncated core), FileMismatch (a needed file is missing or differs).
    Result<void> read(uint64_t addr, std::span<std::byte> out) override;

  private:
    const CoreFile& core_;
    DumpedMemory& dumped_;
    CoreMappedFiles& files_;
};

}  // namespace aps::read
