// Tests for the ELF image reader on the provisioned interpreters' real files.
#include "read/elf_image.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "read/image.hpp"
#include "read_test_support.hpp"

namespace aps::read {
namespace {

using test::asyncio_module_path;
using test::libpython_path;
using test::python_path;

TEST(ElfImage, Python314ExecutableHasRuntimeSection) {
    auto image = open_image_file(python_path(14));
    ASSERT_TRUE(image) << image.error().message << " — " << test::kProvisionHint;
    auto runtime = (*image)->find_section(".PyRuntime");
    ASSERT_TRUE(runtime);
    EXPECT_GT(runtime->addr, 0u);
    EXPECT_GT(runtime->size, 300000u);  // sizeof(_PyRuntimeState) is about 316 KB
    EXPECT_EQ(runtime->addr % 32, 0u);
    EXPECT_FALSE((*image)->find_section(".AsyncioDebug"));
    // Non-PIE: the first PT_LOAD starts at (or, patched, just below) 0x400000.
    EXPECT_LE((*image)->link_base(), 0x400000u);
    EXPECT_GT((*image)->link_base(), 0u);
}

TEST(ElfImage, AsyncioModule314HasAsyncioDebugOf104Bytes) {
    auto image = open_image_file(asyncio_module_path(14));
    ASSERT_TRUE(image) << image.error().message << " — " << test::kProvisionHint;
    auto section = (*image)->find_section(".AsyncioDebug");
    ASSERT_TRUE(section);
    EXPECT_EQ(section->size, 104u);
    EXPECT_EQ((*image)->link_base(), 0u);  // shared object
    EXPECT_FALSE((*image)->find_section(".PyRuntime"));
}

TEST(ElfImage, Python315ExecutableHasBothSections) {
    auto image = open_image_file(python_path(15));
    ASSERT_TRUE(image) << image.error().message << " — " << test::kProvisionHint;
    ASSERT_TRUE((*image)->find_section(".PyRuntime"));
    auto asyncio = (*image)->find_section(".AsyncioDebug");
    ASSERT_TRUE(asyncio);
    EXPECT_EQ(asyncio->size, 104u);
}

TEST(ElfImage, Libpython314IsLinkedAtZero) {
    auto image = open_image_file(libpython_path(14));
    ASSERT_TRUE(image) << image.error().message << " — " << test::kProvisionHint;
    auto runtime = (*image)->find_section(".PyRuntime");
    ASSERT_TRUE(runtime);
    EXPECT_EQ((*image)->link_base(), 0u);
    EXPECT_EQ(remote_section_address(0x7f0000000000, **image, *runtime),
              0x7f0000000000 + runtime->addr);
}

TEST(ElfImage, RemoteAddressSubtractsTheLinkBase) {
    auto image = open_image_file(python_path(14));
    ASSERT_TRUE(image) << image.error().message;
    auto runtime = (*image)->find_section(".PyRuntime");
    ASSERT_TRUE(runtime);
    // Mapped where it was linked: the section is at its link address.
    EXPECT_EQ(remote_section_address((*image)->link_base(), **image, *runtime), runtime->addr);
}

TEST(ElfImage, DebugSectionsAreTheDottedSections) {
    auto image = open_image_file(python_path(15));
    ASSERT_TRUE(image) << image.error().message << " — " << test::kProvisionHint;
    auto runtime = (*image)->find_debug_section(kPyRuntimeSection);
    auto asyncio = (*image)->find_debug_section(kAsyncioDebugSection);
    ASSERT_TRUE(runtime && asyncio);
    EXPECT_EQ(runtime->addr, (*image)->find_section(".PyRuntime")->addr);
    EXPECT_EQ(asyncio->addr, (*image)->find_section(".AsyncioDebug")->addr);
    EXPECT_FALSE((*image)->find_debug_section(".PyRuntime"));
    EXPECT_FALSE((*image)->find_section("__DATA,PyRuntime"));  // the Mach-O spelling
}

class ElfPyRuntimeSymbol : public ::testing::TestWithParam<std::string (*)(int)> {};

// _PyRuntime is the first and only object of its section, in executables and libpython alike.
TEST_P(ElfPyRuntimeSymbol, IsTheStartOfTheSection) {
    auto image = open_image_file(GetParam()(14));
    ASSERT_TRUE(image) << image.error().message << " — " << test::kProvisionHint;
    auto runtime = (*image)->find_debug_section(kPyRuntimeSection);
    ASSERT_TRUE(runtime);
    auto symbol = (*image)->find_symbol("_PyRuntime");
    ASSERT_TRUE(symbol) << symbol.error().message;
    EXPECT_EQ(*symbol, std::optional<uint64_t>(runtime->addr));
    auto missing = (*image)->find_symbol("__PyRuntime");  // no Mach-O underscore on ELF
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);
}

INSTANTIATE_TEST_SUITE_P(Files, ElfPyRuntimeSymbol,
                         ::testing::Values(&python_path, &libpython_path));

// Debian's amd64 executables, python3.X, python3.X-dbg and python3.X-nopie, are all ELF type EXEC
// (position-dependent): the kernel maps every segment at its link address, so the first mapping
// starts at the first PT_LOAD's page and aps's one rule (mapping start + section address - link
// base), the same as for shared libraries and PIE executables, gives the link address itself.
class NonPieBuilds : public ::testing::TestWithParam<const char*> {};

TEST_P(NonPieBuilds, AreExecTypeAndTheirRuntimeIsAtItsLinkAddress) {
    std::filesystem::path link = std::filesystem::path(APS_PYTHON_BIN_DIR) / GetParam();
    std::error_code ec;
    std::string path = std::filesystem::canonical(link, ec).string();
    ASSERT_FALSE(ec) << link << ": " << test::kProvisionHint;

    unsigned char header[18] = {};
    std::ifstream(path, std::ios::binary).read(reinterpret_cast<char*>(header), sizeof header);
    EXPECT_EQ(header[16] | (header[17] << 8), 2) << path << " is not ET_EXEC";

    auto image = open_image_file(path);
    ASSERT_TRUE(image) << image.error().message;
    auto runtime = (*image)->find_section(".PyRuntime");
    ASSERT_TRUE(runtime);
    uint64_t base = (*image)->link_base();
    EXPECT_GT(base, 0u);
    EXPECT_LE(base, 0x400000u);  // patchelf may add a segment just below 0x400000
    EXPECT_GT(runtime->addr, base);
    EXPECT_EQ(remote_section_address(base, **image, *runtime), runtime->addr);
}

INSTANTIATE_TEST_SUITE_P(Debian, NonPieBuilds,
                         ::testing::Values("python3.14", "python3.14-dbg", "python3.14-nopie",
                                           "python3.15", "python3.15-dbg", "python3.15-nopie"),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name) {
                                 if (c == '.' || c == '-') c = '_';
                             }
                             return name;
                         });

