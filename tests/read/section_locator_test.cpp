// Tests for grouping maps lines into mapped images, for how a live target's files are reached
// and opened, and for the cookie scan of live targets.
#include "read/section_locator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "read/live_platform.hpp"
#include "read/runtime_scan.hpp"
#include "read_test_support.hpp"

namespace aps::read {
namespace {

using test::Child;
using test::python_path;

TEST(MappedFiles, OneImagePerFileInAddressOrder) {
    auto maps = parse_proc_maps(
        "00400000-00401000 r--p 00000000 fe:00 7 /usr/bin/python3.14\n"
        "00401000-00402000 r-xp 00001000 fe:00 7 /usr/bin/python3.14\n"
        "01000000-01100000 rw-p 00000000 00:00 0 [heap]\n"
        "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
        "7f1000000000-7f1000002000 r--p 00000000 fe:00 9 /usr/lib/libc.so.6\n"
        "7f1000002000-7f1000003000 r-xp 00002000 fe:00 9 /usr/lib/libc.so.6\n");
    ASSERT_TRUE(maps) << maps.error().message;
    auto files = mapped_files(*maps);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].path, "/usr/bin/python3.14");
    EXPECT_EQ(files[0].start, 0x400000u);
    EXPECT_EQ(files[0].end, 0x401000u);
    EXPECT_EQ(files[1].path, "/usr/lib/libc.so.6");
    EXPECT_EQ(files[1].start, 0x7f1000000000u);
}

TEST(MappedFiles, AFileMappedTwiceIsTwoImages) {
    auto maps = parse_proc_maps(
        "7f1000000000-7f1000001000 r--p 00000000 fe:00 5 /lib/libpython3.14.so.1.0\n"
        "7f1000001000-7f1000002000 rw-p 00001000 fe:00 5 /lib/libpython3.14.so.1.0\n"
        "7f2000000000-7f2000001000 r--p 00000000 fe:00 5 /lib/libpython3.14.so.1.0\n"
        "7f2000001000-7f2000002000 rw-p 00001000 fe:00 5 /lib/libpython3.14.so.1.0\n");
    ASSERT_TRUE(maps);
    auto files = mapped_files(*maps);
    ASSERT_EQ(files.size(), 2u);
    EXPECT_EQ(files[0].start, 0x7f1000000000u);
    EXPECT_EQ(files[1].start, 0x7f2000000000u);
}

TEST(MappedFiles, DeletedFlagIsKeptAndAFileWithoutOffsetZeroStillCounts) {
    auto maps = parse_proc_maps(
        "00401000-00402000 r-xp 00001000 fe:00 7 /tmp/x/python3.14 (deleted)\n"
        "00402000-00403000 rw-p 00002000 fe:00 7 /tmp/x/python3.14 (deleted)\n");
    ASSERT_TRUE(maps);
    auto files = mapped_files(*maps);
    ASSERT_EQ(files.size(), 1u);
    EXPECT_TRUE(files[0].deleted);
    EXPECT_EQ(files[0].path, "/tmp/x/python3.14");
    EXPECT_EQ(files[0].start, 0x401000u);
}

std::vector<MapEntry> python_regions(pid_t pid) {
    std::vector<MapEntry> regions;
    auto maps = read_proc_maps(pid);
    EXPECT_TRUE(maps) << maps.error().message;
    if (!maps) return regions;
    for (const auto& e : *maps) {
        if (basename_of(e.path).find("python") != std::string_view::npos) regions.push_back(e);
    }
    return regions;
}

class CookieScan : public ::testing::TestWithParam<int> {};

TEST_P(CookieScan, FindsTheSameRuntimeAsTheSectionLookup) {
    std::string exe = python_path(GetParam());
    ASSERT_FALSE(exe.empty());
    Child child({exe, "-c", "import time; print('ready', flush=True); time.sleep(30)"});
    ASSERT_TRUE(child.wait_for_line("ready"));
    auto memory = read::open_live_memory(child.pid());
    auto target = read::find_live_runtime(child.pid(), *memory);
    ASSERT_TRUE(target) << target.error().message;

    auto hit = scan_for_debug_offsets(*memory, python_regions(child.pid()));
    ASSERT_TRUE(hit) << hit.error().message;
    ASSERT_TRUE(hit->has_value());
    EXPECT_EQ(**hit, target->runtime_addr);
}

INSTANTIATE_TEST_SUITE_P(Pythons, CookieScan, ::testing::Values(14, 15));

