// The ELF implementation of Image: reads the section and program headers once with libelf and
// keeps only names, addresses and sizes, so the file is not needed afterwards.
#include "read/elf_image.hpp"

#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace aps::read {
namespace {

class ElfImage final : public Image {
  public:
    ElfImage(std::vector<std::pair<std::string, SectionInfo>> sections, uint64_t link_base)
        : sections_(std::move(sections)), link_base_(link_base) {}

    std::optional<SectionInfo> find_section(std::string_view name) const override {
        for (const auto& [n, s] : sections_) {
            if (n == name) return s;
        }
        return std::nullopt;
    }

    uint64_t link_base() const override { return link_base_; }

  private:
    std::vector<std::pair<std::string, SectionInfo>> sections_;
    uint64_t link_base_;
};

// Owns an Elf* handle.
struct ElfCloser {
    void operator()(Elf* e) const { elf_end(e); }
};
using ElfHandle = std::unique_ptr<Elf, ElfCloser>;

Error bad(std::string_view name, std::string_view what) {
    return {Errc::BadImage, fmt::format("'{}': {}", name, what)};
}

Error bad_libelf(std::string_view name, std::string_view what) {
    return bad(name, fmt::format("{}: {}", what, elf_errmsg(-1)));
}

bool has_elf_magic(int fd) {
    unsigned char magic[SELFMAG];
    return ::pread(fd, magic, SELFMAG, 0) == SELFMAG &&
           std::string_view(reinterpret_cast<char*>(magic), SELFMAG) ==
               std::string_view(ELFMAG, SELFMAG);
}

// p_vaddr of the first PT_LOAD rounded down to its alignment.
Result<uint64_t> first_load_base(Elf* elf, std::string_view name) {
    size_t phnum = 0;
    if (elf_getphdrnum(elf, &phnum) != 0) return bad_libelf(name, "no program headers");
    for (size_t i = 0; i < phnum; ++i) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, static_cast<int>(i), &ph) == nullptr)
            return bad_libelf(name, "unreadable program header");
        if (ph.p_type != PT_LOAD) continue;
        uint64_t align = ph.p_align == 0 ? 1 : ph.p_align;
        return ph.p_vaddr - ph.p_vaddr % align;
    }
    return bad(name, fmt::format("no PT_LOAD segment ({} program headers examined)", phnum));
}

Result<std::vector<std::pair<std::string, SectionInfo>>> read_sections(Elf* elf,
                                                                       std::string_view name) {
    size_t shnum = 0;
    size_t shstrndx = 0;
    if (elf_getshdrnum(elf, &shnum) != 0) return bad_libelf(name, "no section headers");
    if (elf_getshdrstrndx(elf, &shstrndx) != 0) return bad_libelf(name, "no section name table");
    if (shstrndx >= shnum) {
        return bad(name, fmt::format("section name index {} is not below the section count {}",
                                     shstrndx, shnum));
    }
    std::vector<std::pair<std::string, SectionInfo>> out;
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == nullptr) return bad_libelf(name, "unreadable section header");
        const char* sname = elf_strptr(elf, shstrndx, sh.sh_name);
        if (sname == nullptr) continue;
        out.emplace_back(sname, SectionInfo{sh.sh_addr, sh.sh_size, sh.sh_offset});
    }
    return out;
}

}  // namespace

Result<std::unique_ptr<Image>> try_open_elf(int fd, std::string_view name) {
    if (!has_elf_magic(fd)) return std::unique_ptr<Image>{};
    if (elf_version(EV_CURRENT) == EV_NONE) return bad_libelf(name, "libelf initialisation");

    ElfHandle elf(elf_begin(fd, ELF_C_READ_MMAP, nullptr));
    if (!elf) return bad_libelf(name, "not readable as ELF");
    if (elf_kind(elf.get()) != ELF_K_ELF) return bad(name, "not an ELF object");

    auto base = first_load_base(elf.get(), name);
    if (!base) return std::move(base).error();
    auto sections = read_sections(elf.get(), name);
    if (!sections) return std::move(sections).error();
    return std::unique_ptr<Image>(new ElfImage(std::move(*sections), *base));
}

}  // namespace aps::read
