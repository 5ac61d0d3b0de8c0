// libFuzzer target: /proc/PID/maps text. The input is the file's text as the kernel would hand
// it over: parse_proc_maps, then what the locator derives from the entries (the mapped images,
// their basenames, the permission tests).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "read/proc_maps.hpp"
#include "read/section_locator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    using namespace aps::read;
    auto maps = parse_proc_maps(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!maps) return 0;
    std::size_t seen = 0;
    for (const MapEntry& e : *maps) {
        seen += basename_of(e.path).size() + e.readable() + e.writable();
        if (e.start > e.end) __builtin_trap();  // parse_proc_maps promises ordered bounds
    }
    for (const MappedFile& f : mapped_files(*maps)) seen += f.path.size();
    return seen == SIZE_MAX ? 1 : 0;  // keeps the calls from being optimised away
}
