// A core file as a target: its memory (the bytes the core holds, the rest from the files the
// process had mapped, each checked against the core) and its runtime.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "aps/target.hpp"
#include "read/runtime_locator.hpp"

namespace aps::read {

class CoreTarget {
  public:
    ~CoreTarget();
    CoreTarget(CoreTarget&&) noexcept;
    CoreTarget& operator=(CoreTarget&&) noexcept;

    // The process's memory as the core holds it. Reads never touch a live process.
    RemoteMemory& memory();
    // Where memory() can serve reads, for a CachedMemory over it.
    std::vector<AddressRange> readable_ranges() const;
    // "core file PATH (process PID, COMMAND)", for messages.
    std::string describe() const;
    // The pid the core records (NT_PRPSINFO), 0 when it records none.
    pid_t pid() const;

    // Finds and validates the debug offsets, reading through `memory` (memory() or a cache over
    // it). Errors: NotPython, UnsupportedVersion, InvalidOffsets, CorruptData, BadCore,
    // FileMismatch.
    Result<Runtime> find_runtime(RemoteMemory& memory);

    struct Parts;

  private:
    explicit CoreTarget(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
    friend Result<CoreTarget> open_core(const CoreOptions& options);
};

// Opens and parses the core. BadCore when it cannot be read or is not an ELF core of this
// machine; FileMismatch when --exe or --sysroot name something that does not exist.
Result<CoreTarget> open_core(const CoreOptions& options);

}  // namespace aps::read
