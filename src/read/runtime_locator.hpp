// Finding a target's debug-offset tables among the files it has mapped, for every kind of target
// (a live process or a core file): .PyRuntime (or, failing that, the cookie in the writable python
// mappings), its table, then the .AsyncioDebug table.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"
#include "aps/offsets.hpp"
#include "aps/walker.hpp"
#include "read/opened_images.hpp"
#include "read/proc_maps.hpp"
#include "read/section_locator.hpp"

namespace aps::read {

// The runtime found in a target: where _PyRuntime is, its validated debug-offset tables, and where
// the file that holds it is mapped.
struct Runtime {
    uint64_t runtime_addr = 0;
    DebugOffsets offsets;
    std::optional<AsyncioOffsets> asyncio;    // empty when asyncio was never imported
    std::string runtime_file;                 // the mapped file that holds .PyRuntime
    std::vector<AddressRange> runtime_image;  // where runtime_file is mapped
};

// What the walk is given of a runtime (tuning and second reader left to the caller).
WalkInput walk_input(const Runtime& runtime);

// One search of a target's mapped files (one attempt of a read): locate_runtime and read_runtime
// open each file once between them.
struct MappedTarget {
    std::span<const MapEntry> maps;     // every mapping; the cookie scan reads the python ones
    std::span<const MappedFile> files;  // the images among them (mapped_files(maps))
    const FileAccess& access;
    std::string_view exe;      // the main executable, as the maps name it (" (deleted)" allowed)
    OpenedImages opened = {};  // what the search has opened so far
};

struct RuntimeSearch {
    std::optional<FoundSection> found;  // empty when no candidate holds a usable table
    SearchLog log;                      // why candidates were rejected
    bool cookieless = false;    // a .PyRuntime without debug offsets was seen: Python < 3.13
    bool python_files = false;  // some mapped file is named like Python
};

// Looks for .PyRuntime in the files named like Python, then in the main executable whatever its
// name (a renamed interpreter, a program linking libpython statically), and failing that for the
// table's cookie in the writable python mappings.
Result<RuntimeSearch> locate_runtime(MappedTarget& target, RemoteMemory& memory);

// Reads and validates the runtime's debug offsets, then finds and validates .AsyncioDebug (the
// Runtime has no asyncio table when no mapped file holds one; `asyncio_log` says what was tried).
Result<Runtime> read_runtime(MappedTarget& target, const FoundSection& runtime,
                             RemoteMemory& memory, SearchLog& asyncio_log);

}  // namespace aps::read
