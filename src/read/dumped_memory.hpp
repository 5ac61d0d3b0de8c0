// The bytes a core file holds of its process's memory, and nothing else: what the process's
// memory was, with no file filling the gaps (the core's own copy of a mapped file's headers).
#pragma once

#include <cstdint>
#include <span>

#include "aps/memory.hpp"
#include "read/core_file.hpp"

namespace aps::read {

class DumpedMemory final : public RemoteMemory {
  public:
    // `core` was parsed from `fd`; both must outlive this object.
    DumpedMemory(const CoreFile& core, int fd) : core_(core), fd_(fd) {}

    // ReadFailed for memory the core does not hold; BadCore where the core file is truncated.
    Result<void> read(uint64_t addr, std::span<std::byte> out) override;

    // How many bytes from addr on the core holds in one segment, at most `max`.
    uint64_t dumped_run(uint64_t addr, uint64_t max) const;

  private:
    const CoreFile& core_;
    int fd_;
};

}  // namespace aps::read
