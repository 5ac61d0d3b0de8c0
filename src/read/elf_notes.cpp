// ELF notes and build-ids through libelf; see elf_notes.hpp.
#include "read/elf_notes.hpp"

#include <fmt/format.h>

namespace aps::read {

Result<void> for_each_note(Elf* elf, const GElf_Phdr& segment, const NoteVisitor& visit) {
    // Notes in an 8-aligned segment (GNU properties) have 8-byte padding.
    Elf_Type type = segment.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR;
    Elf_Data* data =
        elf_getdata_rawchunk(elf, static_cast<int64_t>(segment.p_offset), segment.p_filesz, type);
    if (data == nullptr) {
        return Error{Errc::CorruptData,
                     fmt::format("note segment at offset {:#x} ({} bytes) is unreadable: {}",
                                 segment.p_offset, segment.p_filesz, elf_errmsg(-1))};
    }
    const auto* base = static_cast<const std::byte*>(data->d_buf);
    size_t offset = 0;
    GElf_Nhdr header;
    size_t name_at = 0;
    size_t desc_at = 0;
    // gelf_getnote returns the next offset, strictly increasing, or 0 at the end or on garbage.
    while ((offset = gelf_getnote(data, offset, &header, &name_at, &desc_at)) > 0) {
        std::string_view name(reinterpret_cast<const char*>(base + name_at), header.n_namesz);
        if (!name.empty() && name.back() == '\0') name.remove_suffix(1);
        if (!visit(header.n_type, name, {base + desc_at, header.n_descsz})) break;
    }
    return {};
}

std::string elf_build_id(Elf* elf) {
    size_t count = 0;
    if (elf == nullptr || elf_getphdrnum(elf, &count) != 0) return {};
    std::string id;
    for (size_t i = 0; i < count && id.empty(); ++i) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf, static_cast<int>(i), &ph) == nullptr || ph.p_type != PT_NOTE)
            continue;
        auto ok = for_each_note(
            elf, ph, [&id](uint32_t type, std::string_view name, std::span<const std::byte> desc) {
                if (type != NT_GNU_BUILD_ID || name != "GNU" || desc.empty()) return true;
                id = hex_string(desc);
                return false;
            });
        (void)ok;  // an unreadable note segment just holds no build-id
    }
    return id;
}

ElfHandle elf_from_bytes(std::span<std::byte> bytes) {
    if (elf_version(EV_CURRENT) == EV_NONE) return nullptr;
    ElfHandle elf(elf_memory(reinterpret_cast<char*>(bytes.data()), bytes.size()));
    if (elf && elf_kind(elf.get()) != ELF_K_ELF) elf.reset();
    return elf;
}

std::string hex_string(std::span<const std::byte> bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::byte b : bytes) fmt::format_to(std::back_inserter(out), "{:02x}", unsigned(b));
    return out;
}

}  // namespace aps::read
