// open_core + find_runtime over synthetic cores that hold the real debug-offset tables of the
// provisioned 3.14 and 3.15: the sections are found in the files NT_FILE names, the table the core
// left out is read from the file, and a wrong or absent python file is reported.
#include "read/core_target.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "aps/offsets.hpp"
#include "read_test_support.hpp"
#include "support/child_process.hpp"
#include "support/elf_builder.hpp"

namespace aps {
namespace {

using read::test::asyncio_module_path;
using read::test::python_path;
using read::test::section_bytes;
using test::build_core;
using test::build_elf_file;
using test::Bytes;
using test::CoreSpec;
using test::ElfFileSpec;
using test::TempDir;

constexpr uint64_t kExeBase = 0x555500000000;
constexpr uint64_t kModBase = 0x7f0000000000;

// A 16 KiB object whose .PyRuntime (when `runtime` is not empty) is at 0x1000 and whose
// .AsyncioDebug (when `asyncio` is not empty) is at 0x3000, both in the file at those offsets.
Bytes python_object(const Bytes& runtime, const Bytes& asyncio, uint8_t id) {
    ElfFileSpec spec;
    spec.build_id = {std::byte{0xb1}, std::byte{id}};
    spec.size = 0x4000;
    if (!runtime.empty()) {
        spec.sections.push_back({".PyRuntime", 0x1000, 0x1000, 0x2000});
        spec.content.push_back({0x1000, runtime});
    }
    if (!asyncio.empty()) {
        spec.sections.push_back({".AsyncioDebug", 0x3000, 0x3000, asyncio.size()});
        spec.content.push_back({0x3000, asyncio});
    }
    return build_elf_file(spec);
}

// The process mapped `file` at `base`: the core holds its first page and its runtime pages
// (written data), not the rest (read-only: .AsyncioDebug must come from the file).
void map_into(CoreSpec& core, const Bytes& file, uint64_t base, const std::string& path,
              bool runtime) {
    core.loads.push_back({base, 0x1000, Bytes(file.begin(), file.begin() + 0x1000), PF_R});
    if (runtime) {
        core.loads.push_back(
            {base + 0x1000, 0, Bytes(file.begin() + 0x1000, file.begin() + 0x3000), PF_R | PF_W});
    }
    core.files.push_back({base, base + 0x4000, 0, path});
}

struct Scenario {
    TempDir dir;
    std::string core_path;
    std::string exe_path;
    Bytes exe;
};

void build(Scenario& s, int minor) {
    std::string py = python_path(minor);
    Bytes runtime = section_bytes(py, ".PyRuntime", kDebugOffsetsReadSize);
    Bytes asyncio =
        minor == 15 ? section_bytes(py, ".AsyncioDebug", kAsyncioOffsetsSize)
                    : section_bytes(asyncio_module_path(14), ".AsyncioDebug", kAsyncioOffsetsSize);
    ASSERT_FALSE(runtime.empty());
    ASSERT_FALSE(asyncio.empty());
    CoreSpec core;
    core.entry = kExeBase + 0x2000;
    s.exe = python_object(runtime, minor == 15 ? asyncio : Bytes{}, 1);
    s.exe_path = s.dir.write("usr/bin/python3." + std::to_string(minor), s.exe);
    map_into(core, s.exe, kExeBase, s.exe_path, true);
    if (minor == 14) {
        std::string mod = s.dir.write("lib-dynload/_asyncio.cpython-314-x86_64-linux-gnu.so",
                                      python_object({}, asyncio, 2));
        map_into(core, python_object({}, asyncio, 2), kModBase, mod, false);
    }
    s.core_path = s.dir.write("core", build_core(core));
}

class CoreTargetTest : public ::testing::TestWithParam<int> {};

TEST_P(CoreTargetTest, FindsBothTablesThroughTheFilesTheCoreNames) {
    Scenario s;
    build(s, GetParam());
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    auto target = core->find_runtime(core->memory());
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ(target->offsets.minor, GetParam());
    EXPECT_EQ(target->runtime_addr, kExeBase + 0x1000);
    EXPECT_EQ(target->runtime_file, s.exe_path);
    ASSERT_FALSE(target->runtime_image.empty());
    EXPECT_EQ(target->runtime_image.front().start, kExeBase);
    ASSERT_TRUE(target->asyncio.has_value());
    // The table came from the file (the core does not hold it): the same as parsed from there.
    std::string file = GetParam() == 15 ? python_path(15) : asyncio_module_path(14);
    auto expected = parse_asyncio_offsets(section_bytes(file, ".AsyncioDebug", kAsyncioOffsetsSize),
                                          target->offsets);
    ASSERT_TRUE(expected) << expected.error().message;
    EXPECT_EQ(target->asyncio->task_object.task_node, expected->task_object.task_node);
    EXPECT_EQ(target->asyncio->thread_state.asyncio_tasks_head,
              expected->thread_state.asyncio_tasks_head);
}

TEST_P(CoreTargetTest, AnExeThatIsNotTheMappedOneIsReported) {
    Scenario s;
    build(s, GetParam());
    Bytes runtime(s.exe.begin() + 0x1000, s.exe.begin() + 0x1400);
    std::string other = s.dir.write("other/python", python_object(runtime, {}, 9));
    auto core = read::open_core({s.core_path, "", other});
    ASSERT_TRUE(core) << core.error().message;
    auto target = core->find_runtime(core->memory());
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::FileMismatch);
    EXPECT_NE(target.error().message.find(other + " is not the " + s.exe_path +
                                          " the process had mapped: build-id b101 in the core, "
                                          "b109 in the file"),
              std::string::npos)
        << target.error().message;
}

TEST_P(CoreTargetTest, AMissingAsyncioFileIsNotTakenForNoAsyncio) {
    Scenario s;
    build(s, GetParam());
    // The runtime is found in the core's data whatever happens; the asyncio table is read-only
    // data in a file, so without that file aps cannot tell whether asyncio was imported.
    std::filesystem::remove_all(s.dir.path() + "/lib-dynload");
    std::filesystem::remove_all(s.dir.path() + "/usr");
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    auto target = core->find_runtime(core->memory());
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::FileMismatch);
    EXPECT_NE(target.error().message.find("cannot open"), std::string::npos)
        << target.error().message;
    EXPECT_NE(target.error().message.find("--sysroot DIR"), std::string::npos);
}

