// Reading a core's memory: dumped bytes from the core, left-out file-backed memory from the mapped
// file (found at its path, under --sysroot or at --exe), and every way that can go wrong: a
// missing or different file (FileMismatch), a truncated core (BadCore), unmapped memory.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "read/core_file.hpp"
#include "read/core_mapped_files.hpp"
#include "read/core_target.hpp"
#include "read/dumped_memory.hpp"
#include "read/elf_image.hpp"
#include "read/image.hpp"
#include "read/unique_fd.hpp"
#include "support/elf_builder.hpp"

namespace aps::read {
namespace {

using test::build_core;
using test::build_elf_file;
using test::Bytes;
using test::bytes_of;
using test::CoreSpec;
using test::ElfFileSpec;
using test::TempDir;

constexpr uint64_t kBase = 0x7f0000000000;

ElfFileSpec library(Bytes build_id = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}}) {
    ElfFileSpec spec;
    spec.build_id = std::move(build_id);
    spec.size = 0x4000;
    spec.loads = {{0, 0, 0x3000, 0x3000, PF_R}, {0x3000, 0x3000, 0x1000, 0x1000, PF_R | PF_W}};
    spec.content = {{0x1000, bytes_of("TEXTTEXT")},
                    {0x2000, bytes_of("RODATA")},
                    {0x3000, bytes_of("DATA as linked")}};
    return spec;
}

// A kernel-style core of a process that mapped `recorded` at kBase: the first page of the
// read-only mapping is dumped (filesz < memsz), the data page entirely (it was written).
CoreSpec core_of(const Bytes& file, const std::string& recorded) {
    CoreSpec spec;
    Bytes first_page(file.begin(), file.begin() + 0x1000);
    Bytes data = bytes_of("DATA modified!");
    data.resize(0x1000);
    spec.loads.push_back({kBase, 0x3000, first_page, PF_R});
    spec.loads.push_back({kBase + 0x3000, 0, data, PF_R | PF_W});
    spec.files.push_back({kBase, kBase + 0x3000, 0, recorded});
    spec.files.push_back({kBase + 0x3000, kBase + 0x4000, 0x3000, recorded});
    spec.entry = kBase + 0x1000;
    return spec;
}

struct CoreOnDisk {
    TempDir dir;
    std::string recorded;
    std::string core_path;
};

// Writes the library at its recorded path and a core of it; `core` may be edited first.
void make(CoreOnDisk& s, const Bytes& file, CoreSpec* edited = nullptr) {
    s.recorded = s.dir.write("lib/libpython3.14.so", file);
    CoreSpec spec = edited != nullptr ? *edited : core_of(file, s.recorded);
    s.core_path = s.dir.write("core", build_core(spec));
}

std::string read_text(RemoteMemory& memory, uint64_t addr, size_t n, Result<void>* status) {
    std::string out(n, '?');
    *status = memory.read(addr, std::as_writable_bytes(std::span(out.data(), out.size())));
    return out;
}

// Expects a read of want.size() bytes at `addr` to succeed with `want`.
void expect_text(RemoteMemory& memory, uint64_t addr, std::string_view want) {
    Result<void> ok;
    EXPECT_EQ(read_text(memory, addr, want.size(), &ok), want) << "at " << std::hex << addr;
    EXPECT_TRUE(ok) << ok.error().message;
}

TEST(CoreMemory, DumpedBytesComeFromTheCore) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    expect_text(core->memory(), kBase + 0x3000, "DATA modified!");
    Result<void> ok;
    EXPECT_EQ(read_text(core->memory(), kBase + 1, 3, &ok), "ELF");
}

TEST(CoreMemory, WhatTheCoreLeftOutComesFromTheMappedFile) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    expect_text(core->memory(), kBase + 0x1000, "TEXTTEXT");
    Result<void> ok;
    EXPECT_EQ(read_text(core->memory(), kBase + 0x2000, 6, &ok), "RODATA");
    // One read across the dumped first page and the left-out text behind it.
    std::string across = read_text(core->memory(), kBase + 0xffc, 8, &ok);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(across.substr(4), "TEXT");
}

TEST(CoreMemory, AMappingGdbLeftOutEntirelyIsReadFromTheFile) {
    CoreOnDisk s;
    Bytes file = build_elf_file(library());
    CoreSpec spec = core_of(file, "");
    spec.loads[0].memsz = 0x1000;  // gdb: the header page only, no segment for the rest
    spec.nt_file_page = 1;
    s.recorded = s.dir.write("lib/libpython3.14.so", file);
    for (auto& f : spec.files) f.path = s.recorded;
    s.core_path = s.dir.write("core", build_core(spec));
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    expect_text(core->memory(), kBase + 0x2000, "RODATA");
}

