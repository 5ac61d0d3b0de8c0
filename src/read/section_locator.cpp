// Locating a section in a target's mapped files; see section_locator.hpp.
#include "read/section_locator.hpp"

#include <fmt/format.h>

#include "read/opened_images.hpp"

namespace aps::read {
namespace {

// The ways to open a mapped file, best first, all through the target's /proc entries: the maps
// path names a file in the target's mount namespace, which aps may not share (a container, or
// an empty chroot holding aps alone), so it is never opened as it stands. A deleted file's path
// may name a new file now, so only the exact mapped inode (map_files) is used for it. The maps
// path is resolved already: a link there (planted by the target's owner, say) is not followed; a
// map_files entry is a link to the mapped file itself.
std::vector<FilePath> open_paths(pid_t pid, const MappedFile& file) {
    std::vector<FilePath> paths;
    if (file.path.starts_with('/') && !file.deleted) {
        paths.push_back({fmt::format("/proc/{}/root{}", pid, file.path), FollowLinks::No});
    }
    paths.push_back(
        {fmt::format("/proc/{}/map_files/{:x}-{:x}", pid, file.start, file.end), FollowLinks::Yes});
    return paths;
}

}  // namespace

std::vector<MappedFile> mapped_files(std::span<const MapEntry> maps) {
    // A file-offset-0 line starts an image (a file can be mapped twice, e.g. by dlmopen); a
    // file whose offset-0 line is missing starts at its first line.
    std::vector<MappedFile> files;
    for (const MapEntry& e : maps) {
        if (e.path.empty() || e.inode == 0) continue;  // anonymous, [heap], [stack], [vdso]…
        bool seen = false;
        for (const MappedFile& f : files) seen = seen || (f.path == e.path);
        if (e.offset == 0 || !seen) files.push_back({e.path, e.deleted, e.start, e.end});
    }
    return files;
}

FileAccess live_file_access(pid_t pid) {
    return FileAccess{[pid](const MappedFile& file) { return open_paths(pid, file); }, nullptr};
}

namespace {

bool stops_search(Errc code) {
    return code == Errc::PermissionDenied || code == Errc::NoSuchProcess || code == Errc::BadCore ||
           code == Errc::FileMismatch;
}

}  // namespace

Result<std::optional<FoundSection>> find_mapped_section(std::span<const MappedFile> files,
                                                        const FileAccess& access,
                                                        std::string_view section,
                                                        const SectionCheck& check, SearchLog& log,
                                                        OpenedImages& opened) {
    for (const MappedFile& file : files) {
        for (const FilePath& where : access.paths(file)) {
            const OpenedImage& got = opened.open(file, where, access);
            if (got.stop) return *got.stop;
            if (!got.image) {
                if (got.refused) log.access_refused = true;
                if (got.unopenable && !log.unusable)
                    log.unusable = Error{Errc::FileMismatch, got.note};
                log.notes.push_back(got.note);
                continue;
            }
            const Image& image = *got.image;
            auto info = image.find_debug_section(section);
            if (!info) break;  // opened fine and has no such section: try the next file

            uint64_t addr = remote_section_address(file.start, image, *info);
            auto ok = check(addr, *info);
            if (ok) return std::optional<FoundSection>(FoundSection{addr, *info, file.path});
            if (stops_search(ok.error().code)) return ok.error();
            log.notes.push_back(fmt::format("{} section of {} at {:#x}: {}", section, file.path,
                                            addr, ok.error().message));
        }
    }
    return std::optional<FoundSection>{};
}

}  // namespace aps::read