// The read of `options` (open_core, then find_runtime) ends within 10 s: checked in a child
// first, as an open() waiting on a FIFO would never return. Then the same read, here.
Result<read::Runtime> read_in_time(const CoreOptions& options) {
    const auto read = [&options]() -> Result<read::Runtime> {
        auto core = read::open_core(options);
        if (!core) return std::move(core).error();
        return core->find_runtime(core->memory());
    };
    const int status = test::run_in_child(
        [&read] {
            (void)read();
            return 0;
        },
        std::chrono::seconds(10));
    if (status != 0) return Error{Errc::ReadFailed, "the read blocked (or died)"};
    return read();
}

void expect_refused(const Result<read::Runtime>& target, Errc code, const std::string& says) {
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, code) << target.error().message;
    EXPECT_NE(target.error().message.find(says), std::string::npos) << target.error().message;
}

TEST_P(CoreTargetTest, FifosAreRefusedAtOnceWhereverTheyAre) {
    Scenario s;
    build(s, GetParam());
    const std::string fifo = s.dir.path() + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // The core itself.
    expect_refused(read_in_time({fifo, "", ""}), Errc::BadCore,
                   "core file " + fifo + " is a FIFO, not a regular file");
    // --exe.
    expect_refused(read_in_time({s.core_path, "", fifo}), Errc::FileMismatch,
                   "--exe " + fifo + ": a FIFO, not a regular file");
    // The copy under --sysroot of the executable the core names.
    const std::string root = s.dir.path() + "/root";
    std::filesystem::create_directories(root +
                                        std::filesystem::path(s.exe_path).parent_path().string());
    ASSERT_EQ(::mkfifo((root + s.exe_path).c_str(), 0600), 0);
    expect_refused(read_in_time({s.core_path, root, ""}), Errc::FileMismatch,
                   "cannot open " + root + s.exe_path + ": a FIFO, not a regular file");
    // The executable the core names, at its own path (a hostile core can name any path).
    std::filesystem::remove(s.exe_path);
    ASSERT_EQ(::mkfifo(s.exe_path.c_str(), 0600), 0);
    expect_refused(read_in_time({s.core_path, "", ""}), Errc::FileMismatch,
                   "cannot open " + s.exe_path + ": a FIFO, not a regular file");
}

