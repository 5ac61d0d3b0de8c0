// A live process's mappings and the runtime found in them: .PyRuntime and .AsyncioDebug in the
// files it has mapped, both debug-offset tables read and validated (see live_platform.hpp).

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

#include "read/live_platform.hpp"
#include "read/proc_maps.hpp"
#include "read/runtime_locator.hpp"
#include "read/section_locator.hpp"

namespace aps::read {
namespace {

// How messages name the runtime's section (the ELF spelling); look-ups use CPython's names,
// kPyRuntimeSection and kAsyncioDebugSection, which each image format spells its way.
constexpr std::string_view kRuntimeSection = ".PyRuntime";

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
    if (basename_of(exe).find("python") == std::string_view::npos || log.notes.empty()) {
        return {Errc::NotPython,
                fmt::format("process {} is not a Python process (no {} section in its mapped "
                            "files)",
                            pid, kRuntimeSection)};
    }
    return {log.access_refused ? Errc::PermissionDenied : Errc::NotPython,
            fmt::format("process {} runs {} but its {} section could not be located: {}", pid, exe,
                        kRuntimeSection, fmt::join(log.notes, "; "))};
}

}  // namespace

Result<std::vector<MapEntry>> read_live_maps(pid_t pid) {
    auto maps = read_proc_maps(pid);
    if (!maps) return std::move(maps).error();
    if (maps->empty()) {
        // A process that calls exec while its maps are read shows the address space it left,
        // already torn down; read again before taking it for gone.
        maps = read_proc_maps(pid);
        if (!maps) return std::move(maps).error();
    }
    if (!maps->empty()) return maps;
    switch (why_no_mappings(pid)) {
        case NoMappings::KernelThread:
            return Error{Errc::NotPython,
                         fmt::format("process {} is a kernel thread (no memory mappings)", pid)};
        case NoMappings::Zombie:
            return Error{
                Errc::NoSuchProcess,
                fmt::format("process {} has exited (a zombie its parent has not reaped)", pid)};
        case NoMappings::Exiting:
            break;
    }
    return Error{Errc::NoSuchProcess, fmt::format("process {} has exited", pid)};
}

Result<Runtime> locate_live_runtime(pid_t pid, std::span<const MapEntry> maps,
                                    RemoteMemory& memory) {
    std::vector<MappedFile> files = mapped_files(maps);
    std::string exe = exe_of(pid);
    FileAccess access = live_file_access(pid);
    MappedTarget mapped{maps, files, access, exe};

    auto search = locate_runtime(mapped, memory);
    if (!search) return std::move(search).error();
    if (!search->found && search->cookieless) {
        return Error{Errc::UnsupportedVersion,
                     fmt::format("process {} runs {}, a Python older than 3.13: its {} section "
                                 "has no debug offsets (aps reads 3.14 and 3.15)",
                                 pid, exe, kRuntimeSection)};
    }
    if (!search->found) return runtime_not_found(pid, search->log, search->python_files);
    SearchLog asyncio_log;
    return read_runtime(mapped, *search->found, memory, asyncio_log);
}

}  // namespace aps::read
