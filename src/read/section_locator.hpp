// Finding a named section (.PyRuntime, .AsyncioDebug) among the files a live process has mapped,
// opening each file as the target sees it, and computing the section's address in the target.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aps/error.hpp"
#include "read/image.hpp"
#include "read/proc_maps.hpp"

namespace aps::read {

// A file-backed mapping, described by its first (lowest) maps line.
struct MappedFile {
    std::string path;
    bool deleted = false;
    uint64_t start = 0;  // start of the first mapping: the image's base in the rules of §2.2
    uint64_t end = 0;
};

// Each image mapped in `maps` (a file mapped twice appears twice), in address order.
std::vector<MappedFile> mapped_files(std::span<const MapEntry> maps);

struct FoundSection {
    uint64_t addr = 0;  // in the target
    SectionInfo info;
    std::string file;  // the path as the target's maps name it
};

// Why candidates were rejected, for an error message that explains itself.
struct SearchLog {
    std::vector<std::string> notes;
    bool access_refused = false;  // some file could not be opened for lack of permission
};

// Accepts or rejects a section at a remote address (for example by reading its cookie).
// PermissionDenied and NoSuchProcess stop the search; other errors reject one candidate.
using SectionCheck = std::function<Result<void>(uint64_t addr, const SectionInfo& info)>;

// Tries each file in order, each through /proc/PID/root/<path>, /proc/PID/map_files/<range>
// and the literal path, and returns the first of CPython's debug sections named `section`
// (kPyRuntimeSection, kAsyncioDebugSection) that passes `check`.
Result<std::optional<FoundSection>> find_mapped_section(pid_t pid,
                                                        std::span<const MappedFile> files,
                                                        std::string_view section,
                                                        const SectionCheck& check, SearchLog& log);

}  // namespace aps::read
