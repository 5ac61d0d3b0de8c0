// Opening a live target: find .PyRuntime and .AsyncioDebug in the files it has mapped, then read
// and validate both debug-offset tables.
#include "aps/target.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

#include "read/proc_maps.hpp"
#include "read/runtime_scan.hpp"
#include "read/section_locator.hpp"

namespace aps {
namespace {

using read::FoundSection;
using read::MappedFile;
using read::SearchLog;
using read::SectionInfo;

// How messages name the runtime's section (the ELF spelling); look-ups use CPython's names,
// read::kPyRuntimeSection and read::kAsyncioDebugSection, which each image format spells its way.
constexpr std::string_view kRuntimeSection = ".PyRuntime";
constexpr std::string_view kCookie = "xdebugpy";

bool basename_contains(const MappedFile& f, std::string_view needle) {
    return read::basename_of(f.path).find(needle) != std::string_view::npos;
}

std::vector<MappedFile> files_matching(std::span<const MappedFile> files, std::string_view needle) {
    std::vector<MappedFile> out;
    for (const MappedFile& f : files) {
        if (basename_contains(f, needle)) out.push_back(f);
    }
    return out;
}

// Files named like Python first (python3.X, libpython3.X.so), then the main executable whatever
// its name: a program that links libpython statically, or a renamed interpreter, holds the
// runtime itself. `exe` is /proc/PID/exe's target, which names the file as the maps do.
std::vector<MappedFile> runtime_candidates(std::span<const MappedFile> files,
                                           std::string_view exe) {
    constexpr std::string_view kDeleted = " (deleted)";
    if (exe.ends_with(kDeleted)) exe.remove_suffix(kDeleted.size());
    std::vector<MappedFile> out = files_matching(files, "python");
    for (const MappedFile& f : files) {
        if (!basename_contains(f, "python") && f.path == exe) out.push_back(f);
    }
    return out;
}

// The runtime's file first (static builds and 3.15, where _asyncio is built in), then
// extension modules named _asyncio (3.14), then every other python file.
std::vector<MappedFile> asyncio_candidates(std::span<const MappedFile> files,
                                           const std::string& runtime_file) {
    std::vector<MappedFile> out;
    for (const MappedFile& f : files) {
        if (f.path == runtime_file) out.push_back(f);
    }
    for (const MappedFile& f : files) {
        if (f.path != runtime_file && basename_contains(f, "_asyncio")) out.push_back(f);
    }
    for (const MappedFile& f : files) {
        if (f.path != runtime_file && !basename_contains(f, "_asyncio") &&
            basename_contains(f, "python"))
            out.push_back(f);
    }
    return out;
}

std::string exe_of(pid_t pid) {
    std::array<char, 4096> buf{};
    std::string link = fmt::format("/proc/{}/exe", pid);
    ssize_t n = ::readlink(link.c_str(), buf.data(), buf.size() - 1);
    return n > 0 ? std::string(buf.data(), static_cast<size_t>(n)) : std::string();
}

// Why a process has no mappings, from /proc/PID/stat (fields after the last ')', the command
// name may hold anything): a kernel thread (PF_KTHREAD in flags), a zombie (state Z/X), or a
// process in the middle of exiting (its memory is already gone).
enum class NoMappings { KernelThread, Zombie, Exiting };

NoMappings why_no_mappings(pid_t pid) {
    constexpr unsigned long kPfKthread = 0x00200000;
    std::array<char, 1024> buf{};
    std::string path = fmt::format("/proc/{}/stat", pid);
    FILE* f = std::fopen(path.c_str(), "re");
    if (f == nullptr) return NoMappings::Exiting;  // gone altogether
    size_t n = std::fread(buf.data(), 1, buf.size() - 1, f);
    std::fclose(f);
    const char* paren = std::strrchr(buf.data(), ')');
    char state = 0;
    unsigned long flags = 0;
    if (paren == nullptr || n == 0 ||
        std::sscanf(paren + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2) {
        return NoMappings::Exiting;
    }
    if (state == 'Z' || state == 'X') return NoMappings::Zombie;
    return (flags & kPfKthread) ? NoMappings::KernelThread : NoMappings::Exiting;
}

Error runtime_not_found(pid_t pid, const SearchLog& log, bool python_files) {
    std::string exe = exe_of(pid);
    if (python_files && log.notes.empty()) {
        // Python files without the section at all: 3.9 and older (or 2.x) have none.
        return {Errc::UnsupportedVersion,
                fmt::format("process {} runs {}, but none of its python files has a {} section: "
                            "a Python older than 3.10? (aps reads 3.14 and 3.15)",
                            pid, exe, kRuntimeSection)};
    }
    if (read::basename_of(exe).find("python") == std::string_view::npos || log.notes.empty()) {
        return {Errc::NotPython,
                fmt::format("process {} is not a Python process (no {} section in its mapped "
                            "files)",
                            pid, kRuntimeSection)};
    }
    return {log.access_refused ? Errc::PermissionDenied : Errc::NotPython,
            fmt::format("process {} runs {} but its {} section could not be located: {}", pid, exe,
                        kRuntimeSection, fmt::join(log.notes, "; "))};
}

// When no python file could be opened (deleted, replaced, another mount namespace), scan the
// writable mappings of the python files for the table itself.
Result<std::optional<FoundSection>> scan_python_mappings(std::span<const read::MapEntry> maps,
                                                         RemoteMemory& memory) {
    std::vector<read::MapEntry> regions;
    for (const read::MapEntry& e : maps) {
        if (read::basename_of(e.path).find("python") != std::string_view::npos)
            regions.push_back(e);
    }
    auto hit = read::scan_for_debug_offsets(memory, regions);
    if (!hit) return std::move(hit).error();
    if (!*hit) return std::optional<FoundSection>{};
    std::string file;
    for (const read::MapEntry& e : regions) {
        if (e.start <= **hit && **hit < e.end) file = e.path;
    }
    return std::optional<FoundSection>(FoundSection{**hit, SectionInfo{}, file});
}

Result<FoundSection> locate_runtime(pid_t pid, std::span<const read::MapEntry> maps,
                                    std::span<const MappedFile> files, RemoteMemory& memory) {
    bool cookieless = false;  // a .PyRuntime without debug offsets: Python before 3.13
    auto check_cookie = [&memory, &cookieless](uint64_t addr,
                                               const SectionInfo& info) -> Result<void> {
        if (info.size < kDebugOffsetsReadSize) {
            cookieless = true;  // 3.10 and older keep a few hundred bytes there
            return Error{Errc::CorruptData, fmt::format("section is only {} bytes", info.size)};
        }
        std::array<std::byte, 8> cookie{};
        if (auto ok = memory.read(addr, cookie); !ok) return ok;
        if (std::memcmp(cookie.data(), kCookie.data(), kCookie.size()) != 0) {
            cookieless = true;
            return Error{Errc::CorruptData, "no debug offsets cookie there"};
        }
        return {};
    };
    SearchLog log;
    auto found = read::find_mapped_section(pid, runtime_candidates(files, exe_of(pid)),
                                           read::kPyRuntimeSection, check_cookie, log);
    if (!found) return std::move(found).error();
    if (!*found) {
        found = scan_python_mappings(maps, memory);
        if (!found) return std::move(found).error();
    }
    if (!*found && cookieless) {
        return Error{Errc::UnsupportedVersion,
                     fmt::format("process {} runs {}, a Python older than 3.13: its {} section "
                                 "has no debug offsets (aps reads 3.14 and 3.15)",
                                 pid, exe_of(pid), kRuntimeSection)};
    }
    if (!*found) return runtime_not_found(pid, log, !files_matching(files, "python").empty());
    return std::move(**found);
}

// Empty when no mapped file has a usable .AsyncioDebug section (asyncio was never imported).
Result<std::optional<AsyncioOffsets>> locate_asyncio(pid_t pid, std::span<const MappedFile> files,
                                                     const std::string& runtime_file,
                                                     const DebugOffsets& runtime,
                                                     RemoteMemory& memory) {
    std::optional<AsyncioOffsets> parsed;
    std::optional<Error> first_invalid;
    auto check_table = [&](uint64_t addr, const SectionInfo& info) -> Result<void> {
        if (info.size < kAsyncioOffsetsSize) {
            return Error{Errc::CorruptData, fmt::format("section is only {} bytes", info.size)};
        }
        std::array<std::byte, kAsyncioOffsetsSize> bytes{};
        if (auto ok = memory.read(addr, bytes); !ok) return ok;
        auto table = parse_asyncio_offsets(bytes, runtime);
        if (!table) {
            if (!first_invalid) first_invalid = table.error();
            return table.error();
        }
        parsed = *table;
        return {};
    };
    SearchLog log;
    auto candidates = asyncio_candidates(files, runtime_file);
    auto found =
        read::find_mapped_section(pid, candidates, read::kAsyncioDebugSection, check_table, log);
    if (!found) return std::move(found).error();
    if (!parsed && first_invalid) return *first_invalid;
    return parsed;
}

}  // namespace

Result<Target> open_target(pid_t pid, RemoteMemory& memory) {
    auto maps = read::read_proc_maps(pid);
    if (!maps) return std::move(maps).error();
    if (maps->empty()) {
        switch (why_no_mappings(pid)) {
            case NoMappings::KernelThread:
                return Error{Errc::NotPython,
                             fmt::format("process {} is a kernel thread (no memory mappings)",
                                         pid)};
            case NoMappings::Zombie:
                return Error{Errc::NoSuchProcess,
                             fmt::format("process {} has exited (a zombie its parent has not "
                                         "reaped)",
                                         pid)};
            case NoMappings::Exiting:
                break;
        }
        return Error{Errc::NoSuchProcess, fmt::format("process {} has exited", pid)};
    }
    std::vector<MappedFile> files = read::mapped_files(*maps);

    auto runtime = locate_runtime(pid, *maps, files, memory);
    if (!runtime) return std::move(runtime).error();

    std::vector<std::byte> table(kDebugOffsetsReadSize);
    if (auto ok = memory.read(runtime->addr, table); !ok) {
        return with_context(ok.error(), fmt::format("reading the debug offsets at {:#x} in {}",
                                                    runtime->addr, runtime->file));
    }
    auto offsets = parse_debug_offsets(table);
    if (!offsets) return std::move(offsets).error();

    auto asyncio = locate_asyncio(pid, files, runtime->file, *offsets, memory);
    if (!asyncio) return std::move(asyncio).error();

    Target target;
    target.runtime_addr = runtime->addr;
    target.offsets = *offsets;
    target.asyncio = *asyncio;
    target.runtime_file = runtime->file;
    return target;
}

}  // namespace aps
