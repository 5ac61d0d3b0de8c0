// A thread id given as the PID is read as its process, with one line saying so; a process id, a
// core or an id /proc does not know is left as it is.
#include "cli/thread_target.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "aps/target.hpp"

namespace aps {
namespace {

// A second thread of this process, alive while the object is.
class OtherThread {
  public:
    OtherThread()
        : thread_([this] {
              tid_ = static_cast<pid_t>(::syscall(SYS_gettid));
              while (!done_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }) {
        while (tid_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~OtherThread() {
        done_ = true;
        thread_.join();
    }
    pid_t tid() const { return tid_; }

  private:
    std::atomic<pid_t> tid_{0};
    std::atomic<bool> done_{false};
    std::thread thread_;
};

TEST(ThreadTarget, AThreadIdIsReadAsItsProcess) {
    OtherThread other;
    ASSERT_NE(other.tid(), ::getpid());
    EXPECT_EQ(process_of(other.tid()), ::getpid());
    Options options;
    options.pid = other.tid();
    EXPECT_EQ(follow_thread_to_process(options),
              fmt::format("aps: {} is a thread of process {}; reading process {}\n", other.tid(),
                          ::getpid(), ::getpid()));
    EXPECT_EQ(options.pid, ::getpid());
}

TEST(ThreadTarget, AProcessACoreOrAnUnknownIdIsLeftAlone) {
    EXPECT_EQ(process_of(::getpid()), ::getpid());
    Options process;
    process.pid = ::getpid();
    EXPECT_EQ(follow_thread_to_process(process), "");
    EXPECT_EQ(process.pid, ::getpid());

    OtherThread other;
    Options core;
    core.core = "core.1";
    core.pid = other.tid();  // never both in practice; a core is never resolved against /proc
    EXPECT_EQ(follow_thread_to_process(core), "");
    EXPECT_EQ(core.pid, other.tid());

    Options unknown;
    unknown.pid = 0x7fffffff;  // above any pid_max
    EXPECT_EQ(process_of(unknown.pid), std::nullopt);
    EXPECT_EQ(follow_thread_to_process(unknown), "");
    EXPECT_EQ(unknown.pid, 0x7fffffff);
}

}  // namespace
}  // namespace aps
