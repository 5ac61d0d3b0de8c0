// Tests for the /proc/PID/maps parser and reader.
#include "read/proc_maps.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace aps::read {
namespace {

TEST(ProcMaps, ParsesFileBackedAndAnonymousLines) {
    auto maps = parse_proc_maps(
        "003ff000-00400000 rw-p 00000000 fe:00 11102640                           "
        "/usr/bin/python3.14\n"
        "7ffd4c1e0000-7ffd4c201000 rw-p 00000000 00:00 0                          [stack]\n"
        "7f0000000000-7f0000001000 ---p 00000000 00:00 0 \n"
        "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0\n");
    ASSERT_TRUE(maps) << maps.error().message;
    ASSERT_EQ(maps->size(), 4u);
    const MapEntry& py = (*maps)[0];
    EXPECT_EQ(py.start, 0x3ff000u);
    EXPECT_EQ(py.end, 0x400000u);
    EXPECT_EQ(py.perms, "rw-p");
    EXPECT_TRUE(py.readable());
    EXPECT_TRUE(py.writable());
    EXPECT_EQ(py.offset, 0u);
    EXPECT_EQ(py.dev, "fe:00");
    EXPECT_EQ(py.inode, 11102640u);
    EXPECT_EQ(py.path, "/usr/bin/python3.14");
    EXPECT_FALSE(py.deleted);
    EXPECT_EQ((*maps)[1].path, "[stack]");
    EXPECT_EQ((*maps)[2].path, "");
    EXPECT_FALSE((*maps)[2].readable());
    EXPECT_EQ((*maps)[3].start, 0xffffffffff600000u);
    EXPECT_EQ((*maps)[3].path, "");
}

TEST(ProcMaps, KeepsSpacesInsidePaths) {
    auto maps = parse_proc_maps(
        "7f1000000000-7f1000001000 r--p 00001000 08:01 42     /opt/my python/lib python.so\n");
    ASSERT_TRUE(maps) << maps.error().message;
    EXPECT_EQ((*maps)[0].path, "/opt/my python/lib python.so");
    EXPECT_EQ((*maps)[0].offset, 0x1000u);
    EXPECT_EQ(basename_of((*maps)[0].path), "lib python.so");
}

TEST(ProcMaps, StripsDeletedSuffixAndRemembersIt) {
    auto maps = parse_proc_maps(
        "7f1000000000-7f1000001000 r--p 00000000 08:01 42 /usr/lib/libpython3.14.so.1.0 "
        "(deleted)\n");
    ASSERT_TRUE(maps) << maps.error().message;
    EXPECT_EQ((*maps)[0].path, "/usr/lib/libpython3.14.so.1.0");
    EXPECT_TRUE((*maps)[0].deleted);
}

TEST(ProcMaps, EmptyTextHasNoEntries) {
    auto maps = parse_proc_maps("");
    ASSERT_TRUE(maps);
    EXPECT_TRUE(maps->empty());
}

TEST(ProcMaps, MalformedLineIsCorruptDataWithLineNumber) {
    auto maps = parse_proc_maps(
        "00400000-00401000 r--p 00000000 fe:00 1 /a\n"
        "zzzz-00401000 r--p 00000000 fe:00 1 /b\n");
    ASSERT_FALSE(maps);
    EXPECT_EQ(maps.error().code, Errc::CorruptData);
    EXPECT_NE(maps.error().message.find("line 2"), std::string::npos) << maps.error().message;
}

TEST(ProcMaps, BasenameOf) {
    EXPECT_EQ(basename_of("/usr/bin/python3.14"), "python3.14");
    EXPECT_EQ(basename_of("python3.14"), "python3.14");
    EXPECT_EQ(basename_of("/usr/lib/"), "");
}

TEST(ProcMaps, ReadsOwnProcess) {
    auto maps = read_proc_maps(::getpid());
    ASSERT_TRUE(maps) << maps.error().message;
    EXPECT_FALSE(maps->empty());
    bool has_stack = false;
    for (const auto& e : *maps) has_stack = has_stack || e.path == "[stack]";
    EXPECT_TRUE(has_stack);
}

TEST(ProcMaps, MissingPidIsNoSuchProcess) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(0);
    ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);  // reaped: the pid no longer exists
    auto maps = read_proc_maps(pid);
    ASSERT_FALSE(maps);
    EXPECT_EQ(maps.error().code, Errc::NoSuchProcess);
    EXPECT_EQ(maps.error().message, "no process with pid " + std::to_string(pid));
}

}  // namespace
}  // namespace aps::read