class TempFile {
  public:
    explicit TempFile(std::string_view contents) {
        path_ = (std::filesystem::temp_directory_path() /
                 ("aps-read-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)))
                    .string();
        std::ofstream(path_, std::ios::binary) << contents;
    }
    ~TempFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

  private:
    static inline int counter_ = 0;
    std::string path_;
};

TEST(ElfImage, NonElfFileIsBadImage) {
    TempFile text("#!/bin/sh\necho not an ELF file\n");
    auto image = open_image_file(text.path());
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().code, Errc::BadImage);
    EXPECT_NE(image.error().message.find(text.path()), std::string::npos);
}

TEST(ElfImage, TruncatedElfIsBadImage) {
    TempFile stub(std::string("\x7f"
                              "ELF\x02\x01\x01",
                              7) +
                  std::string(20, '\0'));
    auto image = open_image_file(stub.path());
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().code, Errc::BadImage);
}

TEST(ElfImage, TryOpenElfIgnoresOtherFormats) {
    TempFile text("MZ not elf");
    int fd = ::open(text.path().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    auto image = try_open_elf(fd, text.path());
    ::close(fd);
    ASSERT_TRUE(image);
    EXPECT_FALSE(*image);
}

TEST(ElfImage, MissingFileIsBadImage) {
    auto image = open_image_file("/nonexistent/aps/python3.14");
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().code, Errc::BadImage);
}

}  // namespace
}  // namespace aps::read
