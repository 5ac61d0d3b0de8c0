// libFuzzer target: executable images and the runtime locator. The input is a whole file (an ELF
// image, or anything else: open_image also tries Mach-O) that a fake process has mapped at kBase
// as "/fuzz/python3.15", read-write so that the cookie scan reads it too:
//  - open_image, then every question the locator asks an image (sections, debug sections, the
//    _PyRuntime symbol, link base, build-id);
//  - locate_runtime and read_runtime over that process: the .PyRuntime and .AsyncioDebug sections
//    are served from their bytes in the file, as the loader would map them; the rest of the
//    mapping is the file's bytes in order (what the cookie scan reads when no section passes).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "aps/target.hpp"
#include "mem_file.hpp"
#include "read/image.hpp"
#include "read/runtime_locator.hpp"

namespace aps::fuzz {
namespace {

using read::SectionInfo;

constexpr uint64_t kBase = 0x555500000000;
constexpr uint64_t kPage = 4096;
constexpr const char* kMappedPath = "/fuzz/python3.15";

// The fake process's memory: section windows first (where the loader put .PyRuntime and
// .AsyncioDebug), then the file's bytes in order from kBase.
class ImageMemory final : public RemoteMemory {
  public:
    explicit ImageMemory(std::span<const std::byte> file) : file_(file) {}

    // Serves [addr, addr + size) from the file's bytes at `offset` (as far as the file reaches).
    void add_window(uint64_t addr, uint64_t size, uint64_t offset) {
        if (offset >= file_.size()) return;
        windows_.push_back({addr, std::min<uint64_t>(size, file_.size() - offset), offset});
    }

    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        for (const Window& w : windows_) {
            if (addr >= w.addr && addr - w.addr <= w.size && out.size() <= w.size - (addr - w.addr))
                return copy(w.offset + (addr - w.addr), out);
        }
        if (addr >= kBase && addr - kBase <= file_.size() &&
            out.size() <= file_.size() - (addr - kBase))
            return copy(addr - kBase, out);
        return Error{Errc::ReadFailed, "not mapped"};
    }

  private:
    struct Window {
        uint64_t addr, size, offset;
    };
    Result<void> copy(uint64_t offset, std::span<std::byte> out) {
        if (!out.empty()) std::memcpy(out.data(), file_.data() + offset, out.size());
        return {};
    }

    std::span<const std::byte> file_;
    std::vector<Window> windows_;
};

// Every question the locator and the core checks ask an image; the answers must hold together.
void question(const read::Image& image) {
    (void)image.find_section(".PyRuntime");
    (void)image.find_section("__DATA,PyRuntime");
    (void)image.find_debug_section(read::kPyRuntimeSection);
    (void)image.find_debug_section(read::kAsyncioDebugSection);
    (void)image.find_symbol("_PyRuntime");
    (void)image.link_base();
    const std::string& id = image.build_id();
    if (id.find_first_not_of("0123456789abcdef") != std::string::npos) __builtin_trap();
}

}  // namespace
}  // namespace aps::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    using namespace aps;
    using namespace aps::fuzz;
    static MemFile file("python3.15");
    file.write(data, size);
    auto bytes = std::as_bytes(std::span(data, size));

    ImageMemory memory(bytes);
    auto image = read::open_image(file.fd(), kMappedPath);
    if (image) {
        question(**image);
        for (std::string_view name : {read::kPyRuntimeSection, read::kAsyncioDebugSection}) {
            if (auto info = (*image)->find_debug_section(name)) {
                memory.add_window(read::remote_section_address(kBase, **image, *info), info->size,
                                  info->file_offset);
            }
        }
    }

    uint64_t mapped = std::max<uint64_t>(kPage, (size + kPage - 1) / kPage * kPage);
    std::vector<read::MapEntry> maps{
        {kBase, kBase + mapped, "rw-p", 0, "00:00", 1, kMappedPath, false}};
    std::vector<read::MappedFile> files = read::mapped_files(maps);
    read::FileAccess access{
        [](const read::MappedFile&) { return std::vector<read::FilePath>{{file.path()}}; },
        nullptr};
    read::MappedTarget target{maps, files, access, kMappedPath};

    auto search = read::locate_runtime(target, memory);
    if (!search || !search->found) return 0;
    read::SearchLog asyncio_log;
    auto found = read::read_runtime(target, *search->found, memory, asyncio_log);
    if (found && found->runtime_addr != search->found->addr) __builtin_trap();
    return 0;
}
