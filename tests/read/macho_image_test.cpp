// Tests for the Mach-O image reader on files clang builds for macOS at build time (thin objects,
// a linked dylib and executable) and on universal files the tests assemble from them.
#include "read/macho_image.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "macho_test_support.hpp"
#include "read/image.hpp"

namespace aps::read {
namespace {

using test::file_bytes;
using test::TempBytesFile;
using test::universal_file;

constexpr uint64_t kRuntimeSize = 8 + 8 + 4096;  // struct fixture_runtime
constexpr uint64_t kAsyncioSize = 13 * 8;

std::vector<std::byte> bytes_at(const std::string& path, uint64_t offset, size_t size) {
    std::vector<std::byte> all = file_bytes(path);
    if (offset > all.size() || size > all.size() - offset) {
        ADD_FAILURE() << size << " bytes at " << offset << " are not inside " << path;
        return {};
    }
    return {all.begin() + static_cast<ptrdiff_t>(offset),
            all.begin() + static_cast<ptrdiff_t>(offset + size)};
}

uint64_t le64_at(const std::vector<std::byte>& b, size_t at) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
    return v;
}

// What fixtures/macho_runtime.c put there for `arch`: the cookie and a version (3.14 for x86_64,
// 3.15 for arm64), and 1..13.
void expect_fixture_contents(const std::string& path, CpuArch arch, const SectionInfo& runtime,
                             const SectionInfo& asyncio) {
    auto head = bytes_at(path, runtime.file_offset, 16);
    ASSERT_EQ(head.size(), 16u);
    EXPECT_EQ(std::memcmp(head.data(), "xdebugpy", 8), 0);
    EXPECT_EQ(le64_at(head, 8), arch == CpuArch::Arm64 ? 0x030f00f0u : 0x030e00f0u);
    auto table = bytes_at(path, asyncio.file_offset, kAsyncioSize);
    ASSERT_EQ(table.size(), kAsyncioSize);
    for (size_t i = 0; i < 13; ++i) EXPECT_EQ(le64_at(table, 8 * i), i + 1) << "entry " << i;
}

uint64_t symbol(const Image& image, std::string_view name) {
    auto found = image.find_symbol(name);
    EXPECT_TRUE(found) << found.error().message;
    if (!found || !*found) {
        ADD_FAILURE() << "no symbol " << name;
        return 0;
    }
    return **found;
}

struct Sections {
    SectionInfo runtime;
    SectionInfo asyncio;
};

// Both debug sections, found by CPython's name and by the Mach-O one, with the right sizes.
std::optional<Sections> debug_sections(const Image& image) {
    auto runtime = image.find_debug_section(kPyRuntimeSection);
    auto asyncio = image.find_debug_section(kAsyncioDebugSection);
    EXPECT_TRUE(runtime);
    EXPECT_TRUE(asyncio);
    if (!runtime || !asyncio) return std::nullopt;
    EXPECT_EQ(runtime->size, kRuntimeSize);
    EXPECT_EQ(asyncio->size, kAsyncioSize);
    auto by_name = image.find_section("__DATA,PyRuntime");
    EXPECT_TRUE(by_name && by_name->addr == runtime->addr);
    return Sections{*runtime, *asyncio};
}

class MachOObject : public ::testing::TestWithParam<CpuArch> {};

TEST_P(MachOObject, HasTheDebugSectionsTheirBytesAndSymbols) {
    std::string file = fmt::format("runtime-{}.o", arch_name(GetParam()));
    APS_REQUIRE_MACHO_FIXTURE(path, file);
    auto image = open_image_file(path);
    ASSERT_TRUE(image) << image.error().message;
    auto s = debug_sections(**image);
    ASSERT_TRUE(s);
    // An object is never loaded: its one segment starts at address 0, like a dylib's __TEXT.
    EXPECT_EQ((*image)->link_base(), 0u);
    // Sections of one segment keep the same distance in the file as in memory.
    EXPECT_EQ(s->asyncio.file_offset - s->runtime.file_offset, s->asyncio.addr - s->runtime.addr);
    expect_fixture_contents(path, GetParam(), s->runtime, s->asyncio);

    EXPECT_EQ(symbol(**image, "_PyRuntime"), s->runtime.addr);
    EXPECT_EQ(symbol(**image, "_AsyncioDebug"), s->asyncio.addr);
    auto missing = (*image)->find_symbol("PyRuntime");  // only "__PyRuntime" is stored
    ASSERT_TRUE(missing);
    EXPECT_FALSE(*missing);
    EXPECT_FALSE((*image)->find_section("PyRuntime"));   // Mach-O names need the segment
    EXPECT_FALSE((*image)->find_section(".PyRuntime"));  // the ELF spelling is not Mach-O's
}

TEST_P(MachOObject, ZeroFilledDataHasNoBytesInTheFile) {
    std::string file = fmt::format("runtime-{}.o", arch_name(GetParam()));
    APS_REQUIRE_MACHO_FIXTURE(path, file);
    auto image = open_image_file(path);
    ASSERT_TRUE(image) << image.error().message;
    auto zeroes = (*image)->find_section("__DATA,__common");
    if (!zeroes) zeroes = (*image)->find_section("__DATA,__bss");
    ASSERT_TRUE(zeroes) << "clang put fixture_zeroes neither in __common nor __bss";
    EXPECT_GE(zeroes->size, 512u);
    EXPECT_EQ(zeroes->file_offset, 0u);
    uint64_t at = symbol(**image, "fixture_zeroes");
    EXPECT_GE(at, zeroes->addr);
    EXPECT_LT(at, zeroes->addr + zeroes->size);
}

INSTANTIATE_TEST_SUITE_P(Arches, MachOObject, ::testing::Values(CpuArch::X86_64, CpuArch::Arm64),
                         [](const auto& info) { return std::string(arch_name(info.param)); });

TEST(MachOLinked, DylibIsLinkedAtZero) {
    APS_REQUIRE_MACHO_FIXTURE(path, "runtime-arm64.dylib");
    auto image = open_image_file(path, CpuArch::X86_64);  // a thin file is read whatever is asked
    ASSERT_TRUE(image) << image.error().message;
    auto s = debug_sections(**image);
    ASSERT_TRUE(s);
    EXPECT_EQ((*image)->link_base(), 0u);
    EXPECT_EQ(symbol(**image, "_PyRuntime"), s->runtime.addr);
    expect_fixture_contents(path, CpuArch::Arm64, s->runtime, s->asyncio);
    EXPECT_EQ(remote_section_address(0x104a00000, **image, s->runtime),
              0x104a00000 + s->runtime.addr);
}

TEST(MachOLinked, ExecutableIsLinkedAfterPageZero) {
    APS_REQUIRE_MACHO_FIXTURE(path, "runtime-x86_64");
    auto image = open_image_file(path);
    ASSERT_TRUE(image) << image.error().message;
    auto s = debug_sections(**image);
    ASSERT_TRUE(s);
    // __PAGEZERO maps no file bytes; __TEXT, which holds the header, starts at 4 GiB.
    EXPECT_EQ((*image)->link_base(), 0x100000000u);
    EXPECT_EQ(symbol(**image, "_PyRuntime"), s->runtime.addr);
    expect_fixture_contents(path, CpuArch::X86_64, s->runtime, s->asyncio);
    // Loaded with an ASLR slide: the header at 0x10a000000.
    EXPECT_EQ(remote_section_address(0x10a000000, **image, s->runtime),
              0x10a000000 + (s->runtime.addr - 0x100000000));
}

class MachOUniversal : public ::testing::TestWithParam<bool> {};  // FAT_MAGIC_64?

TEST_P(MachOUniversal, EachArchitectureGetsItsOwnSlice) {
    APS_REQUIRE_MACHO_FIXTURE(x86, "runtime-x86_64.o");
    APS_REQUIRE_MACHO_FIXTURE(arm, "runtime-arm64.o");
    std::vector<std::byte> x86_bytes = file_bytes(x86);
    std::vector<std::byte> arm_bytes = file_bytes(arm);
    TempBytesFile fat(
        universal_file({{test::kCpuX86_64, x86_bytes}, {test::kCpuArm64, arm_bytes}}, GetParam()));

    for (CpuArch arch : {CpuArch::X86_64, CpuArch::Arm64}) {
        SCOPED_TRACE(arch_name(arch));
        auto thin = open_image_file(arch == CpuArch::X86_64 ? x86 : arm);
        auto image = open_image_file(fat.path(), arch);
        ASSERT_TRUE(thin) << thin.error().message;
        ASSERT_TRUE(image) << image.error().message;
        auto want = debug_sections(**thin);
        auto got = debug_sections(**image);
        ASSERT_TRUE(want && got);
        EXPECT_EQ(got->runtime.addr, want->runtime.addr);
        EXPECT_EQ(got->asyncio.addr, want->asyncio.addr);
        EXPECT_EQ(symbol(**image, "_PyRuntime"), symbol(**thin, "_PyRuntime"));
        // Offsets count from the start of the universal file, not of the slice.
        uint64_t slice_start =
            arch == CpuArch::X86_64 ? 4096 : 4096 + (x86_bytes.size() + 4095) / 4096 * 4096;
        EXPECT_EQ(got->runtime.file_offset, slice_start + want->runtime.file_offset);
        expect_fixture_contents(fat.path(), arch, got->runtime, got->asyncio);
    }
}

TEST_P(MachOUniversal, NoSliceForTheArchitectureIsAClearError) {
    APS_REQUIRE_MACHO_FIXTURE(x86, "runtime-x86_64.o");
    TempBytesFile fat(universal_file({{test::kCpuX86_64, file_bytes(x86)}}, GetParam()));
    auto image = open_image_file(fat.path(), CpuArch::Arm64);
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().code, Errc::BadImage);
    EXPECT_EQ(image.error().message,
              fmt::format("'{}': universal file has no arm64 slice (it holds x86_64)", fat.path()));
}

