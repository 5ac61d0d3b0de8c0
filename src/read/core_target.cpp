// Opening a core file as a target: parse it, assemble its memory from the core and the files it
// names, and find the debug offsets with the same locator as a live process; see
// core_target.hpp.
#include "read/core_target.hpp"

#include <elf.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include "read/core_file.hpp"
#include "read/core_mapped_files.hpp"
#include "read/core_memory.hpp"
#include "read/dumped_memory.hpp"
#include "read/regular_file.hpp"
#include "read/runtime_locator.hpp"
#include "read/unique_fd.hpp"

namespace aps::read {

struct CoreTarget::Parts {
    CoreFile core;
    UniqueFd fd;
    std::unique_ptr<DumpedMemory> dumped;
    std::unique_ptr<CoreMappedFiles> files;
    std::unique_ptr<CoreMemory> memory;
    std::vector<MapEntry> maps;      // NT_FILE as maps lines
    std::vector<MappedFile> images;  // the images among them
};

namespace {

Error with_hint(Error e) {
    if (e.code == Errc::FileMismatch && e.message.find(kFileHint) == std::string::npos)
        e.message = fmt::format("{}; {}", e.message, kFileHint);
    return e;
}

// NT_FILE entries as maps lines, with the permissions of the segment that holds them (a mapping
// the core left out entirely is read-only). NT_FILE has no inodes: 1 marks a file mapping.
std::vector<MapEntry> maps_of(const CoreFile& core) {
    std::vector<MapEntry> maps;
    maps.reserve(core.mappings.size());
    for (const CoreMapping& m : core.mappings) {
        std::string perms = "r--p";
        if (const CoreSegment* seg = core.segment_at(m.start)) {
            perms[0] = (seg->flags & PF_R) ? 'r' : '-';
            perms[1] = (seg->flags & PF_W) ? 'w' : '-';
            perms[2] = (seg->flags & PF_X) ? 'x' : '-';
        }
        maps.push_back({m.start, m.end, perms, m.offset, "", 1, m.path, m.deleted});
    }
    return maps;
}

Result<void> check_lookup(const CoreOptions& options) {
    struct stat st;
    if (!options.exe.empty()) {
        // Named by the user: a link (a virtualenv's python) is followed; a FIFO is refused
        // before anything would wait on it.
        RegularFile exe = open_regular_file(options.exe, FollowLinks::Yes);
        if (!exe.fd.valid()) {
            return Error{Errc::FileMismatch, fmt::format("--exe {}: {}", options.exe, exe.refusal)};
        }
    }
    if (!options.sysroot.empty() &&
        (::stat(options.sysroot.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))) {
        return Error{Errc::FileMismatch,
                     fmt::format("--sysroot {}: not a directory", options.sysroot)};
    }
    return {};
}

}  // namespace

CoreTarget::CoreTarget(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
CoreTarget::~CoreTarget() = default;
CoreTarget::CoreTarget(CoreTarget&&) noexcept = default;
CoreTarget& CoreTarget::operator=(CoreTarget&&) noexcept = default;

RemoteMemory& CoreTarget::memory() {
    return *parts_->memory;
}

std::string CoreTarget::describe() const {
    return parts_->core.describe();
}

pid_t CoreTarget::pid() const {
    return static_cast<pid_t>(parts_->core.pid);
}

std::vector<AddressRange> CoreTarget::readable_ranges() const {
    std::vector<AddressRange> ranges;
    for (const CoreSegment& s : parts_->core.segments)
        ranges.push_back({s.vaddr, s.vaddr + s.memsz});
    for (const CoreMapping& m : parts_->core.mappings) ranges.push_back({m.start, m.end});
    return ranges;
}

Result<Runtime> CoreTarget::find_runtime(RemoteMemory& memory) {
    Parts& p = *parts_;
    FileAccess access{
        [&p](const MappedFile& f) {
            return std::vector<FilePath>{{p.files->resolve(f.path), p.files->follow_links(f.path)}};
        },
        [&p](const MappedFile& f, const std::string& path, int fd, const Image& image) {
            return p.files->verify(f.path, path, fd, image);
        }};
    std::string exe = p.core.executable();
    MappedTarget mapped{p.maps, p.images, access, exe};

    auto search = locate_runtime(mapped, memory);
    if (!search) return with_hint(std::move(search).error());
    if (!search->found) {
        if (search->log.unusable) return with_hint(*search->log.unusable);
        if (search->cookieless) {
            return Error{Errc::UnsupportedVersion,
                         fmt::format("{} is of a Python older than 3.13: its .PyRuntime section "
                                     "has no debug offsets (aps reads 3.14 and 3.15)",
                                     describe())};
        }
        if (p.core.mappings.empty()) {
            return Error{Errc::NotPython,
                         fmt::format("{} lists no mapped files (no NT_FILE note) and holds no "
                                     "Python runtime",
                                     describe())};
        }
        return Error{Errc::NotPython,
                     fmt::format("{} is not of a Python process (no .PyRuntime section in the "
                                 "files it had mapped)",
                                 describe())};
    }
    SearchLog asyncio_log;
    auto target = read_runtime(mapped, *search->found, memory, asyncio_log);
    if (!target) return with_hint(std::move(target).error());
    // No .AsyncioDebug anywhere is "asyncio never imported" only if every candidate was seen.
    if (!target->asyncio && asyncio_log.unusable) return with_hint(*asyncio_log.unusable);
    return target;
}

Result<CoreTarget> open_core(const CoreOptions& options) {
    auto parts = std::make_unique<CoreTarget::Parts>();
    RegularFile file = open_regular_file(options.core, FollowLinks::Yes);
    if (!file.fd.valid()) {
        return Error{Errc::BadCore,
                     file.error != 0
                         ? fmt::format("cannot open core file {}: {}", options.core, file.refusal)
                         : fmt::format("core file {} is {}", options.core, file.refusal)};
    }
    parts->fd = std::move(file.fd);
    auto core = parse_core_file(parts->fd.get(), options.core);
    if (!core) return std::move(core).error();
    if (auto ok = check_lookup(options); !ok) return std::move(ok).error();

    parts->core = std::move(*core);
    parts->dumped = std::make_unique<DumpedMemory>(parts->core, parts->fd.get());
    parts->files = std::make_unique<CoreMappedFiles>(parts->core, *parts->dumped,
                                                     FileLookup{options.sysroot, options.exe});
    parts->memory = std::make_unique<CoreMemory>(parts->core, *parts->dumped, *parts->files);
    parts->maps = maps_of(parts->core);
    parts->images = mapped_files(parts->maps);
    return CoreTarget(std::move(parts));
}

}  // namespace aps::read