TEST(CoreMemory, BytesPastTheEndOfTheFileAreZerosToThePageEnd) {
    CoreOnDisk s;
    ElfFileSpec lib = library();
    lib.size = 0x3010;  // the file ends early in its data page (after the section table)
    lib.loads[1].filesz = 0x10;
    Bytes file = build_elf_file(lib);
    ASSERT_LT(file.size(), 0x3800u);
    CoreSpec spec = core_of(file, "");
    spec.loads.pop_back();  // the data page is not in the core
    s.recorded = s.dir.write("lib/libpython3.14.so", file);
    for (auto& f : spec.files) f.path = s.recorded;
    s.core_path = s.dir.write("core", build_core(spec));
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    expect_text(core->memory(), kBase + 0x3000, "DATA as linked");
    Bytes tail(0x10, std::byte{0x7f});
    ASSERT_TRUE(core->memory().read(kBase + 0x3ff0, tail));
    EXPECT_EQ(tail, Bytes(0x10, std::byte{0}));
}

TEST(CoreMemory, MemoryTheProcessDidNotHaveIsReadFailed) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    Bytes buf(8);
    auto r = core->memory().read(0x1000, buf);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::ReadFailed);
    r = core->memory().read(kBase + 0x3ffc, buf);  // runs off the end of the last mapping
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::ReadFailed);
    r = core->memory().read(UINT64_MAX - 3, buf);
    EXPECT_FALSE(r);
}

void expect_mismatch(const CoreOnDisk& s, const FileLookup& lookup, std::string_view needle) {
    auto core = read::open_core({s.core_path, lookup.sysroot, lookup.exe});
    ASSERT_TRUE(core) << core.error().message;
    Bytes buf(8);
    auto r = core->memory().read(kBase + 0x1000, buf);
    ASSERT_FALSE(r) << needle;
    EXPECT_EQ(r.error().code, Errc::FileMismatch);
    EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("--sysroot DIR"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
}

TEST(CoreMemory, AMissingFileIsFileMismatchNamingIt) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    std::filesystem::remove(s.recorded);
    expect_mismatch(s, {}, "cannot open " + s.recorded + ", mapped by the process");
}

TEST(CoreMemory, AFileWithAnotherBuildIdIsAMismatch) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    s.dir.write(
        "lib/libpython3.14.so",
        build_elf_file(library({std::byte{0xa}, std::byte{0xb}, std::byte{0xc}, std::byte{0xd}})));
    expect_mismatch(s, {}, "build-id 01020304 in the core, 0a0b0c0d in the file");
}

TEST(CoreMemory, AFileSmallerThanItsMappingIsAMismatch) {
    CoreOnDisk s;
    Bytes file = build_elf_file(library());
    make(s, file);
    file.resize(0x2800);
    s.dir.write("lib/libpython3.14.so", file);
    expect_mismatch(s, {}, "the process mapped it up to byte 16384, the file has 10240 bytes");
}

TEST(CoreMemory, AFileThatIsNoImageIsAMismatch) {
    CoreOnDisk s;
    Bytes file = build_elf_file(library());
    make(s, file);
    s.dir.write("lib/libpython3.14.so", Bytes(file.size(), std::byte{'#'}));
    expect_mismatch(s, {}, "not an ELF or Mach-O file");
}

// A core is untrusted: a path it names may be a FIFO (or a device) now. Opening one to read must
// not wait for a writer: it is not the regular file the process mapped.
TEST(CoreMemory, AFifoAtAMappedPathIsAMismatchNotAHang) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    std::filesystem::remove(s.recorded);
    ASSERT_EQ(::mkfifo(s.recorded.c_str(), 0600), 0);
    expect_mismatch(s, {}, "not a regular file");
}

TEST(CoreMemory, WithoutBuildIdsDifferentHeadersAreAMismatch) {
    CoreOnDisk s;
    make(s, build_elf_file(library({})));
    ElfFileSpec other = library({});
    other.loads[0].filesz = other.loads[0].memsz = 0x2800;
    s.dir.write("lib/libpython3.14.so", build_elf_file(other));
    expect_mismatch(s, {}, "its ELF headers differ from the core's copy");
}

TEST(CoreMemory, SysrootAndExeSayWhereTheFilesAre) {
    CoreOnDisk s;
    Bytes file = build_elf_file(library());
    CoreSpec spec = core_of(file, "/usr/lib/libpython3.14.so");
    s.recorded = "/usr/lib/libpython3.14.so";
    s.dir.write("root/usr/lib/libpython3.14.so", file);
    s.core_path = s.dir.write("core", build_core(spec));

    auto plain = read::open_core({s.core_path, "", ""});  // /usr/lib has no such file here
    ASSERT_TRUE(plain) << plain.error().message;
    Bytes buf(8);
    EXPECT_FALSE(plain->memory().read(kBase + 0x1000, buf));

    auto rooted = read::open_core({s.core_path, s.dir.path() + "/root/", ""});
    ASSERT_TRUE(rooted) << rooted.error().message;
    expect_text(rooted->memory(), kBase + 0x1000, "TEXTTEXT");

    // The mapping that holds AT_ENTRY is the executable: --exe replaces it.
    std::string exe = s.dir.write("elsewhere/python", file);
    auto with_exe = read::open_core({s.core_path, "", exe});
    ASSERT_TRUE(with_exe) << with_exe.error().message;
    expect_text(with_exe->memory(), kBase + 0x2000, "RODATA");

    auto bad_exe = read::open_core({s.core_path, "", s.dir.path() + "/nope"});
    ASSERT_FALSE(bad_exe);
    EXPECT_EQ(bad_exe.error().code, Errc::FileMismatch);
    auto bad_root = read::open_core({s.core_path, exe, ""});
    ASSERT_FALSE(bad_root);
    EXPECT_NE(bad_root.error().message.find("not a directory"), std::string::npos);
}

