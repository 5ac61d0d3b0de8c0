// ProcessFreezer on real child processes: every thread held in a ptrace stop and let go again,
// new threads caught, a second tracer refused, a thread that cannot stop reported, no signal lost.
#include "read/process_freezer.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace aps {
namespace {

using namespace std::chrono_literals;
using read::FreezeLimits;
using read::ProcessFreezer;

// Shared with the child: one progress counter per thread, and what the child reports.
struct Shared {
    std::atomic<int> started{0};
    std::atomic<int> signals{0};
    std::atomic<uint64_t> ticks[8]{};
};

Shared* map_shared() {
    void* p =
        ::mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : new (p) Shared;
}

Shared* g_child_shared = nullptr;  // the child's own view, for its threads and signal handler

void* tick(void* arg) {
    auto* counter = static_cast<std::atomic<uint64_t>*>(arg);
    g_child_shared->started.fetch_add(1);
    while (true) {
        counter->fetch_add(1);
        ::usleep(200);
    }
    return nullptr;
}

void on_usr1(int) {
    g_child_shared->signals.fetch_add(1);
}

// A child with `threads` threads (main included), each ticking its counter every ~200 us.
// `spawner` makes the main thread start 200 more threads, slowly, after the first ones.
pid_t start_child(Shared* shared, int threads, bool spawner = false) {
    pid_t pid = ::fork();
    if (pid != 0) {
        while (pid > 0 && shared->started.load() < threads) std::this_thread::sleep_for(1ms);
        return pid;
    }
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    g_child_shared = shared;
    ::signal(SIGUSR1, on_usr1);
    for (int i = 1; i < threads; ++i) {
        pthread_t t;
        ::pthread_create(&t, nullptr, tick, &shared->ticks[i]);
    }
    if (spawner) {
        static std::atomic<uint64_t> spare;
        for (int i = 0; i < 200; ++i) {
            pthread_t t;
            ::pthread_create(&t, nullptr, tick, &spare);
            ::usleep(500);
        }
    }
    tick(&shared->ticks[0]);
    ::_exit(0);
}

void end_child(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, __WALL) > 0 || errno == EINTR) {
    }
}

// A child from start_child in its own shared page, killed and reaped when the test ends (after a
// failed ASSERT too). No child is started when the page cannot be mapped.
struct Child {
    explicit Child(int threads, bool spawner = false)
        : shared(map_shared()),
          pid(shared != nullptr ? start_child(shared, threads, spawner) : -1) {}
    ~Child() {
        if (pid > 0) end_child(pid);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    Shared* const shared;
    const pid_t pid;
};

std::vector<pid_t> threads_of(pid_t pid) {
    std::vector<pid_t> out;
    std::string list = std::string("ls /proc/") + std::to_string(pid) + "/task";
    FILE* ls = ::popen(list.c_str(), "r");
    int tid = 0;
    while (ls != nullptr && std::fscanf(ls, "%d", &tid) == 1) out.push_back(tid);
    if (ls != nullptr) ::pclose(ls);
    return out;
}

std::string proc_text(pid_t pid, pid_t tid, const char* file) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/" + file);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

char state_of(pid_t pid, pid_t tid) {
    std::string stat = proc_text(pid, tid, "stat");
    size_t paren = stat.rfind(')');
    return paren == std::string::npos ? 0 : stat[paren + 2];
}

std::string tracer_line(pid_t pid, pid_t tid) {
    std::string status = proc_text(pid, tid, "status");
    size_t at = status.find("TracerPid:");
    return at == std::string::npos ? "" : status.substr(at, status.find('\n', at) - at);
}

std::vector<uint64_t> ticks(const Shared& shared, int threads) {
    std::vector<uint64_t> out;
    for (int i = 0; i < threads; ++i) out.push_back(shared.ticks[i].load());
    return out;
}

// Waits (at most 10 s) until every counter has moved on from `before`.
bool all_progress(const Shared& shared, const std::vector<uint64_t>& before) {
    for (int i = 0; i < 1000; ++i) {
        std::vector<uint64_t> now = ticks(shared, static_cast<int>(before.size()));
        bool all = true;
        for (size_t k = 0; k < now.size(); ++k) all = all && now[k] > before[k];
        if (all) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

TEST(ProcessFreezer, HoldsEveryThreadStoppedThenLetsThemRun) {
    constexpr int kThreads = 4;
    const Child child(kThreads);
    ASSERT_NE(child.shared, nullptr);
    ASSERT_GT(child.pid, 0);
    {
        auto frozen = ProcessFreezer::freeze(child.pid);
        ASSERT_TRUE(frozen) << frozen.error().message;
        EXPECT_EQ(frozen->thread_count(), static_cast<size_t>(kThreads));
        std::string tracer = "TracerPid:\t" + std::to_string(::getpid());
        for (pid_t tid : threads_of(child.pid)) {
            EXPECT_EQ(state_of(child.pid, tid), 't') << "thread " << tid;
            EXPECT_EQ(tracer_line(child.pid, tid), tracer) << "thread " << tid;
        }
        std::vector<uint64_t> held = ticks(*child.shared, kThreads);
        std::this_thread::sleep_for(50ms);
        EXPECT_EQ(ticks(*child.shared, kThreads), held)
            << "a thread ran while the process was frozen";

        std::chrono::nanoseconds pause = frozen->thaw();
        EXPECT_GE(pause, 50ms);
        EXPECT_EQ(frozen->thaw(), pause) << "a second thaw changes nothing";
        EXPECT_TRUE(all_progress(*child.shared, held)) << "a thread did not resume";
        for (pid_t tid : threads_of(child.pid)) {
            EXPECT_NE(state_of(child.pid, tid), 't') << "thread " << tid;
            EXPECT_EQ(tracer_line(child.pid, tid), "TracerPid:\t0") << "thread " << tid;
        }
    }
}

TEST(ProcessFreezer, GuardLetsGoWhenItEnds) {
    const Child child(2);
    std::vector<uint64_t> held;
    {
        auto frozen = ProcessFreezer::freeze(child.pid);
        ASSERT_TRUE(frozen) << frozen.error().message;
        ProcessFreezer moved = std::move(*frozen);  // the moved-from guard lets go of nothing
        held = ticks(*child.shared, 2);
    }
    EXPECT_TRUE(all_progress(*child.shared, held));
    for (pid_t tid : threads_of(child.pid)) {
        EXPECT_EQ(tracer_line(child.pid, tid), "TracerPid:\t0") << "thread " << tid;
    }
}

TEST(ProcessFreezer, CatchesThreadsStartedWhileFreezing) {
    const Child child(1, /*spawner=*/true);
    std::this_thread::sleep_for(20ms);  // the child is busy starting threads now
    auto frozen = ProcessFreezer::freeze(child.pid);
    ASSERT_TRUE(frozen) << frozen.error().message;
    std::vector<pid_t> tids = threads_of(child.pid);
    EXPECT_EQ(frozen->thread_count(), tids.size());
    for (pid_t tid : tids) EXPECT_EQ(state_of(child.pid, tid), 't') << "thread " << tid;
    // Stopped means stopped: no thread appears while the process is held.
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(threads_of(child.pid).size(), tids.size());
    frozen->thaw();
}

TEST(ProcessFreezer, SignalSentWhileStoppedIsDeliveredAfterwards) {
    const Child child(2);
    {
        auto frozen = ProcessFreezer::freeze(child.pid);
        ASSERT_TRUE(frozen) << frozen.error().message;
        ::kill(child.pid, SIGUSR1);
        std::this_thread::sleep_for(20ms);
        EXPECT_EQ(child.shared->signals.load(), 0);
    }
    for (int i = 0; i < 1000 && child.shared->signals.load() == 0; ++i)
        std::this_thread::sleep_for(10ms);
    EXPECT_EQ(child.shared->signals.load(), 1);
}

TEST(ProcessFreezer, SecondTracerIsRefusedAndNamed) {
    const Child child(2);
    auto first = ProcessFreezer::freeze(child.pid);
    ASSERT_TRUE(first) << first.error().message;
    auto second = ProcessFreezer::freeze(child.pid);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::StopRefused);
    const std::string& message = second.error().message;
    EXPECT_NE(message.find("already traced by process " + std::to_string(::getpid())),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("without --stop"), std::string::npos) << message;
    // The refused attempt let go of nothing of the first one's.
    for (pid_t tid : threads_of(child.pid)) EXPECT_EQ(state_of(child.pid, tid), 't');
    first->thaw();
}

TEST(ProcessFreezer, GoneProcessIsNoSuchProcess) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) ::_exit(0);
    ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
    auto frozen = ProcessFreezer::freeze(pid);
    ASSERT_FALSE(frozen);
    EXPECT_EQ(frozen.error().code, Errc::NoSuchProcess);
}

