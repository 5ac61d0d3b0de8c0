// Live tests for finding the runtime (read::find_live_runtime): real 3.14 and 3.15 processes (with
// and without asyncio imported), a process that is not Python, a zombie and a pid that does not
// exist.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "read/live_platform.hpp"
#include "read/proc_maps.hpp"
#include "read_test_support.hpp"

namespace aps {
namespace {

using read::test::Child;
using read::test::python_path;

constexpr const char* kWithAsyncio =
    "import asyncio, time, sys; print('ready', flush=True); time.sleep(30)";
constexpr const char* kWithoutAsyncio = "import time; print('ready', flush=True); time.sleep(30)";

Result<read::Runtime> open_python(int minor, const char* script, std::unique_ptr<Child>& child) {
    std::string exe = python_path(minor);
    if (exe.empty()) return Error{Errc::NotPython, read::test::kProvisionHint};
    child = std::make_unique<Child>(std::vector<std::string>{exe, "-c", script});
    if (child->pid() <= 0 || !child->wait_for_line("ready"))
        return Error{Errc::NotPython, "the child interpreter did not start: " + exe};
    auto memory = read::open_live_memory(child->pid());
    return read::find_live_runtime(child->pid(), *memory);
}

TEST(OpenTarget, Python314WithAsyncioFindsBothTables) {
    std::unique_ptr<Child> child;
    auto target = open_python(14, kWithAsyncio, child);
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ(target->offsets.minor, 14);
    EXPECT_EQ(target->offsets.thread_state.native_thread_id, 160u);
    EXPECT_NE(target->runtime_addr, 0u);
    EXPECT_EQ(read::basename_of(target->runtime_file), "python3.14");
    // The interpreter's file, mapped: the runtime lies in it (its types do too).
    ASSERT_FALSE(target->runtime_image.empty());
    EXPECT_TRUE(
        std::any_of(target->runtime_image.begin(), target->runtime_image.end(),
                    [&](const AddressRange& r) { return r.contains(target->runtime_addr); }));
    ASSERT_TRUE(target->asyncio.has_value());
    EXPECT_EQ(target->asyncio->task_object.task_node, 152u);
    EXPECT_EQ(target->asyncio->thread_state.asyncio_tasks_head, 880u);
}

TEST(OpenTarget, Python314WithoutAsyncioHasNoAsyncioTable) {
    std::unique_ptr<Child> child;
    auto target = open_python(14, kWithoutAsyncio, child);
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ(target->offsets.minor, 14);
    EXPECT_FALSE(target->asyncio.has_value());
}

TEST(OpenTarget, Python315FindsTheBuiltinAsyncioTable) {
    std::unique_ptr<Child> child;
    auto target = open_python(15, kWithAsyncio, child);
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_EQ(target->offsets.minor, 15);
    EXPECT_EQ(target->offsets.thread_state.native_thread_id, 184u);
    ASSERT_TRUE(target->asyncio.has_value());
    EXPECT_EQ(target->asyncio->thread_state.asyncio_tasks_head, 1048u);
}

TEST(OpenTarget, Python315WithoutAsyncioStillHasTheTable) {
    std::unique_ptr<Child> child;
    auto target = open_python(15, kWithoutAsyncio, child);
    ASSERT_TRUE(target) << target.error().message;
    EXPECT_TRUE(target->asyncio.has_value());
}

TEST(OpenTarget, Python313IsUnsupported) {
    std::unique_ptr<Child> child;
    auto target = open_python(13, kWithAsyncio, child);
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::UnsupportedVersion) << target.error().message;
    EXPECT_NE(target.error().message.find("3.13"), std::string::npos);
}

TEST(OpenTarget, RuntimeAddressHoldsTheCookie) {
    std::unique_ptr<Child> child;
    auto target = open_python(14, kWithoutAsyncio, child);
    ASSERT_TRUE(target) << target.error().message;
    auto memory = read::open_live_memory(child->pid());
    std::array<std::byte, 8> cookie{};
    ASSERT_TRUE(memory->read(target->runtime_addr, cookie));
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(cookie.data()), 8), "xdebugpy");
}

TEST(OpenTarget, NonPythonProcessIsNotPython) {
    Child child({"/bin/sh", "-c", "echo ready; exec sleep 30"});
    ASSERT_GT(child.pid(), 0);
    ASSERT_TRUE(child.wait_for_line("ready"));
    auto memory = read::open_live_memory(child.pid());
    auto target = read::find_live_runtime(child.pid(), *memory);
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::NotPython) << target.error().message;
    EXPECT_EQ(target.error().message,
              "process " + std::to_string(child.pid()) +
                  " is not a Python process (no .PyRuntime section in its mapped files)");
}

TEST(OpenTarget, ZombieHasExited) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(0);
    // Wait until it is a zombie without reaping it.
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    auto memory = read::open_live_memory(pid);
    auto target = read::find_live_runtime(pid, *memory);
    ::waitpid(pid, nullptr, 0);
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::NoSuchProcess);
    EXPECT_EQ(target.error().message, "process " + std::to_string(pid) +
                                          " has exited (a zombie its parent has not reaped)");
}

TEST(OpenTarget, MissingPidIsNoSuchProcess) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(0);
    ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
    auto memory = read::open_live_memory(pid);
    auto target = read::find_live_runtime(pid, *memory);
    ASSERT_FALSE(target);
    EXPECT_EQ(target.error().code, Errc::NoSuchProcess);
}

}  // namespace
}  // namespace aps

namespace aps {
namespace {

// Runs `attempt` in a forked child that has dropped to an unprivileged uid, and returns the
// error code it got (-1 when it succeeded, -2 when the child could not drop privileges).
template <class F>
int as_nobody(F attempt) {
    int fds[2];
    if (::pipe(fds) != 0) return -3;
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        int code = -2;
        if (::setresgid(65534, 65534, 65534) == 0 && ::setresuid(65534, 65534, 65534) == 0) {
            std::optional<Error> error = attempt();
            code = error ? static_cast<int>(error->code) : -1;
        }
        (void)!::write(fds[1], &code, sizeof code);
        ::_exit(0);
    }
    ::close(fds[1]);
    int code = -3;
    if (::read(fds[0], &code, sizeof code) != sizeof code) code = -3;
    ::close(fds[0]);
    ::waitpid(pid, nullptr, 0);
    return code;
}

TEST(OpenTarget, AnotherUsersProcessIsPermissionDenied) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to run the reader as another user";
    std::unique_ptr<Child> child;
    auto target = open_python(14, kWithoutAsyncio, child);
    ASSERT_TRUE(target) << target.error().message;
    pid_t pid = child->pid();
    uint64_t addr = target->runtime_addr;

    int from_open = as_nobody([pid]() -> std::optional<Error> {
        auto memory = read::open_live_memory(pid);
        auto t = read::find_live_runtime(pid, *memory);
        return t ? std::nullopt : std::optional<Error>(t.error());
    });
    EXPECT_EQ(from_open, static_cast<int>(Errc::PermissionDenied));

    int from_read = as_nobody([pid, addr]() -> std::optional<Error> {
        auto memory = read::open_live_memory(pid);
        std::array<std::byte, 8> cookie{};
        auto ok = memory->read(addr, cookie);
        return ok ? std::nullopt : std::optional<Error>(ok.error());
    });
    EXPECT_EQ(from_read, static_cast<int>(Errc::PermissionDenied));
}

}  // namespace
}  // namespace aps
