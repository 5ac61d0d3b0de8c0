// Tests that malformed Mach-O and universal files are typed errors and never crashes: a minimal
// hand-built object, corrupted one field at a time, truncated at every length, and scrambled.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "macho_test_support.hpp"
#include "read/image.hpp"

namespace aps::read {
namespace {

using test::Bytes;
using test::TempBytesFile;

// Where the fields the tests corrupt sit in minimal_object().
constexpr size_t kNcmdsAt = 16;
constexpr size_t kSizeofcmdsAt = 20;
constexpr size_t kSegmentCmdsizeAt = 32 + 4;
constexpr size_t kNsectsAt = 32 + 64;
constexpr size_t kSectionSizeAt = 104 + 40;
constexpr size_t kSectionOffsetAt = 104 + 48;
constexpr size_t kNsymsAt = 184 + 12;
constexpr size_t kStrxAt = 224;
constexpr size_t kNSectAt = 224 + 5;
constexpr uint64_t kDataAt = 208;

// An x86_64 MH_OBJECT: one segment with section __DATA,PyRuntime (16 bytes at 208) and a symbol
// table whose one symbol, __PyRuntime, is defined in it.
Bytes minimal_object(uint32_t magic = 0xfeedfacf, uint32_t cpu = test::kCpuX86_64) {
    Bytes b;
    b.le32(magic).le32(cpu).le32(3).le32(1).le32(2).le32(152 + 24).le32(0).le32(0);
    b.le32(0x19).le32(152).name16("").le64(0).le64(16).le64(kDataAt).le64(16);
    b.le32(7).le32(7).le32(1).le32(0);
    b.name16("PyRuntime").name16("__DATA").le64(0).le64(16).le32(kDataAt).le32(3);
    b.le32(0).le32(0).le32(0).le32(0).le32(0).le32(0);
    b.le32(0x2).le32(24).le32(224).le32(1).le32(240).le32(16);
    b.text("xdebugpy").le64(0x030e00f0);
    b.le32(1).u8(0x0f).u8(1).u8(0).u8(0).le64(0);
    b.u8(0).text("__PyRuntime").pad_to(256);
    return b;
}

Result<std::unique_ptr<Image>> open_bytes(const std::vector<std::byte>& bytes,
                                          CpuArch arch = CpuArch::X86_64) {
    TempBytesFile file(bytes);
    auto image = open_image_file(file.path(), arch);
    if (!image) {
        // Messages name the file; drop its random path so tests can compare the rest.
        Error e = image.error();
        std::string prefix = fmt::format("'{}': ", file.path());
        if (e.message.starts_with(prefix)) e.message.erase(0, prefix.size());
        return e;
    }
    return image;
}

// The BadImage message for `bytes` (empty, with a failure, when they parse).
std::string bad_image_message(const std::vector<std::byte>& bytes, CpuArch arch = CpuArch::X86_64) {
    auto image = open_bytes(bytes, arch);
    if (image) {
        ADD_FAILURE() << "parsed";
        return {};
    }
    EXPECT_EQ(image.error().code, Errc::BadImage);
    return image.error().message;
}

TEST(MachOMalformed, TheMinimalObjectItselfParses) {
    auto image = open_bytes(minimal_object().bytes());
    ASSERT_TRUE(image) << image.error().message;
    auto runtime = (*image)->find_debug_section(kPyRuntimeSection);
    ASSERT_TRUE(runtime);
    EXPECT_EQ(runtime->file_offset, kDataAt);
    EXPECT_EQ(runtime->size, 16u);
    auto symbol = (*image)->find_symbol("_PyRuntime");
    ASSERT_TRUE(symbol);
    EXPECT_EQ(*symbol, std::optional<uint64_t>(0));
}

TEST(MachOMalformed, TruncatedHeader) {
    Bytes b = minimal_object();
    std::vector<std::byte> cut(b.bytes().begin(), b.bytes().begin() + 20);
    EXPECT_EQ(bad_image_message(cut),
              "Mach-O header (32 bytes at offset 0) lies beyond the end of the file (20 bytes)");
}

TEST(MachOMalformed, HugeCommandCount) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kNcmdsAt, 0xffffffff).bytes()),
              "4294967295 load commands cannot fit in 176 bytes");
}