TEST(CoreMemory, ResolvePutsTheSysrootInFrontOfEveryPath) {
    CoreFile core;
    core.mappings.push_back({0x1000, 0x2000, 0, "/usr/bin/python3.14", false});
    core.entry = 0x1800;
    DumpedMemory dumped(core, -1);
    EXPECT_EQ(CoreMappedFiles(core, dumped, {"/srv/root//", ""}).resolve("/usr/lib/x.so"),
              "/srv/root/usr/lib/x.so");
    EXPECT_EQ(
        CoreMappedFiles(core, dumped, {"/srv/root", "/tmp/py"}).resolve("/usr/bin/python3.14"),
        "/tmp/py");
    EXPECT_EQ(CoreMappedFiles(core, dumped, {"", ""}).resolve("/usr/lib/x.so"), "/usr/lib/x.so");
}

TEST(CoreMemory, ATruncatedCoreIsBadCore) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    std::filesystem::resize_file(s.core_path, std::filesystem::file_size(s.core_path) - 0x800);
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    Bytes buf(8);
    auto r = core->memory().read(kBase + 0x3ff0, buf);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::BadCore);
    EXPECT_NE(r.error().message.find("is truncated"), std::string::npos) << r.error().message;
    EXPECT_TRUE(core->memory().read(kBase + 0x3000, buf));  // what is left still reads
}

// Memory of a segment the core did not dump, where no NT_FILE mapping says which file held it
// (an anonymous mapping the dumper left out): nothing can serve it.
TEST(CoreMemory, LeftOutMemoryThatNoFileBacksIsReadFailed) {
    CoreOnDisk s;
    Bytes file = build_elf_file(library());
    CoreSpec spec = core_of(file, "/usr/lib/libpython3.14.so");
    spec.loads.push_back({kBase + 0x10000, 0x2000, Bytes(0x1000, std::byte{1}), PF_R | PF_W});
    make(s, file, &spec);
    auto core = open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    Bytes buf(8);
    EXPECT_TRUE(core->memory().read(kBase + 0x10ff8, buf));
    auto r = core->memory().read(kBase + 0x11000, buf);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::ReadFailed);
    EXPECT_NE(r.error().message.find("was not dumped in the core and no file backs it"),
              std::string::npos)
        << r.error().message;
}

// A mapped file whose ELF header lists no program headers (e_phnum 0), the same in the core's
// copy: the headers compare equal, and the empty program-header table is compared as empty (it
// was memcmp'd from a null pointer, undefined behaviour that the sanitizer build stops on; the
// core fuzz target found it).
TEST(CoreMemory, FilesWithoutProgramHeadersCompareTheirHeadersAlone) {
    CoreOnDisk s;
    Bytes file = build_elf_file(library());
    Elf64_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    eh.e_phnum = 0;
    std::memcpy(file.data(), &eh, sizeof eh);
    make(s, file);
    auto parsed = parse_core_file(s.core_path);
    ASSERT_TRUE(parsed) << parsed.error().message;
    UniqueFd core_fd(::open(s.core_path.c_str(), O_RDONLY | O_CLOEXEC));
    DumpedMemory dumped(*parsed, core_fd.get());
    CoreMappedFiles files(*parsed, dumped, {});
    auto image = open_image_file(s.dir.write("lib/other.so", build_elf_file(library())));
    ASSERT_TRUE(image) << image.error().message;
    UniqueFd fd(::open(s.recorded.c_str(), O_RDONLY | O_CLOEXEC));
    auto same = files.verify(s.recorded, s.recorded, fd.get(), **image);
    EXPECT_TRUE(same) << same.error().message;
}

// DumpedMemory serves what the core holds and nothing else, not even what a file would fill in.
TEST(DumpedMemory, OnlyTheCoresOwnBytesRead) {
    CoreOnDisk s;
    make(s, build_elf_file(library()));
    auto parsed = parse_core_file(s.core_path);
    ASSERT_TRUE(parsed) << parsed.error().message;
    UniqueFd fd(::open(s.core_path.c_str(), O_RDONLY | O_CLOEXEC));
    DumpedMemory dumped(*parsed, fd.get());
    Bytes buf(8);
    EXPECT_TRUE(dumped.read(kBase + 0x3000, buf));
    EXPECT_EQ(dumped.dumped_run(kBase + 0xff8, 64), 8u);
    auto r = dumped.read(kBase + 0xffc, buf);  // runs into the text the core left out
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::ReadFailed);
    EXPECT_NE(r.error().message.find("is not in the core file"), std::string::npos)
        << r.error().message;
}

}  // namespace
}  // namespace aps::read