// A vfork parent waits in a killable sleep (state D) that no ptrace interrupt ends.
TEST(ProcessFreezer, ThreadThatCannotStopTimesOutAndIsNamed) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::vfork() == 0) {
            timespec two_seconds{2, 0};
            ::nanosleep(&two_seconds, nullptr);
            ::_exit(0);
        }
        ::_exit(0);
    }
    for (int i = 0; i < 500 && state_of(child, child) != 'D'; ++i) std::this_thread::sleep_for(2ms);
    ASSERT_EQ(state_of(child, child), 'D');
    auto frozen = ProcessFreezer::freeze(child, FreezeLimits{100ms});
    ASSERT_FALSE(frozen);
    EXPECT_EQ(frozen.error().code, Errc::StopFailed);
    EXPECT_NE(frozen.error().message.find("did not stop within 100 ms (state D"), std::string::npos)
        << frozen.error().message;
    end_child(child);
}

TEST(ProcessFreezer, UnprivilegedUserIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to become another user";
    const Child target(1);
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t other = ::fork();
    ASSERT_GE(other, 0);
    if (other == 0) {
        ::close(pipe_fds[0]);
        if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0) {
            ::_exit(2);
        }
        auto frozen = ProcessFreezer::freeze(target.pid);
        std::string report = frozen ? std::string("frozen")
                                    : std::to_string(static_cast<int>(frozen.error().code)) + " " +
                                          frozen.error().message;
        (void)!::write(pipe_fds[1], report.data(), report.size());
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    std::string report;
    char buf[512];
    ssize_t n = 0;
    while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) report.append(buf, n);
    ::close(pipe_fds[0]);
    int status = 0;
    ASSERT_EQ(::waitpid(other, &status, 0), other);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
    EXPECT_EQ(report.rfind(std::to_string(static_cast<int>(Errc::StopRefused)) + " ", 0), 0u)
        << report;
    EXPECT_NE(report.find("permission denied stopping process " + std::to_string(target.pid)),
              std::string::npos)
        << report;
    EXPECT_EQ(tracer_line(target.pid, target.pid), "TracerPid:\t0");
}

}  // namespace
}  // namespace aps
