// The pieces of the Mach-O and universal ("fat") formats that aps reads, defined here from the
// format's documentation (mach-o/loader.h, fat.h, nlist.h exist only on Apple systems). Records
// are decoded field by field in their on-disk byte order, so the host's own order never matters.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace aps::read::macho {

// First four bytes of a file, read as a big-endian number.
inline constexpr uint32_t kMagic64 = 0xcffaedfe;   // MH_MAGIC_64 (0xfeedfacf) stored little-endian
inline constexpr uint32_t kCigam64 = 0xfeedfacf;   // MH_MAGIC_64 stored big-endian (ppc64)
inline constexpr uint32_t kMagic32 = 0xcefaedfe;   // MH_MAGIC stored little-endian (i386, arm)
inline constexpr uint32_t kCigam32 = 0xfeedface;   // MH_MAGIC stored big-endian (ppc)
inline constexpr uint32_t kFatMagic = 0xcafebabe;  // FAT_MAGIC, always big-endian
inline constexpr uint32_t kFatMagic64 = 0xcafebabf;  // FAT_MAGIC_64: 64-bit slice offsets

inline constexpr int32_t kCpuArch64 = 0x01000000;  // CPU_ARCH_ABI64
inline constexpr int32_t kCpuX86_64 = 7 | kCpuArch64;
inline constexpr int32_t kCpuArm64 = 12 | kCpuArch64;

inline constexpr uint32_t kFileObject = 1;  // MH_OBJECT: a .o, never loaded, addresses from 0

inline constexpr uint32_t kLcSymtab = 0x2;
inline constexpr uint32_t kLcSegment64 = 0x19;

inline constexpr uint32_t kSectionTypeMask = 0xff;  // low byte of section flags
inline constexpr uint32_t kZerofill = 0x1;          // S_ZEROFILL and friends: no bytes in the file
inline constexpr uint32_t kGbZerofill = 0xc;
inline constexpr uint32_t kThreadLocalZerofill = 0x12;

inline constexpr uint8_t kNStab = 0xe0;  // n_type bits of debugger entries
inline constexpr uint8_t kNTypeMask = 0x0e;
inline constexpr uint8_t kNSect = 0x0e;  // defined in the section numbered n_sect (from 1)

// On-disk record sizes.
inline constexpr size_t kFatHeaderSize = 8;
inline constexpr size_t kFatArchSize = 20;
inline constexpr size_t kFatArch64Size = 32;
inline constexpr size_t kHeader64Size = 32;
inline constexpr size_t kLoadCommandSize = 8;
inline constexpr size_t kSegment64Size = 72;
inline constexpr size_t kSection64Size = 80;
inline constexpr size_t kSymtabCommandSize = 24;
inline constexpr size_t kNlist64Size = 16;

template <class T>
T load(const std::byte* p, std::endian order) {
    T v;
    std::memcpy(&v, p, sizeof v);
    if (order != std::endian::native) {
        if constexpr (sizeof(T) == 2) v = static_cast<T>(__builtin_bswap16(v));
        if constexpr (sizeof(T) == 4) v = static_cast<T>(__builtin_bswap32(v));
        if constexpr (sizeof(T) == 8) v = static_cast<T>(__builtin_bswap64(v));
    }
    return v;
}

inline uint32_t le32(const std::byte* p) {
    return load<uint32_t>(p, std::endian::little);
}
inline uint64_t le64(const std::byte* p) {
    return load<uint64_t>(p, std::endian::little);
}
inline uint32_t be32(const std::byte* p) {
    return load<uint32_t>(p, std::endian::big);
}
inline uint64_t be64(const std::byte* p) {
    return load<uint64_t>(p, std::endian::big);
}

// A fixed 16-byte name field: NUL-terminated unless it uses all 16 bytes.
inline std::string_view name16(const std::byte* p) {
    const char* s = reinterpret_cast<const char*>(p);
    return {s, ::strnlen(s, 16)};
}

struct FatArch {  // fat_arch / fat_arch_64, big-endian
    int32_t cputype = 0;
    uint64_t offset = 0;
    uint64_t size = 0;
};

inline FatArch decode_fat_arch(const std::byte* p, bool wide) {
    FatArch a;
    a.cputype = static_cast<int32_t>(be32(p));
    a.offset = wide ? be64(p + 8) : be32(p + 8);
    a.size = wide ? be64(p + 16) : be32(p + 12);
    return a;
}

struct Header64 {  // mach_header_64, little-endian
    int32_t cputype = 0;
    uint32_t filetype = 0;
    uint32_t ncmds = 0;
    uint32_t sizeofcmds = 0;
};

inline Header64 decode_header64(const std::byte* p) {
    return {static_cast<int32_t>(le32(p + 4)), le32(p + 12), le32(p + 16), le32(p + 20)};
}

struct Segment64 {  // segment_command_64
    std::string_view segname;
    uint64_t vmaddr = 0;
    uint64_t vmsize = 0;
    uint64_t fileoff = 0;
    uint64_t filesize = 0;
    uint32_t nsects = 0;
};

inline Segment64 decode_segment64(const std::byte* p) {
    return {name16(p + 8), le64(p + 24), le64(p + 32), le64(p + 40), le64(p + 48), le32(p + 64)};
}

struct Section64 {  // section_64
    std::string_view sectname;
    std::string_view segname;
    uint64_t addr = 0;
    uint64_t size = 0;
    uint32_t offset = 0;
    uint32_t flags = 0;
};

inline Section64 decode_section64(const std::byte* p) {
    return {name16(p), name16(p + 16), le64(p + 32), le64(p + 40), le32(p + 48), le32(p + 64)};
}

inline bool is_zerofill(const Section64& s) {
    uint32_t type = s.flags & kSectionTypeMask;
    return type == kZerofill || type == kGbZerofill || type == kThreadLocalZerofill;
}

struct SymtabCommand {  // symtab_command
    uint32_t symoff = 0;
    uint32_t nsyms = 0;
    uint32_t stroff = 0;
    uint32_t strsize = 0;
};

inline SymtabCommand decode_symtab(const std::byte* p) {
    return {le32(p + 8), le32(p + 12), le32(p + 16), le32(p + 20)};
}

struct Nlist64 {  // nlist_64
    uint32_t strx = 0;
    uint8_t type = 0;
    uint8_t sect = 0;
    uint64_t value = 0;
};

inline Nlist64 decode_nlist64(const std::byte* p) {
    return {le32(p), static_cast<uint8_t>(p[4]), static_cast<uint8_t>(p[5]), le64(p + 8)};
}

// "x86_64", "arm64", or the number, for messages.
std::string cpu_name(int32_t cputype);

}  // namespace aps::read::macho
