// The core-file parser over small synthetic cores built in the test: segments, NT_FILE (kernel
// and gdb flavours), auxv and prpsinfo, and corrupt or truncated cores that must give BadCore.
#include "read/core_file.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "support/elf_builder.hpp"

namespace aps::read {
namespace {

using test::build_core;
using test::Bytes;
using test::CoreSpec;
using test::TempDir;

CoreSpec two_file_core() {
    CoreSpec spec;
    spec.loads.push_back({0x400000, 0x3000, Bytes(0x1000, std::byte{0x11}), PF_R});
    spec.loads.push_back({0x600000, 0, Bytes(0x2000, std::byte{0x22}), PF_R | PF_W});
    spec.loads.push_back({0x7f0000000000, 0, Bytes(0x1000, std::byte{0x33}), PF_R | PF_W});
    spec.files.push_back({0x400000, 0x403000, 0, "/usr/bin/python3.14"});
    spec.files.push_back({0x600000, 0x602000, 0x3000, "/usr/bin/python3.14"});
    spec.files.push_back({0x7f1000000000, 0x7f1000001000, 0, "/tmp/gone.so (deleted)"});
    spec.entry = 0x401000;
    return spec;
}

Result<CoreFile> parse(const Bytes& bytes, const TempDir& dir, const std::string& name = "core") {
    return parse_core_file(dir.write(name, bytes));
}

TEST(CoreFile, ReadsSegmentsMappingsAndProcess) {
    TempDir dir;
    auto core = parse(build_core(two_file_core()), dir);
    ASSERT_TRUE(core) << core.error().message;
    ASSERT_EQ(core->segments.size(), 3u);
    EXPECT_EQ(core->segments[0].vaddr, 0x400000u);
    EXPECT_EQ(core->segments[0].memsz, 0x3000u);
    EXPECT_EQ(core->segments[0].filesz, 0x1000u);
    EXPECT_EQ(core->segments[1].flags, uint32_t{PF_R | PF_W});
    ASSERT_EQ(core->mappings.size(), 3u);
    EXPECT_EQ(core->mappings[1].offset, 0x3000u);
    EXPECT_EQ(core->mappings[2].path, "/tmp/gone.so");
    EXPECT_TRUE(core->mappings[2].deleted);
    EXPECT_EQ(core->pid, 4242);
    EXPECT_EQ(core->command, "python3.14");
    EXPECT_EQ(core->page_size, 4096u);
    EXPECT_EQ(core->executable(), "/usr/bin/python3.14");
    EXPECT_EQ(core->describe(), "core file " + dir.path() + "/core (process 4242, python3.14)");
}

TEST(CoreFile, FindsSegmentsAndMappingsByAddress) {
    TempDir dir;
    auto core = parse(build_core(two_file_core()), dir);
    ASSERT_TRUE(core) << core.error().message;
    EXPECT_EQ(core->segment_at(0x400000 + 0x2fff)->vaddr, 0x400000u);
    EXPECT_EQ(core->segment_at(0x403000), nullptr);
    EXPECT_EQ(core->segment_at(0x3fffff), nullptr);
    EXPECT_EQ(core->mapping_at(0x601fff)->offset, 0x3000u);
    EXPECT_EQ(core->mapping_at(0x602000), nullptr);
}

TEST(CoreFile, GdbWritesNtFileOffsetsInBytes) {
    CoreSpec spec = two_file_core();
    spec.nt_file_page = 1;
    spec.page_size = 16384;
    TempDir dir;
    auto core = parse(build_core(spec), dir);
    ASSERT_TRUE(core) << core.error().message;
    EXPECT_EQ(core->mappings[1].offset, 0x3000u);
    EXPECT_EQ(core->page_size, 16384u);  // from AT_PAGESZ, not NT_FILE's 1
}

TEST(CoreFile, WithoutEntryTheExecutableIsTheFirstMapping) {
    CoreSpec spec = two_file_core();
    spec.entry.reset();
    spec.files[0].path = "/opt/app/bin/python";
    TempDir dir;
    auto core = parse(build_core(spec), dir);
    ASSERT_TRUE(core) << core.error().message;
    EXPECT_EQ(core->executable(), "/opt/app/bin/python");
}

TEST(CoreFile, WithoutNtFileThereAreNoMappings) {
    CoreSpec spec = two_file_core();
    spec.nt_file = false;
    TempDir dir;
    auto core = parse(build_core(spec), dir);
    ASSERT_TRUE(core) << core.error().message;
    EXPECT_TRUE(core->mappings.empty());
    EXPECT_EQ(core->executable(), "");
}

void expect_bad(const Bytes& bytes, std::string_view needle) {
    TempDir dir;
    auto core = parse(bytes, dir);
    ASSERT_FALSE(core) << "parsed: " << needle;
    EXPECT_EQ(core.error().code, Errc::BadCore);
    EXPECT_NE(core.error().message.find(needle), std::string::npos) << core.error().message;
    EXPECT_EQ(core.error().message.find('\n'), std::string::npos);
}

TEST(CoreFile, RejectsWhatIsNotACoreOfThisMachine) {
    expect_bad(test::bytes_of("not an elf at all, just text"), "not an ELF file");
    CoreSpec exec = two_file_core();
    exec.type = ET_EXEC;
    expect_bad(build_core(exec), "not a core file");
    CoreSpec other = two_file_core();
    other.machine = EM_386;
    expect_bad(build_core(other), "another kind of machine");
    TempDir dir;
    auto missing = parse_core_file(dir.path() + "/no-such-core");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::BadCore);
    EXPECT_NE(missing.error().message.find("No such file"), std::string::npos);
}

TEST(CoreFile, RejectsAnNtFileNoteThatLies) {
    CoreSpec many = two_file_core();
    Bytes desc(16);
    uint64_t count = uint64_t{1} << 40;
    uint64_t page = 4096;
    std::memcpy(desc.data(), &count, 8);
    std::memcpy(desc.data() + 8, &page, 8);
    many.raw_nt_file = desc;
    expect_bad(build_core(many), "claims 1099511627776 mappings");

    // One entry and no path after it.
    CoreSpec no_paths = two_file_core();
    Bytes entries(16 + 24);
    count = 1;
    std::memcpy(entries.data(), &count, 8);
    std::memcpy(entries.data() + 8, &page, 8);
    uint64_t range[3] = {0x400000, 0x401000, 0};
    std::memcpy(entries.data() + 16, range, sizeof range);
    no_paths.raw_nt_file = entries;
    expect_bad(build_core(no_paths), "has 0 paths for 1 mappings");

    CoreSpec backwards = two_file_core();
    backwards.files[0].end = backwards.files[0].start;
    expect_bad(build_core(backwards), "NT_FILE entry 0 is malformed");

    CoreSpec bad_page = two_file_core();
    bad_page.nt_file_page = 3;
    bad_page.files = {};
    expect_bad(build_core(bad_page), "invalid page size 3");
}

TEST(CoreFile, RejectsOverlappingSegments) {
    CoreSpec spec = two_file_core();
    spec.loads.push_back({0x400800, 0, Bytes(0x100), PF_R});
    expect_bad(build_core(spec), "overlap");
}

// Every prefix of a valid core either parses (the memory is then merely missing) or is BadCore;
// nothing crashes and nothing else comes out.
TEST(CoreFile, TruncatedCoresNeverCrash) {
    Bytes full = build_core(two_file_core());
    TempDir dir;
    size_t parsed = 0;
    for (size_t n = 0; n < full.size(); n += (n < 4096 ? 29 : 997)) {
        Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        auto core = parse(cut, dir, "cut");
        if (core) {
            ++parsed;
            EXPECT_EQ(core->size, n);
        } else {
            EXPECT_EQ(core.error().code, Errc::BadCore) << n << ": " << core.error().message;
        }
    }
    EXPECT_GT(parsed, 0u);  // the cuts inside the memory data leave the headers whole
}

// A core cut inside its headers, or a sparse copy with only its ELF header, is a truncated core
// (BadCore, exit 7), not a core "without Python" (exit 5), nor merely "invalid ELF data".
TEST(CoreFile, ACoreWithoutItsHeadersOrNotesSaysItIsTruncated) {
    const Bytes full = build_core(two_file_core());
    TempDir dir;
    const auto expect_truncated = [&dir](const Bytes& bytes, const std::string& detail) {
        auto core = parse(bytes, dir, "cut");
        ASSERT_FALSE(core) << detail;
        EXPECT_EQ(core.error().code, Errc::BadCore);
        EXPECT_NE(core.error().message.find(" is truncated: "), std::string::npos)
            << detail << ": " << core.error().message;
        EXPECT_NE(core.error().message.find(detail), std::string::npos) << core.error().message;
    };
    const auto prefix = [&full](size_t n) { return Bytes(full.begin(), full.begin() + n); };
    expect_truncated(prefix(20), "20 bytes, shorter than an ELF header (64 bytes)");
    expect_truncated(prefix(63), "63 bytes, shorter than an ELF header");
    expect_truncated(prefix(64), "program headers at offset 0x40 run past its end (64 bytes)");
    expect_truncated(prefix(100), "program headers at offset 0x40 run past its end (100 bytes)");
    // Sparse: the ELF header, then zeros as far as the core went.
    Bytes sparse(full.size());
    std::copy(full.begin(), full.begin() + sizeof(Elf64_Ehdr), sparse.begin());
    expect_truncated(sparse, "program headers are all zero bytes");
    // The headers too, but the notes zero.
    Elf64_Ehdr eh;
    std::memcpy(&eh, full.data(), sizeof eh);
    const size_t headers = eh.e_phoff + size_t{eh.e_phnum} * eh.e_phentsize;
    std::copy(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(headers), sparse.begin());
    expect_truncated(sparse, "its note segment holds no core notes");
}

TEST(CoreFile, RandomDamageToTheHeadersNeverCrashes) {
    Bytes full = build_core(two_file_core());
    TempDir dir;
    std::mt19937 rng(20261126);
    size_t header_bytes = 4096;  // ELF header, program headers and notes
    for (int round = 0; round < 300; ++round) {
        Bytes damaged = full;
        int flips = 1 + static_cast<int>(rng() % 8);
        for (int i = 0; i < flips; ++i) damaged[rng() % header_bytes] = std::byte(rng() & 0xff);
        auto core = parse(damaged, dir, "damaged");
        if (!core) {
            EXPECT_EQ(core.error().code, Errc::BadCore) << core.error().message;
        }
    }
}

}  // namespace
}  // namespace aps::read
