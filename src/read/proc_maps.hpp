// /proc/PID/maps: one MapEntry per line, parsed by a pure function so that it can be tested on
// text.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"

namespace aps::read {

struct MapEntry {
    uint64_t start = 0;
    uint64_t end = 0;
    std::string perms;  // "r-xp"
    uint64_t offset = 0;
    std::string dev;  // "fe:00"
    uint64_t inode = 0;
    std::string path;      // empty for anonymous mappings; " (deleted)" removed
    bool deleted = false;  // the kernel marked the mapped file as deleted

    bool readable() const { return !perms.empty() && perms[0] == 'r'; }
    bool writable() const { return perms.size() > 1 && perms[1] == 'w'; }
};

// The part of a path after its last '/'.
std::string_view basename_of(std::string_view path);

// Parses the text of a maps file. A malformed line is CorruptData naming its line number.
Result<std::vector<MapEntry>> parse_proc_maps(std::string_view text);

// The ranges a target has mapped readable, for a cache to bound its blocks by (the kernel's
// [vvar] pages, readable in maps, cannot be read through process_vm_readv).
std::vector<AddressRange> readable_ranges(std::span<const MapEntry> maps);

// Reads and parses /proc/PID/maps. NoSuchProcess when the pid does not exist, PermissionDenied
// when the kernel refuses.
Result<std::vector<MapEntry>> read_proc_maps(pid_t pid);

}  // namespace aps::read
