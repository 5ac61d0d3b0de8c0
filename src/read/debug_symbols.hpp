// The function symbols of a separate debug file, placed by its sections. libdwfl places a debug
// file by its first PT_LOAD, so when a file's program headers were rewritten after the build
// (patchelf puts a new segment in front) it would shift every name; native_unwind.cpp then
// refuses the file to libdwfl and names frames from these symbols instead. A section keeps its
// link address through such a rewrite, and a debug file keeps every section header of the file
// it was split from: a function whose section lies at the same address, with the same size, in
// both files is where the symbol says.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace aps::read {

struct SectionPlace {
    std::string name;
    uint64_t addr = 0;
    uint64_t size = 0;
    bool code = false;  // SHF_EXECINSTR
};

struct FunctionSymbol {
    uint64_t addr = 0;  // link address
    uint64_t size = 0;
    std::string name;
    std::size_t section = 0;  // index into the debug file's sections
};

class DebugSymbols {
  public:
    DebugSymbols() = default;

    // The symbols of the debug file (`debug`, with its `symbols`) that lie in a code section the
    // main file has too, by the same name at the same address and of the same size. Symbols of
    // size 0 (labels, not functions) are left out: they would claim the code after them.
    static DebugSymbols matched(std::span<const SectionPlace> main,
                                std::span<const SectionPlace> debug,
                                std::vector<FunctionSymbol> symbols);

    // The function whose [addr, addr + size) holds link address `addr`, or nullptr.
    const FunctionSymbol* find(uint64_t addr) const;

    bool empty() const { return symbols_.empty(); }

  private:
    std::vector<FunctionSymbol> symbols_;  // by address
};

}  // namespace aps::read
