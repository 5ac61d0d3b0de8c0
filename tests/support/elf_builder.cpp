// Small ELF files for the core-file tests; see elf_builder.hpp.
#include "support/elf_builder.hpp"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace aps::test {
namespace {

template <class T>
void put(Bytes& out, uint64_t at, const T& value) {
    if (out.size() < at + sizeof(T)) out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &value, sizeof(T));
}

void put_bytes(Bytes& out, uint64_t at, const Bytes& bytes) {
    if (out.size() < at + bytes.size()) out.resize(at + bytes.size());
    if (!bytes.empty()) std::memcpy(out.data() + at, bytes.data(), bytes.size());
}

uint64_t align(uint64_t n, uint64_t a) {
    return (n + a - 1) / a * a;
}

// One note: header, name and description, each padded to 4 bytes.
Bytes note(std::string_view name, uint32_t type, const Bytes& desc) {
    Bytes out;
    Elf64_Nhdr h{static_cast<Elf64_Word>(name.size() + 1), static_cast<Elf64_Word>(desc.size()),
                 type};
    put(out, 0, h);
    Bytes n = bytes_of(name);
    n.push_back(std::byte{0});
    put_bytes(out, sizeof h, n);
    out.resize(align(out.size(), 4));
    put_bytes(out, out.size(), desc);
    out.resize(align(out.size(), 4));
    return out;
}

Elf64_Ehdr header(uint16_t type, uint16_t machine, unsigned char elf_class, uint16_t phnum) {
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = elf_class;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = type;
    eh.e_machine = machine;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof(Elf64_Ehdr);
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = phnum;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    return eh;
}

Bytes nt_file_desc(const CoreSpec& spec) {
    if (!spec.raw_nt_file.empty()) return spec.raw_nt_file;
    Bytes d;
    put<uint64_t>(d, 0, spec.files.size());
    put<uint64_t>(d, 8, spec.nt_file_page);
    for (const CoreSpec::File& f : spec.files) {
        put<uint64_t>(d, d.size(), f.start);
        put<uint64_t>(d, d.size(), f.end);
        put<uint64_t>(d, d.size(), f.offset / spec.nt_file_page);
    }
    for (const CoreSpec::File& f : spec.files) {
        Bytes p = bytes_of(f.path);
        p.push_back(std::byte{0});
        put_bytes(d, d.size(), p);
    }
    return d;
}

}  // namespace

Bytes bytes_of(std::string_view text) {
    Bytes out(text.size());
    std::memcpy(out.data(), text.data(), text.size());
    return out;
}

