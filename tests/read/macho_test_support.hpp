// Helpers for the Mach-O tests: where the clang-built fixtures are, a byte-buffer builder for
// hand-made Mach-O and universal files, and temporary files that remove themselves.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aps::read::test {

// A fixture built by tests/CMakeLists.txt (fixtures/macho_runtime.c), or empty when this machine's
// clang could not build it; APS_MACHO_FIXTURE_NOTE says why.
inline std::optional<std::string> macho_fixture(std::string_view file) {
    std::filesystem::path path = std::filesystem::path(APS_MACHO_FIXTURE_DIR) / file;
    if (!std::filesystem::exists(path)) return std::nullopt;
    return path.string();
}

#define APS_REQUIRE_MACHO_FIXTURE(var, file)                                                      \
    auto var##_found = ::aps::read::test::macho_fixture(file);                                    \
    if (!var##_found)                                                                             \
        GTEST_SKIP() << "no Mach-O fixture " << (file) << " in " << APS_MACHO_FIXTURE_DIR << ": " \
                     << APS_MACHO_FIXTURE_NOTE;                                                   \
    const std::string& var = *var##_found

inline std::vector<std::byte> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(chars.size());
    for (size_t i = 0; i < chars.size(); ++i) out[i] = static_cast<std::byte>(chars[i]);
    return out;
}

// Appends little- and big-endian fields, fixed 16-byte names and padding.
class Bytes {
  public:
    Bytes& le32(uint32_t v) { return put(v, 4, false); }
    Bytes& le64(uint64_t v) { return put(v, 8, false); }
    Bytes& be32(uint32_t v) { return put(v, 4, true); }
    Bytes& be64(uint64_t v) { return put(v, 8, true); }
    Bytes& u8(uint8_t v) {
        b_.push_back(static_cast<std::byte>(v));
        return *this;
    }
    Bytes& name16(std::string_view s) {
        for (size_t i = 0; i < 16; ++i) u8(i < s.size() ? static_cast<uint8_t>(s[i]) : 0);
        return *this;
    }
    Bytes& text(std::string_view s) {
        for (char c : s) u8(static_cast<uint8_t>(c));
        return *this;
    }
    Bytes& pad_to(size_t size) {
        if (b_.size() < size) b_.resize(size);
        return *this;
    }
    Bytes& append(const std::vector<std::byte>& more) {
        b_.insert(b_.end(), more.begin(), more.end());
        return *this;
    }
    size_t size() const { return b_.size(); }
    const std::vector<std::byte>& bytes() const { return b_; }

    // Overwrites 4 little-endian bytes at `at` (for corrupting one field of a built file).
    Bytes& patch_le32(size_t at, uint32_t v) {
        for (size_t i = 0; i < 4; ++i) b_[at + i] = static_cast<std::byte>(v >> (8 * i));
        return *this;
    }

  private:
    Bytes& put(uint64_t v, int n, bool big) {
        for (int i = 0; i < n; ++i) {
            int shift = big ? 8 * (n - 1 - i) : 8 * i;
            u8(static_cast<uint8_t>(v >> shift));
        }
        return *this;
    }
    std::vector<std::byte> b_;
};

inline constexpr uint32_t kCpuX86_64 = 0x01000007;
inline constexpr uint32_t kCpuArm64 = 0x0100000c;

// A universal file the way lipo lays one out: the header, one table entry per slice, then each
// slice at the next 2^12 boundary. `wide` writes FAT_MAGIC_64 with 64-bit offsets and sizes.
inline std::vector<std::byte> universal_file(
    const std::vector<std::pair<uint32_t, std::vector<std::byte>>>& slices, bool wide) {
    constexpr uint32_t kAlignLog2 = 12;
    constexpr size_t kAlign = size_t{1} << kAlignLog2;
    Bytes out;
    out.be32(wide ? 0xcafebabf : 0xcafebabe).be32(static_cast<uint32_t>(slices.size()));
    size_t at = kAlign;
    for (const auto& [cpu, bytes] : slices) {
        out.be32(cpu).be32(cpu == kCpuX86_64 ? 3 : 0);  // cputype, cpusubtype (…_ALL)
        if (wide) {
            out.be64(at).be64(bytes.size()).be32(kAlignLog2).be32(0);
        } else {
            out.be32(static_cast<uint32_t>(at)).be32(static_cast<uint32_t>(bytes.size()));
            out.be32(kAlignLog2);
        }
        at += (bytes.size() + kAlign - 1) / kAlign * kAlign;
    }
    for (const auto& [cpu, bytes] : slices) {
        out.pad_to((out.size() + kAlign - 1) / kAlign * kAlign);
        out.append(bytes);
    }
    return out.bytes();
}

// A file in the temporary folder holding `bytes`, removed when this goes out of scope.
class TempBytesFile {
  public:
    explicit TempBytesFile(const std::vector<std::byte>& bytes) {
        path_ =
            (std::filesystem::temp_directory_path() /
             ("aps-macho-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++)))
                .string();
        std::ofstream out(path_, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    }
    ~TempBytesFile() { std::filesystem::remove(path_); }
    TempBytesFile(const TempBytesFile&) = delete;
    TempBytesFile& operator=(const TempBytesFile&) = delete;
    const std::string& path() const { return path_; }

  private:
    static inline int counter_ = 0;
    std::string path_;
};

}  // namespace aps::read::test
