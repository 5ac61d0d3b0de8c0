// Separate debug files for the native unwinder: found by build id, checked for libdwfl's way of
// placing them, and read (sections and function symbols) for DebugSymbols when libdwfl's way
// would shift them.
#ifndef APS_NO_DW  // a build without libdw has no native unwinder (CMakeLists.txt)
#include "read/debug_file.hpp"

#include <elfutils/libdwelf.h>
#include <fmt/format.h>
#include <gelf.h>

#include <cstring>
#include <optional>

namespace aps::read {

namespace {

// A debug file comes from the target's file system: its counts are bounded before they size
// anything. Real ones have a few dozen sections and at most a few hundred thousand functions.
constexpr std::size_t kMaxSections = std::size_t{1} << 16;
constexpr std::size_t kMaxFunctions = std::size_t{1} << 22;

// The address of the first PT_LOAD segment of an ELF file, or none.
std::optional<GElf_Addr> first_load(Elf* elf) {
    std::size_t count = 0;
    if (elf == nullptr || elf_getphdrnum(elf, &count) != 0) return std::nullopt;
    for (std::size_t i = 0; i < count; ++i) {
        GElf_Phdr phdr;
        if (gelf_getphdr(elf, static_cast<int>(i), &phdr) != nullptr && phdr.p_type == PT_LOAD) {
            return phdr.p_vaddr;
        }
    }
    return std::nullopt;
}

// Every section of `elf`, by section index (index 0, the null section, included): what
// DebugSymbols compares. Empty when the section headers cannot be read.
std::vector<SectionPlace> sections_of(Elf* elf) {
    std::size_t names = 0;
    std::size_t count = 0;
    if (elf_getshdrstrndx(elf, &names) != 0 || elf_getshdrnum(elf, &count) != 0 ||
        count > kMaxSections) {
        return {};
    }
    std::vector<SectionPlace> out(count);
    for (std::size_t i = 1; i < count; ++i) {
        GElf_Shdr shdr;
        Elf_Scn* scn = elf_getscn(elf, i);
        if (scn == nullptr || gelf_getshdr(scn, &shdr) == nullptr) return {};
        const char* name = elf_strptr(elf, names, shdr.sh_name);
        out[i] = SectionPlace{name != nullptr ? name : "", shdr.sh_addr, shdr.sh_size,
                              (shdr.sh_flags & SHF_EXECINSTR) != 0};
    }
    return out;
}

// The function symbols (STT_FUNC, in a real section) of `elf`'s .symtab.
std::vector<FunctionSymbol> functions_of(Elf* elf) {
    std::vector<FunctionSymbol> out;
    Elf_Scn* scn = nullptr;
    while ((scn = elf_nextscn(elf, scn)) != nullptr) {
        GElf_Shdr shdr;
        if (gelf_getshdr(scn, &shdr) == nullptr || shdr.sh_type != SHT_SYMTAB) continue;
        Elf_Data* data = elf_getdata(scn, nullptr);
        if (data == nullptr || shdr.sh_entsize == 0) return out;
        const std::size_t count = shdr.sh_size / shdr.sh_entsize;
        for (std::size_t i = 0; i < count && out.size() < kMaxFunctions; ++i) {
            GElf_Sym sym;
            if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) break;
            if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
                sym.st_shndx >= SHN_LORESERVE) {
                continue;
            }
            const char* name = elf_strptr(elf, shdr.sh_link, sym.st_name);
            if (name == nullptr || name[0] == '\0') continue;
            out.push_back(FunctionSymbol{sym.st_value, sym.st_size, name, sym.st_shndx});
        }
        return out;
    }
    return out;
}

bool same_build_id(Elf* main, Elf* debug) {
    const void* a = nullptr;
    const void* b = nullptr;
    const ssize_t len_a = dwelf_elf_gnu_build_id(main, &a);
    const ssize_t len_b = dwelf_elf_gnu_build_id(debug, &b);
    return len_a > 0 && len_a == len_b && std::memcmp(a, b, static_cast<std::size_t>(len_a)) == 0;
}

}  // namespace

std::vector<std::string> debug_file_paths(std::string_view build_id_hex,
                                          std::string_view file_name) {
    if (build_id_hex.size() < 4) return {};
    const std::string tail =
        fmt::format(".build-id/{}/{}.debug", build_id_hex.substr(0, 2), build_id_hex.substr(2));
    std::vector<std::string> paths{"/usr/lib/debug/" + tail};
    if (const std::size_t usr = file_name.find("/usr/"); usr != std::string_view::npos && usr > 0) {
        paths.push_back(std::string(file_name.substr(0, usr)) + "/usr/lib/debug/" + tail);
    }
    return paths;
}

std::string build_id_hex(Dwfl_Module* module) {
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr = 0;
    const int len = dwfl_module_build_id(module, &bits, &vaddr);
    std::string id;
    if (len < 2 || bits == nullptr) return id;
    for (int i = 0; i < len; ++i) id += fmt::format("{:02x}", bits[i]);
    return id;
}

bool has_symbol_table(Elf* elf) {
    Elf_Scn* scn = nullptr;
    while ((scn = elf_nextscn(elf, scn)) != nullptr) {
        GElf_Shdr shdr;
        if (gelf_getshdr(scn, &shdr) != nullptr && shdr.sh_type == SHT_SYMTAB) return true;
    }
    return false;
}

bool same_first_load(Elf* main, Elf* debug) {
    const std::optional<GElf_Addr> a = first_load(main);
    const std::optional<GElf_Addr> b = first_load(debug);
    return a && b && *a == *b;
}

DebugSymbols read_debug_symbols(Elf* main, Elf* debug) {
    if (main == nullptr || debug == nullptr || !same_build_id(main, debug)) return {};
    return DebugSymbols::matched(sections_of(main), sections_of(debug), functions_of(debug));
}

}  // namespace aps::read
#endif
