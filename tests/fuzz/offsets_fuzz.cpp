// libFuzzer target: the debug-offset tables. The input's first kDebugOffsetsReadSize bytes (or
// fewer: a short input is a truncated table) are _Py_DebugOffsets as aps reads them from the start
// of .PyRuntime; when they parse, the rest is _Py_AsyncioModuleDebugOffsets (.AsyncioDebug),
// checked against them. A table that parses must pass validation again on its own.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "aps/offsets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    auto bytes = std::as_bytes(std::span(data, size));
    std::size_t runtime_size = std::min(size, aps::kDebugOffsetsReadSize);
    auto runtime = aps::parse_debug_offsets(bytes.first(runtime_size));
    if (!runtime) return 0;
    if (!aps::validate_debug_offsets(*runtime)) __builtin_trap();
    auto asyncio = aps::parse_asyncio_offsets(bytes.subspan(runtime_size), *runtime);
    if (asyncio && !aps::validate_asyncio_offsets(*asyncio, *runtime)) __builtin_trap();
    return 0;
}