TEST(CookieScan, NothingInNonPythonMemory) {
    Child child({"/bin/sh", "-c", "echo ready; exec sleep 30"});
    ASSERT_TRUE(child.wait_for_line("ready"));
    auto maps = read_proc_maps(child.pid());
    ASSERT_TRUE(maps);
    auto memory = read::open_live_memory(child.pid());
    auto hit = scan_for_debug_offsets(*memory, *maps);
    ASSERT_TRUE(hit) << hit.error().message;
    EXPECT_FALSE(hit->has_value());
}

TEST(CookieScan, RespectsTheByteBudget) {
    std::string exe = python_path(14);
    ASSERT_FALSE(exe.empty());
    Child child({exe, "-c", "import time; print('ready', flush=True); time.sleep(30)"});
    ASSERT_TRUE(child.wait_for_line("ready"));
    auto memory = read::open_live_memory(child.pid());
    auto hit = scan_for_debug_offsets(*memory, python_regions(child.pid()), 4096);
    ASSERT_TRUE(hit);
    EXPECT_FALSE(hit->has_value());
}

// A live target's files are reached through its /proc entries only: its root and its mappings.
// The path the maps give names a file in the target's mount namespace, not aps's, which may be
// another one (a container) or an empty chroot holding aps alone (README, "One file for a
// container or a host"): opened there, it would be the wrong file, or none.
TEST(LiveFileAccess, OnlyThroughTheTargetsProcEntries) {
    FileAccess access = live_file_access(1234);
    for (bool deleted : {false, true}) {
        MappedFile file{"/usr/bin/python3.14", deleted, 0x400000, 0x401000};
        std::vector<FilePath> paths = access.paths(file);
        ASSERT_FALSE(paths.empty());
        for (const FilePath& p : paths) {
            EXPECT_TRUE(p.path.starts_with("/proc/1234/")) << p.path;
        }
    }
}

// .PyRuntime and .AsyncioDebug are looked for in the same files (the executable is the first
// candidate for both): each mapped file is opened and parsed once for the two.
class OpenOnce : public ::testing::TestWithParam<int> {};

TEST_P(OpenOnce, EachMappedFileIsOpenedOnceForBothTables) {
    std::string exe = python_path(GetParam());
    ASSERT_FALSE(exe.empty());
    Child child({exe, "-c", "import asyncio, time; print('ready', flush=True); time.sleep(30)"});
    ASSERT_TRUE(child.wait_for_line("ready"));
    auto maps = read_live_maps(child.pid());
    ASSERT_TRUE(maps) << maps.error().message;
    std::vector<MappedFile> files = mapped_files(*maps);
    std::map<std::string, int> opened;
    FileAccess access = live_file_access(child.pid());
    access.verify = [&opened](const MappedFile&, const std::string& path, int,
                              const Image&) -> Result<void> {
        ++opened[path];
        return {};
    };
    MappedTarget mapped{*maps, files, access, exe};
    auto memory = open_live_memory(child.pid());
    auto search = locate_runtime(mapped, *memory);
    ASSERT_TRUE(search) << search.error().message;
    ASSERT_TRUE(search->found);
    SearchLog log;
    auto runtime = read_runtime(mapped, *search->found, *memory, log);
    ASSERT_TRUE(runtime) << runtime.error().message;
    EXPECT_TRUE(runtime->asyncio.has_value());
    EXPECT_FALSE(opened.empty());
    for (const auto& [path, count] : opened) EXPECT_EQ(count, 1) << path;
}

INSTANTIATE_TEST_SUITE_P(Pythons, OpenOnce, ::testing::Values(14, 15));

// The executable is deleted after start: maps say "(deleted)" and only map_files reaches it.
TEST(OpenTargetDeleted, DeletedExecutableIsStillFound) {
    std::string exe = python_path(14);
    ASSERT_FALSE(exe.empty());
    auto dir =
        std::filesystem::temp_directory_path() / ("aps-read-deleted-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto copy = dir / "python3.14";
    std::filesystem::copy_file(exe, copy, std::filesystem::copy_options::overwrite_existing);
    std::string home = "PYTHONHOME=" + test::python_root(14).string() + "/usr";
    Child child({copy.string(), "-c",
                 "import os, sys, time; os.unlink(sys.executable); print('ready', flush=True); "
                 "time.sleep(30)"},
                {home});
    bool ready = child.wait_for_line("ready");
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(ready);

    auto memory = read::open_live_memory(child.pid());
    auto target = read::find_live_runtime(child.pid(), *memory);
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ(target->runtime_file, copy.string());
    EXPECT_EQ(target->offsets.minor, 14);
}

}  // namespace
}  // namespace aps::read
