// Finding a named section (.PyRuntime, .AsyncioDebug) among the files a target has mapped (a live
// process's maps or a core's NT_FILE note), opening each file the way the target's kind allows,
// and computing the section's address in the target.
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
#include "read/regular_file.hpp"

namespace aps::read {

// A file-backed mapping, described by its first (lowest) maps line.
struct MappedFile {
    std::string path;
    bool deleted = false;
    uint64_t start = 0;  // start of the first mapping: the image's base (docs/design.md,
                         // "Finding the runtime")
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
    bool access_refused = false;    // some file could not be opened for lack of permission
    std::optional<Error> unusable;  // the first file that could not be opened
};

// One place to open a mapped file, and whether a link there is followed (regular_file.hpp).
struct FilePath {
    std::string path;
    FollowLinks links = FollowLinks::No;
};

// How the locator reaches the files a target has mapped.
struct FileAccess {
    // The paths to try for a mapped file, best first.
    std::function<std::vector<FilePath>(const MappedFile&)> paths;
    // Whether an opened file is the one the target mapped (empty: every file is). A file that
    // fails it, or (with a verify) is not an image at all, stops the search with FileMismatch.
    std::function<Result<void>(const MappedFile&, const std::string& path, int fd, const Image&)>
        verify;
};

// A live process's files, through its /proc entries only: /proc/PID/root/<path>, then
// /proc/PID/map_files/<range>.
FileAccess live_file_access(pid_t pid);

// Accepts or rejects a section at a remote address (for example by reading its cookie).
// PermissionDenied, NoSuchProcess, BadCore and FileMismatch stop the search; other errors
// reject one candidate.
using SectionCheck = std::function<Result<void>(uint64_t addr, const SectionInfo& info)>;

class OpenedImages;  // opened_images.hpp

// Tries each file in order, each through the paths `access` gives, and returns the first of
// CPython's debug sections named `section` (kPyRuntimeSection, kAsyncioDebugSection) that passes
// `check`. A path already opened in `opened` is not opened again.
Result<std::optional<FoundSection>> find_mapped_section(std::span<const MappedFile> files,
                                                        const FileAccess& access,
                                                        std::string_view section,
                                                        const SectionCheck& check, SearchLog& log,
                                                        OpenedImages& opened);

}  // namespace aps::read
