// Tests for LiveMemory on this test process itself and on pids that are gone.
#include "read/live_memory.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <vector>

#include "read/live_platform.hpp"

namespace aps::read {
namespace {

uint64_t address_of(const void* p) {
    return reinterpret_cast<uint64_t>(p);
}

TEST(LiveMemory, ReadsOwnMemory) {
    std::vector<char> source(100000);
    for (size_t i = 0; i < source.size(); ++i) source[i] = static_cast<char>(i * 7);
    auto memory = read::open_live_memory(::getpid());
    ASSERT_TRUE(memory);
    std::vector<std::byte> copy(source.size());
    auto ok = memory->read(address_of(source.data()), copy);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(std::memcmp(copy.data(), source.data(), source.size()), 0);
}

TEST(LiveMemory, EmptyReadSucceeds) {
    LiveMemory memory(::getpid());
    EXPECT_TRUE(memory.read(0, {}));
}

TEST(LiveMemory, UnmappedAddressIsReadFailedWithHexAddress) {
    LiveMemory memory(::getpid());
    std::array<std::byte, 8> out{};
    auto ok = memory.read(0x10, out);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, Errc::ReadFailed);
    EXPECT_NE(ok.error().message.find("0x10"), std::string::npos) << ok.error().message;
}

TEST(LiveMemory, ReadRunningIntoAGuardPageFailsAsAWhole) {
    long page = ::sysconf(_SC_PAGESIZE);
    void* p = ::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    ASSERT_EQ(::mprotect(static_cast<char*>(p) + page, page, PROT_NONE), 0);
    LiveMemory memory(::getpid());
    std::vector<std::byte> out(static_cast<size_t>(page) + 16);
    auto ok = memory.read(address_of(static_cast<char*>(p) + 8), out);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, Errc::ReadFailed);
    // The message names the first byte that could not be read.
    char expected[32];
    std::snprintf(expected, sizeof expected, "%#lx", address_of(static_cast<char*>(p) + page));
    EXPECT_NE(ok.error().message.find(expected), std::string::npos) << ok.error().message;
    ::munmap(p, 2 * page);
}

// What a cache's block with a guard page inside gets: the bytes before the guard page, and from
// the page after it, each in one read.
TEST(LiveMemory, ReadPrefixStopsAtTheFirstPageThatCannotBeRead) {
    long page = ::sysconf(_SC_PAGESIZE);
    void* p = ::mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(p, MAP_FAILED);
    char* base = static_cast<char*>(p);
    std::memset(base, 'a', static_cast<size_t>(3 * page));
    ASSERT_EQ(::mprotect(base + page, page, PROT_NONE), 0);
    LiveMemory memory(::getpid());
    std::vector<std::byte> out(static_cast<size_t>(3 * page) - 8);
    EXPECT_EQ(memory.read_prefix(address_of(base + 8), out), static_cast<size_t>(page) - 8);
    EXPECT_EQ(out[0], std::byte{'a'});
    EXPECT_EQ(memory.read_prefix(address_of(base + page), std::span(out).first(8)), 0u);
    EXPECT_EQ(memory.read_prefix(address_of(base + 2 * page), std::span(out).first(page)),
              static_cast<size_t>(page));
    ::munmap(p, 3 * page);
}

TEST(LiveMemory, ExitedProcessIsNoSuchProcess) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(0);
    ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
    LiveMemory memory(pid);
    std::array<std::byte, 8> out{};
    auto ok = memory.read(0x400000, out);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().code, Errc::NoSuchProcess);
    EXPECT_EQ(ok.error().message, "process " + std::to_string(pid) + " exited");
}

}  // namespace
}  // namespace aps::read
