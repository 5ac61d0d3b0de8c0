// libFuzzer target: core files. The input is a whole core file:
//  - parse_core_file with small limits (the limit checks), then as aps parses it;
//  - open_core and find_runtime as `aps ps --core`, with --sysroot an empty folder (no file the
//    core names exists, so the locator falls back on scanning the dumped memory for the table),
//    and again with the core itself as --exe (the mapped-file checks: size, headers, build-id;
//    memory the core left out is read from that file only when the core also opens as an image).
// Everything stays inside the input: the sysroot is an empty folder made at start.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "mem_file.hpp"
#include "read/core_file.hpp"
#include "read/core_target.hpp"

namespace aps::fuzz {
namespace {

// An empty folder for --sysroot, removed at exit.
class EmptyDir {
  public:
    EmptyDir() {
        char pattern[] = "/tmp/aps-core-fuzz-XXXXXX";
        if (::mkdtemp(pattern) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        path_ = pattern;
    }
    ~EmptyDir() { ::rmdir(path_.c_str()); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

void find(const CoreOptions& options) {
    auto core = read::open_core(options);
    if (!core) return;
    (void)core->describe();
    for (const AddressRange& r : core->readable_ranges()) {
        if (r.start > r.end) __builtin_trap();
    }
    (void)core->find_runtime(core->memory());
}

}  // namespace
}  // namespace aps::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    using namespace aps;
    static fuzz::MemFile file("core");
    static fuzz::EmptyDir sysroot;
    file.write(data, size);

    read::CoreLimits small{4, 4, 4096};
    (void)read::parse_core_file(file.fd(), "fuzz", small);
    auto core = read::parse_core_file(file.fd(), "fuzz");
    if (!core) return 0;
    (void)core->executable();
    (void)core->describe();

    fuzz::find({file.path(), sysroot.path(), ""});
    fuzz::find({file.path(), sysroot.path(), file.path()});
    return 0;
}