TEST_P(CoreTargetTest, ALinkIsFollowedAtExeButNotWhereTheCoreNamesAFile) {
    Scenario s;
    build(s, GetParam());
    // The kernel records resolved paths: a link there is not the file the process mapped.
    const std::string real = s.dir.write("elsewhere/python", s.exe);
    std::filesystem::remove(s.exe_path);
    std::filesystem::create_symlink(real, s.exe_path);
    expect_refused(read_in_time({s.core_path, "", ""}), Errc::FileMismatch,
                   "cannot open " + s.exe_path + ": a symbolic link, not a regular file");
    // --exe names it on purpose (a virtualenv's python is a link): followed.
    auto target = read_in_time({s.core_path, "", s.exe_path});
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ(target->offsets.minor, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Pythons, CoreTargetTest, ::testing::Values(14, 15),
                         [](const auto& info) { return "Python3" + std::to_string(info.param); });

TEST(CoreTarget, ACoreOfAnotherProgramIsNotPython) {
    TempDir dir;
    CoreSpec core;
    ElfFileSpec libc;
    libc.build_id = {std::byte{7}};
    Bytes file = build_elf_file(libc);
    std::string path = dir.write("lib/libc.so.6", file);
    map_into(core, file, kModBase, path, true);
    std::string core_path = dir.write("core", build_core(core));
    auto opened = read::open_core({core_path, "", ""});
    ASSERT_TRUE(opened) << opened.error().message;
    auto target = opened->find_runtime(opened->memory());
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::NotPython);
    EXPECT_EQ(target.error().message, "core file " + core_path +
                                          " (process 4242, python3.14) is not of a Python process "
                                          "(no .PyRuntime section in the files it had mapped)");
}

// The python file a core names replaced by a FIFO: the locator must not wait for a writer.
TEST(CoreTarget, AFifoWhereThePythonWasIsAMismatchNotAHang) {
    Scenario s;
    build(s, 15);
    std::filesystem::remove(s.exe_path);
    ASSERT_EQ(::mkfifo(s.exe_path.c_str(), 0600), 0);
    auto core = read::open_core({s.core_path, "", ""});
    ASSERT_TRUE(core) << core.error().message;
    auto target = core->find_runtime(core->memory());
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::FileMismatch) << target.error().message;
}

// A core without NT_FILE (some dumpers leave it out) names no file to look in, and its memory
// holds no table either: not Python, saying why.
TEST(CoreTarget, ACoreWithoutMappedFilesSaysSo) {
    TempDir dir;
    CoreSpec core;
    core.nt_file = false;
    core.loads.push_back({kModBase, 0, Bytes(0x1000, std::byte{0}), PF_R | PF_W});
    std::string core_path = dir.write("core", build_core(core));
    auto opened = read::open_core({core_path, "", ""});
    ASSERT_TRUE(opened) << opened.error().message;
    auto target = opened->find_runtime(opened->memory());
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::NotPython);
    EXPECT_NE(target.error().message.find("lists no mapped files (no NT_FILE note)"),
              std::string::npos)
        << target.error().message;
}

// A .PyRuntime without the debug offsets' cookie is a Python before 3.13.
TEST(CoreTarget, ARuntimeWithoutTheCookieIsAnOlderPython) {
    TempDir dir;
    CoreSpec core;
    Bytes exe = python_object(Bytes(kDebugOffsetsReadSize, std::byte{0}), {}, 3);
    std::string path = dir.write("usr/bin/python3.12", exe);
    map_into(core, exe, kExeBase, path, true);
    std::string core_path = dir.write("core", build_core(core));
    auto opened = read::open_core({core_path, "", ""});
    ASSERT_TRUE(opened) << opened.error().message;
    auto target = opened->find_runtime(opened->memory());
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::UnsupportedVersion);
    EXPECT_NE(target.error().message.find("older than 3.13"), std::string::npos)
        << target.error().message;
}

}  // namespace
}  // namespace aps
