// The Mach-O implementation of Image. Every count and offset in the file is checked against the
// file's size before anything is read or allocated; what is kept are owned names and numbers.
#include "read/macho_image.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "read/macho_format.hpp"

namespace aps::read {

namespace macho {

std::string cpu_name(int32_t cputype) {
    switch (cputype) {
        case kCpuX86_64:
            return "x86_64";
        case kCpuArm64:
            return "arm64";
        case 7:
            return "i386";
        case 12:
            return "arm";
        case 12 | 0x02000000:  // CPU_ARCH_ABI64_32
            return "arm64_32";
        case 18:
            return "ppc";
        case 18 | kCpuArch64:
            return "ppc64";
        default:
            return fmt::format("cputype {:#x}", static_cast<uint32_t>(cputype));
    }
}

namespace {

// Real universal files hold a handful of slices; the cap keeps a garbage count from driving a
// big read (a Java class file also starts with 0xcafebabe, its version then reads as the count).
constexpr uint32_t kMaxFatArchs = 64;
// No single table aps reads from a Mach-O file (load commands, symbols, strings) is near this.
constexpr uint64_t kMaxTableBytes = uint64_t{256} << 20;

struct NamedSection {
    std::string segname;
    std::string sectname;
    SectionInfo info;
};

class MachOImage final : public Image {
  public:
    MachOImage(std::vector<NamedSection> sections,
               std::vector<std::pair<std::string, uint64_t>> symbols, uint64_t link_base)
        : sections_(std::move(sections)), symbols_(std::move(symbols)), link_base_(link_base) {}

    std::optional<SectionInfo> find_section(std::string_view name) const override {
        size_t comma = name.find(',');
        if (comma == std::string_view::npos) return std::nullopt;
        std::string_view seg = name.substr(0, comma);
        std::string_view sect = name.substr(comma + 1);
        for (const NamedSection& s : sections_) {
            if (s.segname == seg && s.sectname == sect) return s.info;
        }
        return std::nullopt;
    }

    std::optional<SectionInfo> find_debug_section(std::string_view name) const override {
        // SEG_DATA "," name: the segment is "__DATA" in the section attribute CPython uses.
        return find_section(fmt::format("__DATA,{}", name));
    }

    Result<std::optional<uint64_t>> find_symbol(std::string_view name) const override {
        for (const auto& [n, value] : symbols_) {
            if (n.size() == name.size() + 1 && n[0] == '_' && std::string_view(n).substr(1) == name)
                return std::optional<uint64_t>(value);
        }
        return std::optional<uint64_t>{};
    }

    uint64_t link_base() const override { return link_base_; }
    // LC_UUID is Mach-O's build-id; nothing compares it yet (core files are ELF).
    const std::string& build_id() const override { return build_id_; }

  private:
    std::vector<NamedSection> sections_;
    std::vector<std::pair<std::string, uint64_t>> symbols_;  // defined symbols, names as stored
    uint64_t link_base_;
    std::string build_id_;
};

// The bytes [base, base + size) of an open file: the whole file, or one slice of a universal one.
// Offsets inside a Mach-O slice are relative to the slice's start.
struct Window {
    int fd = -1;
    uint64_t base = 0;
    uint64_t size = 0;
    std::string_view name;
    std::optional<int32_t> cputype;  // a universal file's slice: what its table entry promised

