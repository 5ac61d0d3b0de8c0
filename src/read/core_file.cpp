// Parsing an ELF core's program headers and notes (NT_FILE, NT_AUXV, NT_PRPSINFO) with libelf;
// see core_file.hpp. Every count and size in the core is checked before it is used.
#include "read/core_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "read/elf_notes.hpp"
#include "read/regular_file.hpp"
#include "read/unique_fd.hpp"

namespace aps::read {
namespace {

#if defined(__x86_64__)
constexpr int kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kMachine = EM_AARCH64;
#else
#error "aps reads cores of x86-64 and aarch64 processes only"
#endif

constexpr std::string_view kDeleted = " (deleted)";

// Layout of the 64-bit Linux elf_prpsinfo (the same on x86-64 and aarch64).
constexpr size_t kPrpsinfoSize = 136;
constexpr size_t kPrpsinfoPid = 24;
constexpr size_t kPrpsinfoFname = 40;
constexpr size_t kPrpsinfoFnameSize = 16;

Error bad(std::string_view name, std::string_view what) {
    return {Errc::BadCore, fmt::format("core file {}: {}", name, what)};
}

uint64_t u64_at(std::span<const std::byte> bytes, size_t at) {
    uint64_t v = 0;
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
}

bool valid_page_size(uint64_t page) {
    return page >= 4096 && page <= (1u << 30) && (page & (page - 1)) == 0;
}

// NT_FILE: count, page size, count x {start, end, page offset}, then count NUL-terminated paths.
Result<std::vector<CoreMapping>> parse_nt_file(std::span<const std::byte> desc,
                                               std::string_view name, const CoreLimits& limits,
                                               uint64_t& page_size) {
    constexpr size_t kHeader = 16;
    constexpr size_t kEntry = 24;
    if (desc.size() < kHeader) return bad(name, "NT_FILE note is shorter than its header");
    uint64_t count = u64_at(desc, 0);
    uint64_t page = u64_at(desc, 8);
    if (count > limits.max_mappings || count > (desc.size() - kHeader) / kEntry) {
        return bad(name,
                   fmt::format("NT_FILE note claims {} mappings in {} bytes", count, desc.size()));
    }
    if (page == 0 || (page & (page - 1)) != 0 || page > (1u << 30)) {
        return bad(name, fmt::format("NT_FILE note has an invalid page size {}", page));
    }
    // gdb writes offsets in bytes (page size 1); the kernel in pages.
    if (valid_page_size(page)) page_size = page;
    std::vector<CoreMapping> out(count);
    size_t text = kHeader + count * kEntry;
    for (uint64_t i = 0; i < count; ++i) {
        CoreMapping& m = out[i];
        m.start = u64_at(desc, kHeader + i * kEntry);
        m.end = u64_at(desc, kHeader + i * kEntry + 8);
        uint64_t page_offset = u64_at(desc, kHeader + i * kEntry + 16);
        if (m.start >= m.end || page_offset > UINT64_MAX / page) {
            return bad(name, fmt::format("NT_FILE entry {} is malformed ({:#x}-{:#x}, page {})", i,
                                         m.start, m.end, page_offset));
        }
        m.offset = page_offset * page;
        const void* nul =
            text < desc.size() ? std::memchr(desc.data() + text, 0, desc.size() - text) : nullptr;
        if (nul == nullptr) {
            return bad(name, fmt::format("NT_FILE note has {} paths for {} mappings", i, count));
        }
        size_t len = static_cast<const std::byte*>(nul) - (desc.data() + text);
        m.path.assign(reinterpret_cast<const char*>(desc.data() + text), len);
        text += len + 1;
        if (m.path.ends_with(kDeleted)) {
            m.path.resize(m.path.size() - kDeleted.size());
            m.deleted = true;
        }
    }
    return out;
}

void read_auxv(std::span<const std::byte> desc, CoreFile& core) {
    for (size_t at = 0; at + 16 <= desc.size(); at += 16) {
        uint64_t type = u64_at(desc, at);
        uint64_t value = u64_at(desc, at + 8);
        if (type == AT_NULL) break;
        if (type == AT_ENTRY) core.entry = value;
        if (type == AT_PAGESZ && valid_page_size(value)) core.page_size = value;
    }
}

void read_prpsinfo(std::span<const std::byte> desc, CoreFile& core) {
    if (desc.size() < kPrpsinfoSize) return;
    int32_t pid = 0;
    std::memcpy(&pid, desc.data() + kPrpsinfoPid, sizeof pid);
    core.pid = pid;
    const char* fname = reinterpret_cast<const char*>(desc.data() + kPrpsinfoFname);
    core.command.assign(fname, strnlen(fname, kPrpsinfoFnameSize));
}

Error truncated(std::string_view name, std::string_view what) {
    return {Errc::BadCore, fmt::format("core file {} is truncated: {}", name, what)};
}

// An ELF file cut short of its own header: libelf would only call it "invalid data".
Result<void> check_header_length(int fd, uint64_t size, std::string_view name) {
    if (size >= sizeof(Elf64_Ehdr) || size < SELFMAG) return {};
    char magic[SELFMAG];
    if (::pread(fd, magic, SELFMAG, 0) != SELFMAG || std::memcmp(magic, ELFMAG, SELFMAG) != 0) {
        return {};
    }
    return truncated(name, fmt::format("{} bytes, shorter than an ELF header ({} bytes)", size,
                                       sizeof(Elf64_Ehdr)));
}

// The program header table within the file: libelf reads past the end of a cut core as zeros,
// and a core without headers would then look like one without Python.
Result<void> check_phdr_table(Elf* elf, uint64_t size, std::string_view name) {
    GElf_Ehdr eh;
    if (gelf_getehdr(elf, &eh) == nullptr || eh.e_phnum == PN_XNUM) return {};
    const uint64_t table = uint64_t{eh.e_phnum} * eh.e_phentsize;
    if (eh.e_phoff > size || size - eh.e_phoff < table) {
        return truncated(name,
                         fmt::format("its {} program headers at offset {:#x} run past its end "
                                     "({} bytes)",
                                     eh.e_phnum, eh.e_phoff, size));
    }
    return {};
}

Result<void> check_header(Elf* elf, std::string_view name) {
    if (elf_kind(elf) != ELF_K_ELF) return bad(name, "not an ELF file");
    GElf_Ehdr eh;
    if (gelf_getehdr(elf, &eh) == nullptr)
        return bad(name, fmt::format("unreadable ELF header: {}", elf_errmsg(-1)));
    if (eh.e_type != ET_CORE) {
        return bad(name, fmt::format("not a core file (ELF type {}, a core is {})", eh.e_type,
                                     int{ET_CORE}));
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != kMachine) {
        return bad(name, fmt::format("a core of another kind of machine (class {}, data {}, "
                                     "machine {}); aps reads cores of its own machine type",
                                     eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA], eh.e_machine));
    }
    return {};
}

Result<void> read_notes(Elf* elf, const GElf_Phdr& ph, const CoreLimits& limits,
                        uint64_t& note_bytes, size_t& core_notes, CoreFile& core) {
    if (ph.p_filesz > limits.max_note_bytes - note_bytes) {
        return bad(core.name, fmt::format("note segments exceed {} bytes", limits.max_note_bytes));
    }
    note_bytes += ph.p_filesz;
    if (ph.p_offset > core.size || core.size - ph.p_offset < ph.p_filesz) {
        return Error{Errc::BadCore,
                     fmt::format("core file {} is truncated: its notes at offset {:#x} ({} bytes) "
                                 "run past its end ({} bytes)",
                                 core.name, ph.p_offset, ph.p_filesz, core.size)};
    }
    std::optional<Error> failed;
    bool have_files = !core.mappings.empty();
    auto walked = for_each_note(
        elf, ph, [&](uint32_t type, std::string_view owner, std::span<const std::byte> desc) {
            if (owner != "CORE") return true;
            ++core_notes;
            if (type == NT_FILE && !have_files) {
                auto files = parse_nt_file(desc, core.name, limits, core.page_size);
                if (!files) {
                    failed = std::move(files).error();
                    return false;
                }
                core.mappings = std::move(*files);
                std::stable_sort(
                    core.mappings.begin(), core.mappings.end(),
                    [](const CoreMapping& a, const CoreMapping& b) { return a.start < b.start; });
                have_files = true;
            } else if (type == NT_AUXV && !core.entry) {
                read_auxv(desc, core);
            } else if (type == NT_PRPSINFO && core.pid == 0) {
                read_prpsinfo(desc, core);
            }
            return true;
        });
    if (!walked) return bad(core.name, fmt::format("{} (truncated?)", walked.error().message));
    if (failed) return *failed;
    return {};
}

Result<void> check_segments(std::vector<CoreSegment>& segments, std::string_view name) {
    std::sort(segments.begin(), segments.end(),
              [](const CoreSegment& a, const CoreSegment& b) { return a.vaddr < b.vaddr; });
    for (size_t i = 1; i < segments.size(); ++i) {
        if (segments[i].vaddr < segments[i - 1].vaddr + segments[i - 1].memsz) {
            return bad(name, fmt::format("memory segments at {:#x} and {:#x} overlap",
                                         segments[i - 1].vaddr, segments[i].vaddr));
        }
    }
    return {};
}

}  // namespace

