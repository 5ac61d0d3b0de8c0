// libFuzzer target: separate debug files, as aps dump --native-frames reads them from the
// target's file system (src/read/debug_file.cpp, debug_symbols.cpp). The input is two ELF files:
// its first two bytes (little-endian) say how many of the rest are the main file; the others are
// its debug file. Each goes through libelf from memory, then every question the unwinder asks
// of the pair: whether the main file has a symbol table, whether the two place their first
// segment alike, the debug file's function symbols placed by the main file's sections, and a
// lookup of addresses taken from the input.
#include <libelf.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "read/debug_file.hpp"
#include "read/debug_symbols.hpp"

namespace {

// An Elf over a copy of `bytes` (libelf may keep pointers into the image while it lives).
struct MemoryElf {
    explicit MemoryElf(const uint8_t* data, std::size_t size) : image(data, data + size) {
        elf = elf_memory(reinterpret_cast<char*>(image.data()), image.size());
    }
    ~MemoryElf() {
        if (elf != nullptr) elf_end(elf);
    }
    MemoryElf(const MemoryElf&) = delete;
    MemoryElf& operator=(const MemoryElf&) = delete;
    std::vector<uint8_t> image;
    Elf* elf = nullptr;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const bool ready = elf_version(EV_CURRENT) != EV_NONE;
    if (!ready || size < 2) return 0;
    std::size_t main_size = static_cast<std::size_t>(data[0]) | (std::size_t{data[1]} << 8);
    data += 2;
    size -= 2;
    if (main_size > size) main_size = size;
    MemoryElf main(data, main_size);
    MemoryElf debug(data + main_size, size - main_size);
    if (main.elf == nullptr || debug.elf == nullptr) return 0;
    (void)aps::read::has_symbol_table(main.elf);
    (void)aps::read::has_symbol_table(debug.elf);
    (void)aps::read::same_first_load(main.elf, debug.elf);
    const aps::read::DebugSymbols symbols = aps::read::read_debug_symbols(main.elf, debug.elf);
    // Addresses to look up: each 8 bytes of the input's tail, and their neighbours.
    for (std::size_t at = 0; at + 8 <= size && at < 256; at += 8) {
        uint64_t addr = 0;
        std::memcpy(&addr, data + size - 8 - at, 8);
        for (uint64_t a : {addr, addr + 1, addr - 1}) {
            if (const aps::read::FunctionSymbol* f = symbols.find(a)) {
                if (a < f->addr || a - f->addr >= f->size) __builtin_trap();  // not its function
            }
        }
    }
    return 0;
}
