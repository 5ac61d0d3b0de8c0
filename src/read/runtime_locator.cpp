// Locating and reading the debug-offset tables of any target; see runtime_locator.hpp.
#include "read/runtime_locator.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>
#include <vector>

#include "read/runtime_scan.hpp"

namespace aps::read {
namespace {

constexpr std::string_view kCookie = "xdebugpy";

bool basename_contains(const MappedFile& f, std::string_view needle) {
    return basename_of(f.path).find(needle) != std::string_view::npos;
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
// runtime itself.
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

// When no python file could be opened (deleted, replaced, another mount namespace, a core's
// files absent), scan the writable mappings of the python files for the table itself.
Result<std::optional<FoundSection>> scan_python_mappings(std::span<const MapEntry> maps,
                                                         RemoteMemory& memory) {
    std::vector<MapEntry> regions;
    for (const MapEntry& e : maps) {
        if (basename_of(e.path).find("python") != std::string_view::npos) regions.push_back(e);
    }
    auto hit = scan_for_debug_offsets(memory, regions);
    if (!hit) return std::move(hit).error();
    if (!*hit) return std::optional<FoundSection>{};
    std::string file;
    for (const MapEntry& e : regions) {
        if (e.start <= **hit && **hit < e.end) file = e.path;
    }
    return std::optional<FoundSection>(FoundSection{**hit, SectionInfo{}, file});
}

// Empty when no mapped file has a usable .AsyncioDebug section (asyncio was never imported).
Result<std::optional<AsyncioOffsets>> locate_asyncio(MappedTarget& target,
                                                     const std::string& runtime_file,
                                                     const DebugOffsets& runtime,
                                                     RemoteMemory& memory, SearchLog& log) {
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
    auto candidates = asyncio_candidates(target.files, runtime_file);
    auto found = find_mapped_section(candidates, target.access, kAsyncioDebugSection, check_table,
                                     log, target.opened);
    if (!found) return std::move(found).error();
    if (!parsed && first_invalid) return *first_invalid;
    return parsed;
}

}  // namespace

Result<RuntimeSearch> locate_runtime(MappedTarget& target, RemoteMemory& memory) {
    RuntimeSearch search;
    auto check_cookie = [&memory, &search](uint64_t addr, const SectionInfo& info) -> Result<void> {
        if (info.size < kDebugOffsetsReadSize) {
            search.cookieless = true;  // 3.10 and older keep a few hundred bytes there
            return Error{Errc::CorruptData, fmt::format("section is only {} bytes", info.size)};
        }
        std::array<std::byte, 8> cookie{};
        if (auto ok = memory.read(addr, cookie); !ok) return ok;
        if (std::memcmp(cookie.data(), kCookie.data(), kCookie.size()) != 0) {
            search.cookieless = true;
            return Error{Errc::CorruptData, "no debug offsets cookie there"};
        }
        return {};
    };
    search.python_files = !files_matching(target.files, "python").empty();
    auto found = find_mapped_section(runtime_candidates(target.files, target.exe), target.access,
                                     kPyRuntimeSection, check_cookie, search.log, target.opened);
    if (!found) return std::move(found).error();
    if (!*found) {
        found = scan_python_mappings(target.maps, memory);
        if (!found) return std::move(found).error();
    }
    search.found = std::move(*found);
    return search;
}

Result<Runtime> read_runtime(MappedTarget& target, const FoundSection& runtime,
                             RemoteMemory& memory, SearchLog& asyncio_log) {
    std::vector<std::byte> table(kDebugOffsetsReadSize);
    if (auto ok = memory.read(runtime.addr, table); !ok) {
        return with_context(ok.error(), fmt::format("reading the debug offsets at {:#x} in {}",
                                                    runtime.addr, runtime.file));
    }
    auto offsets = parse_debug_offsets(table);
    if (!offsets) {
        if (offsets.error().code != Errc::InvalidOffsets) return std::move(offsets).error();
        return with_context(std::move(offsets).error(),
                            fmt::format("{} is not a Python aps can read", runtime.file));
    }

    auto asyncio = locate_asyncio(target, runtime.file, *offsets, memory, asyncio_log);
    if (!asyncio) return std::move(asyncio).error();

    Runtime out;
    out.runtime_addr = runtime.addr;
    out.offsets = *offsets;
    out.asyncio = *asyncio;
    out.runtime_file = runtime.file;
    for (const MapEntry& e : target.maps) {
        if (e.path == runtime.file) out.runtime_image.push_back({e.start, e.end});
    }
    return out;
}

WalkInput walk_input(const Runtime& runtime) {
    WalkInput input;
    input.runtime_addr = runtime.runtime_addr;
    input.offsets = runtime.offsets;
    input.asyncio = runtime.asyncio ? &*runtime.asyncio : nullptr;
    input.runtime_image = runtime.runtime_image;
    return input;
}

}  // namespace aps::read