TEST(MachOMalformed, CommandsLongerThanTheFile) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kSizeofcmdsAt, 0x7fffffff).bytes()),
              "load commands (2147483647 bytes at offset 32) lies beyond the end of the file "
              "(256 bytes)");
}

TEST(MachOMalformed, CommandOfSizeZeroDoesNotLoopForever) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kSegmentCmdsizeAt, 0).bytes()),
              "load command 0 has size 0 (176 bytes remain)");
}

TEST(MachOMalformed, CommandRunningPastTheOthers) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kSegmentCmdsizeAt, 4096).bytes()),
              "load command 0 has size 4096 (176 bytes remain)");
}

TEST(MachOMalformed, HugeSectionCount) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kNsectsAt, 0xffffffff).bytes()),
              "segment '' claims 4294967295 sections in a 152-byte command");
}

TEST(MachOMalformed, SectionOffsetBeyondTheEnd) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kSectionOffsetAt, 1 << 20).bytes()),
              "section __DATA,PyRuntime (16 bytes at offset 1048576) lies beyond the end of the "
              "file (256 bytes)");
}

TEST(MachOMalformed, SectionSizeBeyondTheEnd) {
    Bytes b = minimal_object().patch_le32(kSectionSizeAt, 0).patch_le32(kSectionSizeAt + 4, 1);
    EXPECT_EQ(bad_image_message(b.bytes()),
              "section __DATA,PyRuntime (4294967296 bytes at offset 208) lies beyond the end of "
              "the file (256 bytes)");
}

TEST(MachOMalformed, SymbolTableBeyondTheEnd) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kNsymsAt, 0x10000000).bytes()),
              "symbol table (4294967296 bytes at offset 224) lies beyond the end of the file "
              "(256 bytes)");
}

TEST(MachOMalformed, SymbolNameBeyondTheStringTable) {
    EXPECT_EQ(bad_image_message(minimal_object().patch_le32(kStrxAt, 1000).bytes()),
              "symbol 0 names string offset 1000 beyond the 16-byte string table");
}

TEST(MachOMalformed, SymbolInASectionThatDoesNotExist) {
    Bytes b = minimal_object();
    std::vector<std::byte> bytes = b.bytes();
    bytes[kNSectAt] = std::byte{7};
    EXPECT_EQ(bad_image_message(bytes), "symbol 0 is in section 7, but there are 1");
}

TEST(MachOMalformed, ThirtyTwoBitAndBigEndianAreRefusedByName) {
    EXPECT_EQ(bad_image_message(minimal_object(0xfeedface).bytes()),
              "32-bit Mach-O files are not supported");
    EXPECT_EQ(bad_image_message(minimal_object(0xcffaedfe).bytes()),
              "big-endian Mach-O files are not supported");
}

TEST(MachOMalformed, HugeUniversalArchCount) {
    EXPECT_EQ(bad_image_message(Bytes().be32(0xcafebabe).be32(0xffffffff).pad_to(64).bytes()),
              "universal header claims 4294967295 architectures (at most 64 are plausible)");
    EXPECT_EQ(bad_image_message(Bytes().be32(0xcafebabf).be32(0).pad_to(64).bytes()),
              "universal header claims 0 architectures (at most 64 are plausible)");
}

TEST(MachOMalformed, UniversalArchTableCutShort) {
    Bytes b;
    b.be32(0xcafebabe).be32(3).be32(test::kCpuX86_64).be32(3).be32(4096).be32(256).be32(12);
    EXPECT_EQ(bad_image_message(b.bytes()),
              "universal arch table (60 bytes at offset 8) lies beyond the end of the file "
              "(28 bytes)");
}

TEST(MachOMalformed, UniversalSliceBeyondTheEnd) {
    Bytes b;
    b.be32(0xcafebabe).be32(1).be32(test::kCpuX86_64).be32(3).be32(4096).be32(1 << 20).be32(12);
    b.pad_to(4096).append(minimal_object().bytes());
    EXPECT_EQ(bad_image_message(b.bytes()),
              "x86_64 slice (1048576 bytes at offset 4096) lies beyond the end of the file (4352 "
              "bytes)");
}