const CoreSegment* CoreFile::segment_at(uint64_t addr) const {
    auto it = std::upper_bound(segments.begin(), segments.end(), addr,
                               [](uint64_t a, const CoreSegment& s) { return a < s.vaddr; });
    if (it == segments.begin()) return nullptr;
    --it;
    return addr - it->vaddr < it->memsz ? &*it : nullptr;
}

const CoreMapping* CoreFile::mapping_at(uint64_t addr) const {
    auto it = std::upper_bound(mappings.begin(), mappings.end(), addr,
                               [](uint64_t a, const CoreMapping& m) { return a < m.start; });
    if (it == mappings.begin()) return nullptr;
    --it;
    return addr < it->end ? &*it : nullptr;
}

std::string CoreFile::executable() const {
    if (entry) {
        if (const CoreMapping* m = mapping_at(*entry)) return m->path;
    }
    return mappings.empty() ? std::string() : mappings.front().path;
}

std::string CoreFile::describe() const {
    if (pid == 0) return fmt::format("core file {}", name);
    if (command.empty()) return fmt::format("core file {} (process {})", name, pid);
    return fmt::format("core file {} (process {}, {})", name, pid, command);
}

Result<CoreFile> parse_core_file(int fd, std::string_view name, const CoreLimits& limits) {
    struct stat st;
    if (::fstat(fd, &st) != 0) return bad(name, std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return bad(name, "not a regular file");
    const auto size = static_cast<uint64_t>(st.st_size);
    if (auto ok = check_header_length(fd, size, name); !ok) return std::move(ok).error();
    if (elf_version(EV_CURRENT) == EV_NONE) return bad(name, "libelf initialisation failed");
    ElfHandle elf(elf_begin(fd, ELF_C_READ_MMAP, nullptr));
    if (!elf) return bad(name, fmt::format("not readable as ELF: {}", elf_errmsg(-1)));
    if (auto ok = check_header(elf.get(), name); !ok) return std::move(ok).error();
    if (auto ok = check_phdr_table(elf.get(), size, name); !ok) return std::move(ok).error();

    CoreFile core;
    core.name = std::string(name);
    core.size = size;
    size_t count = 0;
    if (elf_getphdrnum(elf.get(), &count) != 0)
        return bad(name, fmt::format("unreadable program headers: {}", elf_errmsg(-1)));
    if (count > limits.max_segments + 64)
        return bad(name, fmt::format("{} program headers is implausible", count));
    uint64_t note_bytes = 0;
    size_t core_notes = 0;  // notes of owner CORE: every core has some (registers, at least)
    bool notes = false;
    bool all_zero = true;
    for (size_t i = 0; i < count; ++i) {
        GElf_Phdr ph;
        if (gelf_getphdr(elf.get(), static_cast<int>(i), &ph) == nullptr) {
            return bad(name, fmt::format("program header {} is unreadable (truncated?): {}", i,
                                         elf_errmsg(-1)));
        }
        all_zero = all_zero && ph.p_type == 0 && ph.p_flags == 0 && ph.p_offset == 0 &&
                   ph.p_vaddr == 0 && ph.p_filesz == 0 && ph.p_memsz == 0;
        if (ph.p_type == PT_NOTE) {
            notes = true;
            if (auto ok = read_notes(elf.get(), ph, limits, note_bytes, core_notes, core); !ok)
                return std::move(ok).error();
        } else if (ph.p_type == PT_LOAD && ph.p_memsz > 0) {
            if (ph.p_filesz > ph.p_memsz || ph.p_vaddr + ph.p_memsz < ph.p_vaddr ||
                ph.p_offset + ph.p_filesz < ph.p_offset) {
                return bad(name, fmt::format("memory segment {} is malformed", i));
            }
            if (core.segments.size() >= limits.max_segments)
                return bad(name, fmt::format("more than {} segments", limits.max_segments));
            core.segments.push_back({ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz, ph.p_flags});
        }
    }
    // Kernel and gdb cores always have notes (the threads' registers, at least). Without any,
    // the rest of the core cannot be trusted: saying "no Python here" would be a guess.
    if (!notes && all_zero) {
        return truncated(name, fmt::format("its {} program headers are all zero bytes (a sparse or "
                                           "partial copy?)",
                                           count));
    }
    if (!notes) {
        return bad(name, "it has no note segment, which every core has: truncated or damaged");
    }
    if (core_notes == 0) {
        return truncated(name,
                         "its note segment holds no core notes (zero bytes where they should "
                         "be: a sparse or partial copy?)");
    }
    if (auto ok = check_segments(core.segments, name); !ok) return std::move(ok).error();
    return core;
}

Result<CoreFile> parse_core_file(const std::string& path, const CoreLimits& limits) {
    RegularFile file = open_regular_file(path, FollowLinks::Yes);
    if (!file.fd.valid()) {
        return bad(path,
                   file.error != 0 ? fmt::format("cannot open: {}", file.refusal) : file.refusal);
    }
    return parse_core_file(file.fd.get(), path, limits);
}

}  // namespace aps::read