Bytes build_elf_file(const ElfFileSpec& spec) {
    std::vector<ElfFileSpec::Load> loads = spec.loads;
    if (loads.empty()) loads.push_back({0, 0, spec.size, spec.size, PF_R});
    bool has_note = !spec.build_id.empty();
    uint16_t phnum = static_cast<uint16_t>(loads.size() + (has_note ? 1 : 0));
    Bytes out(spec.size);
    Elf64_Ehdr eh = header(ET_DYN, EM_X86_64, ELFCLASS64, phnum);

    uint64_t ph_at = sizeof(Elf64_Ehdr);
    for (const ElfFileSpec::Load& l : loads) {
        Elf64_Phdr ph{PT_LOAD, l.flags, l.offset, l.vaddr, l.vaddr, l.filesz, l.memsz, 0x1000};
        put(out, ph_at, ph);
        ph_at += sizeof ph;
    }
    uint64_t note_at = align(ph_at + (has_note ? sizeof(Elf64_Phdr) : 0), 8);
    if (has_note) {
        Bytes n = note("GNU", NT_GNU_BUILD_ID, spec.build_id);
        Elf64_Phdr ph{PT_NOTE, PF_R, note_at, note_at, note_at, n.size(), n.size(), 4};
        put(out, ph_at, ph);
        put_bytes(out, note_at, n);
    }
    for (const auto& [at, bytes] : spec.content) put_bytes(out, at, bytes);
    out.resize(std::max<uint64_t>(out.size(), spec.size));

    // .shstrtab, then the section headers: null, the named sections, .shstrtab.
    Bytes names{std::byte{0}};
    std::vector<uint32_t> name_at;
    for (const ElfFileSpec::Section& s : spec.sections) {
        name_at.push_back(static_cast<uint32_t>(names.size()));
        put_bytes(names, names.size(), bytes_of(s.name));
        names.push_back(std::byte{0});
    }
    uint32_t shstrtab_name = static_cast<uint32_t>(names.size());
    put_bytes(names, names.size(), bytes_of(".shstrtab"));
    names.push_back(std::byte{0});
    uint64_t names_at = out.size();
    put_bytes(out, names_at, names);
    uint64_t sh_at = align(out.size(), 8);
    out.resize(sh_at);
    put(out, out.size(), Elf64_Shdr{});
    for (size_t i = 0; i < spec.sections.size(); ++i) {
        const ElfFileSpec::Section& s = spec.sections[i];
        Elf64_Shdr sh{};
        sh.sh_name = name_at[i];
        sh.sh_type = SHT_PROGBITS;
        sh.sh_flags = SHF_ALLOC;
        sh.sh_addr = s.addr;
        sh.sh_offset = s.offset;
        sh.sh_size = s.size;
        sh.sh_addralign = 8;
        put(out, out.size(), sh);
    }
    Elf64_Shdr strtab{};
    strtab.sh_name = shstrtab_name;
    strtab.sh_type = SHT_STRTAB;
    strtab.sh_offset = names_at;
    strtab.sh_size = names.size();
    strtab.sh_addralign = 1;
    put(out, out.size(), strtab);

    eh.e_shoff = sh_at;
    eh.e_shnum = static_cast<uint16_t>(spec.sections.size() + 2);
    eh.e_shstrndx = static_cast<uint16_t>(spec.sections.size() + 1);
    put(out, 0, eh);
    return out;
}

Bytes build_core(const CoreSpec& spec) {
    Bytes notes;
    if (spec.pid != 0) {
        Bytes psinfo(136);
        std::memcpy(psinfo.data() + 24, &spec.pid, sizeof spec.pid);
        std::memcpy(psinfo.data() + 40, spec.command.data(),
                    std::min<size_t>(spec.command.size(), 16));
        put_bytes(notes, notes.size(), note("CORE", NT_PRPSINFO, psinfo));
    }
    Bytes auxv;
    put<uint64_t>(auxv, auxv.size(), AT_PAGESZ);
    put<uint64_t>(auxv, auxv.size(), spec.page_size);
    if (spec.entry) {
        put<uint64_t>(auxv, auxv.size(), AT_ENTRY);
        put<uint64_t>(auxv, auxv.size(), *spec.entry);
    }
    put<uint64_t>(auxv, auxv.size(), AT_NULL);
    put<uint64_t>(auxv, auxv.size(), 0);
    put_bytes(notes, notes.size(), note("CORE", NT_AUXV, auxv));
    if (spec.nt_file) put_bytes(notes, notes.size(), note("CORE", NT_FILE, nt_file_desc(spec)));

    uint16_t phnum = static_cast<uint16_t>(1 + spec.loads.size());
    Bytes out;
    put(out, 0, header(spec.type, spec.machine, spec.elf_class, phnum));
    uint64_t notes_at = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    Elf64_Phdr note_ph{PT_NOTE, 0, notes_at, 0, 0, notes.size(), 0, 4};
    put(out, sizeof(Elf64_Ehdr), note_ph);
    put_bytes(out, notes_at, notes);
    uint64_t data_at = align(out.size(), 4096);
    for (size_t i = 0; i < spec.loads.size(); ++i) {
        const CoreSpec::Load& l = spec.loads[i];
        uint64_t memsz = l.memsz != 0 ? l.memsz : l.bytes.size();
        Elf64_Phdr ph{PT_LOAD, l.flags, data_at, l.vaddr, 0, l.bytes.size(), memsz, 4096};
        put(out, sizeof(Elf64_Ehdr) + (1 + i) * sizeof(Elf64_Phdr), ph);
        put_bytes(out, data_at, l.bytes);
        data_at = align(data_at + l.bytes.size(), 4096);
    }
    return out;
}

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "aps-core-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const Bytes& bytes) const {
    std::filesystem::path p =
        std::filesystem::path(path_) / std::filesystem::path(name).relative_path();
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p.string();
}

}  // namespace aps::test