// Offsets inside a slice are bounded by the slice, not by the file that holds more after it.
TEST(MachOMalformed, SectionBeyondItsSliceButInsideTheFile) {
    auto fat = test::universal_file(
        {{test::kCpuX86_64, minimal_object().patch_le32(kSectionOffsetAt, 300).bytes()},
         {test::kCpuArm64, minimal_object(0xfeedfacf, test::kCpuArm64).bytes()}},
        false);
    EXPECT_EQ(bad_image_message(fat),
              "section __DATA,PyRuntime (16 bytes at offset 300) lies beyond the end of the x86_64 "
              "slice (256 bytes)");
    auto arm = open_bytes(fat, CpuArch::Arm64);
    ASSERT_TRUE(arm) << arm.error().message;
    EXPECT_EQ((*arm)->find_debug_section(kPyRuntimeSection)->file_offset, 8192 + kDataAt);
}

TEST(MachOMalformed, UniversalSliceOfTheWrongCpu) {
    auto fat = test::universal_file({{test::kCpuArm64, minimal_object().bytes()}}, false);
    EXPECT_EQ(bad_image_message(fat, CpuArch::Arm64), "the arm64 slice holds a x86_64 Mach-O file");
    EXPECT_EQ(bad_image_message(fat, CpuArch::X86_64),
              "universal file has no x86_64 slice (it holds arm64)");
}

TEST(MachOMalformed, UniversalSliceThatIsNotMachO) {
    auto fat = test::universal_file(
        {{test::kCpuX86_64, Bytes().text("garbage!").pad_to(64).bytes()}}, true);
    EXPECT_EQ(bad_image_message(fat), "slice does not start with a Mach-O magic (0x67617262)");
}

// Every prefix of a valid file: parsed only when whole, otherwise a BadImage (or, under four
// bytes, not recognised at all).
TEST(MachOMalformed, EveryTruncationIsATypedError) {
    std::vector<std::byte> whole = minimal_object().bytes();
    for (size_t n = 0; n < whole.size(); ++n) {
        auto image = open_bytes({whole.begin(), whole.begin() + static_cast<ptrdiff_t>(n)});
        ASSERT_FALSE(image) << "a " << n << "-byte prefix parsed";
        EXPECT_EQ(image.error().code, Errc::BadImage) << n;
    }
    auto fat = test::universal_file({{test::kCpuX86_64, whole}}, true);
    for (size_t n = 0; n < fat.size(); n += 7) {
        auto image = open_bytes({fat.begin(), fat.begin() + static_cast<ptrdiff_t>(n)});
        ASSERT_FALSE(image) << "a " << n << "-byte prefix of a universal file parsed";
        EXPECT_EQ(image.error().code, Errc::BadImage) << n;
    }
}

// Bytes of the header and load commands replaced by pseudo-random ones (a fixed seed): whatever
// comes out is a parsed image or a BadImage; the sanitizer build catches any bad access.
TEST(MachOMalformed, ScrambledCommandsNeverCrash) {
    std::vector<std::byte> whole = minimal_object().bytes();
    uint64_t state = 0x2545f4914f6cdd1d;
    auto next = [&state] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    };
    int parsed = 0;
    for (int round = 0; round < 3000; ++round) {
        std::vector<std::byte> bytes = whole;
        int flips = 1 + static_cast<int>(next() % 4);
        for (int i = 0; i < flips; ++i) {
            size_t at = 4 + next() % (kDataAt - 4);  // keep the magic: scramble what follows
            bytes[at] = static_cast<std::byte>(next());
        }
        auto image = open_bytes(bytes);
        if (image) {
            ++parsed;
            (void)(*image)->find_debug_section(kPyRuntimeSection);
            (void)(*image)->find_symbol("_PyRuntime");
        } else {
            EXPECT_EQ(image.error().code, Errc::BadImage) << image.error().message;
        }
    }
    EXPECT_GT(parsed, 0);  // some bytes (reserved fields, names) may change harmlessly
}

}  // namespace
}  // namespace aps::read
