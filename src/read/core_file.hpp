// An ELF core file's table of contents, parsed once with libelf: its memory segments (PT_LOAD),
// the files the process had mapped (NT_FILE), its auxiliary vector and the process's pid and
// command. No memory is read here; core_memory.hpp serves reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aps/error.hpp"

namespace aps::read {

// One PT_LOAD: [vaddr, vaddr + memsz) of the process, of which the first `filesz` bytes are at
// `offset` in the core. The rest was not dumped (read-only file-backed memory, usually).
struct CoreSegment {
    uint64_t vaddr = 0;
    uint64_t memsz = 0;
    uint64_t offset = 0;
    uint64_t filesz = 0;
    uint32_t flags = 0;  // PF_R | PF_W | PF_X
};

// One NT_FILE entry: [start, end) of the process mapped `path` from byte `offset` on.
struct CoreMapping {
    uint64_t start = 0;
    uint64_t end = 0;
    uint64_t offset = 0;  // in bytes
    std::string path;     // " (deleted)" removed
    bool deleted = false;
};

struct CoreFile {
    std::string name;                   // the core's path, for messages
    uint64_t size = 0;                  // bytes of the core file
    std::vector<CoreSegment> segments;  // sorted by vaddr
    std::vector<CoreMapping> mappings;  // NT_FILE, sorted by start
    uint64_t page_size = 4096;          // the process's (AT_PAGESZ, else NT_FILE's if above 1)
    std::optional<uint64_t> entry;      // AT_ENTRY: the executable's entry point
    int64_t pid = 0;                    // from NT_PRPSINFO, 0 when absent
    std::string command;                // pr_fname, empty when absent

    // The segment holding addr, or null.
    const CoreSegment* segment_at(uint64_t addr) const;
    // The NT_FILE mapping holding addr, or null.
    const CoreMapping* mapping_at(uint64_t addr) const;
    // The path of the main executable: the mapping holding AT_ENTRY, else the first mapping.
    std::string executable() const;
    // "core file NAME (process PID, COMMAND)", for messages.
    std::string describe() const;
};

// Bounds against a corrupt core: far above any real process.
struct CoreLimits {
    uint64_t max_segments = 1u << 20;
    uint64_t max_mappings = 1u << 20;
    uint64_t max_note_bytes = 256u << 20;  // all PT_NOTE segments together
};

// Parses the core open on `fd` (not taken over). BadCore when the file is not a 64-bit ELF core
// of this machine, or when its headers or notes are truncated or malformed.
Result<CoreFile> parse_core_file(int fd, std::string_view name, const CoreLimits& limits = {});

// Opens and parses the core at `path` (BadCore when it cannot be opened).
Result<CoreFile> parse_core_file(const std::string& path, const CoreLimits& limits = {});

}  // namespace aps::read
