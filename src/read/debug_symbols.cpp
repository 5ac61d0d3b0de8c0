// Placing a debug file's functions by their sections: keep a symbol only when its code section
// lies where the main file has a section of that name, at the same address and of the same size.
#include "read/debug_symbols.hpp"

#include <algorithm>

namespace aps::read {

namespace {

bool placed_alike(const SectionPlace& debug, std::span<const SectionPlace> main) {
    return std::any_of(main.begin(), main.end(), [&debug](const SectionPlace& m) {
        return m.code && m.name == debug.name && m.addr == debug.addr && m.size == debug.size;
    });
}

}  // namespace

DebugSymbols DebugSymbols::matched(std::span<const SectionPlace> main,
                                   std::span<const SectionPlace> debug,
                                   std::vector<FunctionSymbol> symbols) {
    std::vector<bool> usable(debug.size());
    for (std::size_t i = 0; i < debug.size(); ++i) {
        usable[i] = debug[i].code && !debug[i].name.empty() && placed_alike(debug[i], main);
    }
    std::erase_if(symbols, [&usable](const FunctionSymbol& s) {
        return s.size == 0 || s.section >= usable.size() || !usable[s.section];
    });
    // By address; of names at one address the larger first, so that find() tries it first.
    std::sort(symbols.begin(), symbols.end(), [](const FunctionSymbol& a, const FunctionSymbol& b) {
        return a.addr != b.addr ? a.addr < b.addr : a.size > b.size;
    });
    DebugSymbols out;
    out.symbols_ = std::move(symbols);
    return out;
}

const FunctionSymbol* DebugSymbols::find(uint64_t addr) const {
    // The symbols starting at the greatest address not above `addr`: functions do not nest, so
    // one of them holds it or none does.
    auto it = std::upper_bound(symbols_.begin(), symbols_.end(), addr,
                               [](uint64_t a, const FunctionSymbol& s) { return a < s.addr; });
    if (it == symbols_.begin()) return nullptr;
    const uint64_t start = std::prev(it)->addr;
    auto first = std::lower_bound(symbols_.begin(), it, start,
                                  [](const FunctionSymbol& s, uint64_t a) { return s.addr < a; });
    for (; first != it; ++first) {
        if (addr - first->addr < first->size) return &*first;
    }
    return nullptr;
}

}  // namespace aps::read
