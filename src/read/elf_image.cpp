// The ELF implementation of Image: reads the section and program headers once with libelf and
// keeps only names, addresses, sizes and the build-id. Symbols are looked up only when asked for
// (through a duplicate of the file descriptor), so finding sections costs what it always did.
#include "read/elf_image.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "read/elf_notes.hpp"

namespace aps::read {
namespace {

Error bad(std::string_view name, std::string_view what) {
    return {Errc::BadImage, fmt::format("'{}': {}", name, what)};
}

Error bad_libelf(std::string_view name, std::string_view what) {
    return bad(name, fmt::format("{}: {}", what, elf_errmsg(-1)));
}

// The value of the defined symbol `wanted` in .symtab or .dynsym (in an executable or shared
// object st_value is an address; aps opens no relocatable objects).
Result<std::optional<uint64_t>> lookup_symbol(Elf* elf, std::string_view name,
                                              std::string_view wanted) {
    for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn != nullptr; scn = elf_nextscn(elf, scn)) {
        GElf_Shdr sh;
        if (gelf_getshdr(scn, &sh) == nullptr) return bad_libelf(name, "unreadable section header");
        if (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) continue;
        if (sh.sh_entsize == 0) return bad(name, "symbol table with entries of size 0");
        Elf_Data* data = elf_getdata(scn, nullptr);
        if (data == nullptr) return bad_libelf(name, "unreadable symbol table");
        size_t count = sh.sh_size / sh.sh_entsize;  // gelf_getsym checks each against the data
        for (size_t i = 0; i < count; ++i) {
            GElf_Sym sym;
            if (gelf_getsym(data, static_cast<int>(i), &sym) == nullptr)
                return bad_libelf(name, "unreadable symbol");
            if (sym.st_shndx == SHN_UNDEF || sym.st_name == 0) continue;
            const char* sname = elf_strptr(elf, sh.sh_link, sym.st_name);
            if (sname != nullptr && wanted == sname) return std::optional<uint64_t>(sym.st_value);
        }
    }
    return std::optional<uint64_t>{};
}

class ElfImage final : public Image {
  public:
    ElfImage(std::vector<std::pair<std::string, SectionInfo>> sections, uint64_t link_base, int fd,
             std::string_view name, std::string build_id)
        : sections_(std::move(sections)),
          link_base_(link_base),
          fd_(fd),
          name_(name),
          build_id_(std::move(build_id)) {}
    ~ElfImage() override {
        if (fd_ >= 0) ::close(fd_);
    }
    ElfImage(const ElfImage&) = delete;
    ElfImage& operator=(const ElfImage&) = delete;

    std::optional<SectionInfo> find_section(std::string_view name) const override {
        for (const auto& [n, s] : sections_) {
            if (n == name) return s;
        }
        return std::nullopt;
    }

    std::optional<SectionInfo> find_debug_section(std::string_view name) const override {
        return find_section(fmt::format(".{}", name));
    }

    Result<std::optional<uint64_t>> find_symbol(std::string_view name) const override {
        if (fd_ < 0) return bad(name_, "the file could not be kept open to read its symbols");
        // ELF_C_READ copies what it reads: a file cut short meanwhile is an error, not a SIGBUS.
        ElfHandle elf(elf_begin(fd_, ELF_C_READ, nullptr));
        if (!elf) return bad_libelf(name_, "not readable as ELF");
        return lookup_symbol(elf.get(), name_, name);
    }

    uint64_t link_base() const override { return link_base_; }
    const std::string& build_id() const override { return build_id_; }

  private:
    std::vector<std::pair<std::string, SectionInfo>> sections_;
    uint64_t link_base_;
    int fd_;  // a duplicate, owned; -1 when it could not be made
    std::string name_;
    std::string build_id_;
};

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
    int own_fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return std::unique_ptr<Image>(
        new ElfImage(std::move(*sections), *base, own_fd, name, elf_build_id(elf.get())));
}

}  // namespace aps::read
