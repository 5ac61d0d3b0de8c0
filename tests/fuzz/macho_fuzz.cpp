// libFuzzer target: Mach-O images, thin or universal. The input is a whole file; try_open_macho
// opens it for each architecture aps picks slices for, and every question the locator asks an
// image is put to what it opened.
#include <cstddef>
#include <cstdint>
#include <string>

#include "mem_file.hpp"
#include "read/image.hpp"
#include "read/macho_image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    using namespace aps::read;
    static aps::fuzz::MemFile file("macho");
    file.write(data, size);
    for (CpuArch arch : {CpuArch::X86_64, CpuArch::Arm64}) {
        auto image = try_open_macho(file.fd(), "fuzz", arch);
        if (!image || !*image) continue;
        const Image& i = **image;
        (void)i.find_section("__DATA,PyRuntime");
        (void)i.find_section("PyRuntime");
        (void)i.find_debug_section(kPyRuntimeSection);
        (void)i.find_debug_section(kAsyncioDebugSection);
        auto symbol = i.find_symbol("_PyRuntime");
        if (!symbol) __builtin_trap();  // Mach-O symbols are read at open: looking them up is safe
        (void)i.link_base();
        (void)i.build_id();
    }
    return 0;
}