    std::string describe() const {
        return cputype ? fmt::format("the {} slice", cpu_name(*cputype)) : "the file";
    }
};

Error bad(std::string_view name, std::string_view what) {
    return {Errc::BadImage, fmt::format("'{}': {}", name, what)};
}

// `length` bytes at `offset` of the window, or BadImage naming `what` when they are not all there.
Result<std::vector<std::byte>> read_range(const Window& w, uint64_t offset, uint64_t length,
                                          std::string_view what) {
    if (offset > w.size || length > w.size - offset) {
        return bad(w.name, fmt::format("{} ({} bytes at offset {}) lies beyond the end of {} ({} "
                                       "bytes)",
                                       what, length, offset, w.describe(), w.size));
    }
    if (length > kMaxTableBytes) {
        return bad(w.name, fmt::format("{} is implausibly large ({} bytes)", what, length));
    }
    std::vector<std::byte> out(length);
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::pread(w.fd, out.data() + done, out.size() - done,
                            static_cast<off_t>(w.base + offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return bad(w.name, fmt::format("reading {}: {}", what, std::strerror(errno)));
        if (n == 0) return bad(w.name, fmt::format("{} is cut short: the file shrank", what));
        done += static_cast<size_t>(n);
    }
    return out;
}

// The slice for `arch` of a universal file whose first four bytes were `magic`.
Result<Window> select_slice(const Window& file, uint32_t magic, CpuArch arch) {
    auto header = read_range(file, 0, kFatHeaderSize, "universal header");
    if (!header) return std::move(header).error();
    uint32_t count = be32(header->data() + 4);
    bool wide = magic == kFatMagic64;
    size_t entry = wide ? kFatArch64Size : kFatArchSize;
    if (count == 0 || count > kMaxFatArchs) {
        return bad(file.name, fmt::format("universal header claims {} architectures (at most {} "
                                          "are plausible)",
                                          count, kMaxFatArchs));
    }
    auto table = read_range(file, kFatHeaderSize, uint64_t{count} * entry, "universal arch table");
    if (!table) return std::move(table).error();

    int32_t want = arch == CpuArch::Arm64 ? kCpuArm64 : kCpuX86_64;
    std::vector<std::string> present;
    for (uint32_t i = 0; i < count; ++i) {
        FatArch a = decode_fat_arch(table->data() + i * entry, wide);
        present.push_back(cpu_name(a.cputype));
        if (a.cputype != want) continue;
        if (a.offset > file.size || a.size > file.size - a.offset) {
            return bad(file.name, fmt::format("{} slice ({} bytes at offset {}) lies beyond the "
                                              "end of the file ({} bytes)",
                                              arch_name(arch), a.size, a.offset, file.size));
        }
        return Window{file.fd, a.offset, a.size, file.name, a.cputype};
    }
    return bad(file.name, fmt::format("universal file has no {} slice (it holds {})",
                                      arch_name(arch), fmt::join(present, ", ")));
}

struct Segment {
    Segment64 cmd;
    std::string name;
};

// Load commands parsed so far.
struct Parsed {
    std::vector<Segment> segments;
    std::vector<NamedSection> sections;
    std::optional<SymtabCommand> symtab;
};

Result<void> parse_segment(const Window& w, std::span<const std::byte> cmd, Parsed& out) {
    if (cmd.size() < kSegment64Size)
        return bad(w.name, fmt::format("LC_SEGMENT_64 of {} bytes is too short", cmd.size()));
    Segment64 seg = decode_segment64(cmd.data());
    if (uint64_t{seg.nsects} * kSection64Size > cmd.size() - kSegment64Size) {
        return bad(w.name, fmt::format("segment '{}' claims {} sections in a {}-byte command",
                                       seg.segname, seg.nsects, cmd.size()));
    }
    if (seg.fileoff > w.size || seg.filesize > w.size - seg.fileoff) {
        return bad(w.name,
                   fmt::format("segment '{}' ({} bytes at offset {}) lies beyond the end "
                               "of {} ({} bytes)",
                               seg.segname, seg.filesize, seg.fileoff, w.describe(), w.size));
    }
    for (uint32_t i = 0; i < seg.nsects; ++i) {
        Section64 s = decode_section64(cmd.data() + kSegment64Size + i * kSection64Size);
        SectionInfo info{s.addr, s.size, 0};
        if (!is_zerofill(s)) {
            if (s.offset > w.size || s.size > w.size - s.offset) {
                return bad(w.name, fmt::format("section {},{} ({} bytes at offset {}) lies beyond "
                                               "the end of {} ({} bytes)",
                                               s.segname, s.sectname, s.size, s.offset,
                                               w.describe(), w.size));
            }
            info.file_offset = w.base + s.offset;
        }
        out.sections.push_back({std::string(s.segname), std::string(s.sectname), info});
    }
    out.segments.push_back({seg, std::string(seg.segname)});
    return {};
}

Result<Parsed> parse_load_commands(const Window& w, const Header64& h) {
    if (uint64_t{h.ncmds} * kLoadCommandSize > h.sizeofcmds) {
        return bad(w.name,
                   fmt::format("{} load commands cannot fit in {} bytes", h.ncmds, h.sizeofcmds));
    }
    auto bytes = read_range(w, kHeader64Size, h.sizeofcmds, "load commands");
    if (!bytes) return std::move(bytes).error();
    std::span<const std::byte> all(*bytes);

    Parsed out;
    size_t at = 0;
    for (uint32_t i = 0; i < h.ncmds; ++i) {
        if (all.size() - at < kLoadCommandSize)
            return bad(w.name, fmt::format("load command {} starts past the commands' end", i));
        uint32_t cmd = le32(all.data() + at);
        uint32_t cmdsize = le32(all.data() + at + 4);
        if (cmdsize < kLoadCommandSize || cmdsize > all.size() - at) {
            return bad(w.name, fmt::format("load command {} has size {} ({} bytes remain)", i,
                                           cmdsize, all.size() - at));
        }
        std::span<const std::byte> body = all.subspan(at, cmdsize);
        if (cmd == kLcSegment64) {
            if (auto ok = parse_segment(w, body, out); !ok) return std::move(ok).error();
        } else if (cmd == kLcSymtab) {
            if (cmdsize < kSymtabCommandSize)
                return bad(w.name, fmt::format("LC_SYMTAB of {} bytes is too short", cmdsize));
            if (out.symtab) return bad(w.name, "more than one LC_SYMTAB");
            out.symtab = decode_symtab(body.data());
        }
        at += cmdsize;
    }
    return out;
}

// Defined symbols (n_type N_SECT, not debugger entries) with their names as stored.
Result<std::vector<std::pair<std::string, uint64_t>>> read_symbols(const Window& w,
                                                                   const SymtabCommand& st,
                                                                   size_t section_count) {
    auto entries = read_range(w, st.symoff, uint64_t{st.nsyms} * kNlist64Size, "symbol table");
    if (!entries) return std::move(entries).error();
    auto strings = read_range(w, st.stroff, st.strsize, "string table");
    if (!strings) return std::move(strings).error();
    const char* str = reinterpret_cast<const char*>(strings->data());

    std::vector<std::pair<std::string, uint64_t>> out;
    for (uint32_t i = 0; i < st.nsyms; ++i) {
        Nlist64 n = decode_nlist64(entries->data() + uint64_t{i} * kNlist64Size);
        if ((n.type & kNStab) != 0 || (n.type & kNTypeMask) != kNSect) continue;
        if (n.sect == 0 || n.sect > section_count) {
            return bad(w.name, fmt::format("symbol {} is in section {}, but there are {}", i,
                                           n.sect, section_count));
        }
        if (n.strx >= st.strsize) {
            return bad(w.name, fmt::format("symbol {} names string offset {} beyond the {}-byte "
                                           "string table",
                                           i, n.strx, st.strsize));
        }
        out.emplace_back(std::string(str + n.strx, ::strnlen(str + n.strx, st.strsize - n.strx)),
                         n.value);
    }
    return out;
}

// The address the header is linked at: the segment that maps file offset 0 (__TEXT). An object
// file's one segment starts later in the file, but its addresses start at 0 like a dylib's.
Result<uint64_t> link_base_of(const Window& w, const Header64& h,
                              const std::vector<Segment>& segments) {
    for (const Segment& s : segments) {
        if (s.cmd.fileoff == 0 && s.cmd.filesize != 0) return s.cmd.vmaddr;
    }
    if (h.filetype == kFileObject) return uint64_t{0};
    return bad(w.name,
               fmt::format("no segment maps the Mach-O header ({} segments)", segments.size()));
}

Result<std::unique_ptr<Image>> parse_thin(const Window& w) {
    auto head = read_range(w, 0, kHeader64Size, "Mach-O header");
    if (!head) return std::move(head).error();
    uint32_t magic = be32(head->data());
    if (magic == kMagic32 || magic == kCigam32)
        return bad(w.name, "32-bit Mach-O files are not supported");
    if (magic == kCigam64) return bad(w.name, "big-endian Mach-O files are not supported");
    if (magic != kMagic64)
        return bad(w.name,
                   fmt::format("slice does not start with a Mach-O magic ({:#010x})", magic));
    Header64 h = decode_header64(head->data());
    if (w.cputype && *w.cputype != h.cputype) {
        return bad(w.name, fmt::format("the {} slice holds a {} Mach-O file", cpu_name(*w.cputype),
                                       cpu_name(h.cputype)));
    }

    auto parsed = parse_load_commands(w, h);
    if (!parsed) return std::move(parsed).error();
    auto base = link_base_of(w, h, parsed->segments);
    if (!base) return std::move(base).error();
    std::vector<std::pair<std::string, uint64_t>> symbols;
    if (parsed->symtab) {
        auto read = read_symbols(w, *parsed->symtab, parsed->sections.size());
        if (!read) return std::move(read).error();
        symbols = std::move(*read);
    }
    return std::unique_ptr<Image>(
        new MachOImage(std::move(parsed->sections), std::move(symbols), *base));
}

}  // namespace
}  // namespace macho

Result<std::unique_ptr<Image>> try_open_macho(int fd, std::string_view name, CpuArch arch) {
    std::byte magic_bytes[4];
    if (::pread(fd, magic_bytes, sizeof magic_bytes, 0) != sizeof magic_bytes)
        return std::unique_ptr<Image>{};
    uint32_t magic = macho::be32(magic_bytes);
    bool fat = magic == macho::kFatMagic || magic == macho::kFatMagic64;
    bool thin = magic == macho::kMagic64 || magic == macho::kCigam64 || magic == macho::kMagic32 ||
                magic == macho::kCigam32;
    if (!fat && !thin) return std::unique_ptr<Image>{};

    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return macho::bad(name, fmt::format("fstat: {}", std::strerror(errno)));
    macho::Window file{fd, 0, static_cast<uint64_t>(st.st_size), name, std::nullopt};
    if (!fat) return macho::parse_thin(file);
    auto slice = macho::select_slice(file, magic, arch);
    if (!slice) return std::move(slice).error();
    return macho::parse_thin(*slice);
}

}  // namespace aps::read