INSTANTIATE_TEST_SUITE_P(Headers, MachOUniversal, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Fat64" : "Fat32"; });

// The same check on a universal file made by llvm-lipo, which aligns arm64 slices to 16 KiB.
TEST(MachOLipo, EachArchitectureGetsItsOwnSlice) {
    APS_REQUIRE_MACHO_FIXTURE(fat, "runtime-universal");
    for (CpuArch arch : {CpuArch::X86_64, CpuArch::Arm64}) {
        SCOPED_TRACE(arch_name(arch));
        auto image = open_image_file(fat, arch);
        ASSERT_TRUE(image) << image.error().message;
        auto s = debug_sections(**image);
        ASSERT_TRUE(s);
        EXPECT_EQ(symbol(**image, "_PyRuntime"), s->runtime.addr);
        expect_fixture_contents(fat, arch, s->runtime, s->asyncio);
    }
}

TEST(MachOImage, TryOpenMachOIgnoresOtherFormats) {
    TempBytesFile text(test::Bytes()
                           .text("\x7f"
                                 "ELF not mach-o")
                           .bytes());
    int fd = ::open(text.path().c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    auto image = try_open_macho(fd, text.path(), CpuArch::X86_64);
    ::close(fd);
    ASSERT_TRUE(image);
    EXPECT_FALSE(*image);
}

TEST(MachOImage, NeitherFormatNamesBoth) {
    TempBytesFile text(test::Bytes().text("#!/bin/sh\n").bytes());
    auto image = open_image_file(text.path());
    ASSERT_FALSE(image);
    EXPECT_EQ(image.error().message, fmt::format("'{}': not an ELF or Mach-O file", text.path()));
}

}  // namespace
}  // namespace aps::read
