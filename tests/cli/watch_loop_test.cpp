// The watch loop with a fake sampler: skipped samples, the target's end, --count, errors, and on
// a pseudo-terminal the q key and SIGTERM, each leaving the terminal as it was.
#include "cli/watch_loop.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <string>
#include <thread>

#include "render/snapshot_builder.hpp"
#include "support/child_process.hpp"

namespace aps {
namespace {

using render::test::SnapshotBuilder;

Snapshot one_task() {
    return SnapshotBuilder().thread(1).task(0x10, "worker", {{"sleep", "/a/tasks.py", 7}}).build();
}

// Returns the queued results in order; after the last one, the last again.
class FakeSampler {
  public:
    explicit FakeSampler(std::deque<Result<Snapshot>> results) : results_(std::move(results)) {}
    Result<Snapshot> operator()() {
        ++calls;
        Result<Snapshot> next = results_.front();
        if (results_.size() > 1) results_.pop_front();
        return next;
    }
    int calls = 0;

  private:
    std::deque<Result<Snapshot>> results_;
};

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 50) > 0) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

struct Pipes {
    Pipes() {
        EXPECT_EQ(::pipe2(out, O_NONBLOCK), 0);
        EXPECT_EQ(::pipe2(err, O_NONBLOCK), 0);
    }
    ~Pipes() {
        for (int fd : {out[0], out[1], err[0], err[1]}) ::close(fd);
    }
    WatchIo io() const {
        WatchIo io;
        io.out_fd = out[1];
        io.err_fd = err[1];
        return io;
    }
    int out[2];
    int err[2];
};

Options fast(int count = 0) {
    Options options;
    options.command = Command::Watch;
    options.pid = 42;
    options.interval = 0.1;
    options.count = count;
    return options;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

int in_child(const std::function<int()>& body, std::chrono::milliseconds limit,
             std::chrono::milliseconds& elapsed) {
    return test::run_in_child(body, limit, &elapsed);
}

TEST(WatchLoop, ALogEndsAtOnceOnSigtermEvenInTheMiddleOfASample) {
    // A log has no terminal to give back: SIGTERM keeps its usual effect, without waiting for a
    // sample that may take long (here 5 s) to end.
    Pipes pipes;
    std::chrono::milliseconds elapsed{0};
    const int status = in_child(
        [&pipes] {
            int calls = 0;
            const Sampler sampler = [&calls]() -> Result<Snapshot> {
                if (++calls == 2) {
                    ::kill(::getpid(), SIGTERM);
                    std::this_thread::sleep_for(std::chrono::seconds(5));
                }
                return one_task();
            };
            watch(fast(), sampler, pipes.io());
            return 42;
        },
        std::chrono::seconds(20), elapsed);
    ASSERT_NE(status, -1) << "the watch did not end";
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "wait status " << status;
    EXPECT_LT(elapsed, std::chrono::milliseconds(4000));
}

TEST(WatchLoop, LogSkipsATornSampleAndEndsWhenTheTargetExits) {
    Pipes pipes;
    FakeSampler sampler({one_task(), Error{Errc::CorruptData, "the list changed"}, one_task(),
                         Error{Errc::NoSuchProcess, "process 42 exited while being read"}});
    const WatchEnd end = watch(fast(), std::ref(sampler), pipes.io());
    EXPECT_EQ(end.exit_code, 3);
    EXPECT_EQ(end.signal, 0);
    EXPECT_EQ(sampler.calls, 4);
    const std::string out = read_all(pipes.out[0]);
    EXPECT_NE(out.find("  pid 42  Python 3.14  1 task  sample 1\n"), std::string::npos) << out;
    EXPECT_NE(out.find("  pid 42  sample 2 skipped: the list changed\n\n"), std::string::npos);
    EXPECT_NE(out.find("  pid 42  Python 3.14  1 task  sample 3\n"), std::string::npos) << out;
    EXPECT_EQ(count_of(out, "worker"), 2u);
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
    EXPECT_EQ(read_all(pipes.err[0]), "aps: process 42 exited (last sample: 3, 1 task)\n");
}

TEST(WatchLoop, CountStopsTheLogRightAfterTheLastSample) {
    Pipes pipes;
    FakeSampler sampler({one_task()});
    const WatchEnd end = watch(fast(3), std::ref(sampler), pipes.io());
    EXPECT_EQ(end.exit_code, 0);
    EXPECT_EQ(sampler.calls, 3);
    const std::string out = read_all(pipes.out[0]);
    EXPECT_EQ(count_of(out, "  sample "), 3u);
    EXPECT_EQ(count_of(out, "\n\n"), 3u);
    EXPECT_EQ(read_all(pipes.err[0]), "");
}

TEST(WatchLoop, ALogThatCannotBeWrittenEndsWithExit10AndOneLine) {
    Pipes pipes;
    const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(full, 0);
    WatchIo io = pipes.io();
    io.out_fd = full;
    FakeSampler sampler({one_task()});
    const WatchEnd end = watch(fast(3), std::ref(sampler), io);
    ::close(full);
    EXPECT_EQ(end.exit_code, 10);
    EXPECT_EQ(end.signal, 0);
    EXPECT_EQ(sampler.calls, 1);  // no more samples for a log that goes nowhere
    EXPECT_EQ(read_all(pipes.err[0]), "aps: write error: No space left on device\n");
}

TEST(WatchLoop, AFirstSampleErrorIsReportedAsPsWould) {
    Pipes pipes;
    FakeSampler sampler({Error{Errc::PermissionDenied, "cannot read process 42"}});
    const WatchEnd end = watch(fast(), std::ref(sampler), pipes.io());
    EXPECT_EQ(end.exit_code, 4);
    EXPECT_EQ(sampler.calls, 1);
    EXPECT_EQ(read_all(pipes.out[0]), "");
    EXPECT_EQ(read_all(pipes.err[0]).rfind("aps: cannot read process 42: run aps as", 0), 0u);
}

TEST(WatchLoop, ALaterLastingErrorEndsWithItsExitCode) {
    Pipes pipes;
    FakeSampler sampler({one_task(), Error{Errc::NotPython, "process 42 is not a Python process"}});
    const WatchEnd end = watch(fast(), std::ref(sampler), pipes.io());
    EXPECT_EQ(end.exit_code, 5);
    EXPECT_EQ(read_all(pipes.err[0]), "aps: process 42 is not a Python process\n");
}

class WatchOnPty : public ::testing::Test {
  protected:
    void SetUp() override {
        winsize ws{};
        ws.ws_row = 12;
        ws.ws_col = 90;
        ASSERT_EQ(::openpty(&master_, &slave_, nullptr, nullptr, &ws), 0) << std::strerror(errno);
        ASSERT_EQ(::tcgetattr(slave_, &before_), 0);
    }
    void TearDown() override {
        ::close(master_);
        ::close(slave_);
    }
    WatchIo io() const {
        WatchIo io;
        io.keys_fd = slave_;
        io.out_fd = slave_;
        io.err_fd = slave_;
        io.full_screen = true;
        io.colour = true;
        return io;
    }
    void expect_restored(const std::string& screen) {
        termios after{};
        ASSERT_EQ(::tcgetattr(slave_, &after), 0);
        EXPECT_EQ(after.c_lflag, before_.c_lflag);
        EXPECT_EQ(std::memcmp(after.c_cc, before_.c_cc, sizeof after.c_cc), 0);
        const std::size_t entered = screen.find("\x1b[?1049h");
        const std::size_t left = screen.rfind("\x1b[?1049l");
        ASSERT_NE(entered, std::string::npos);
        ASSERT_NE(left, std::string::npos);
        EXPECT_LT(entered, left);
        EXPECT_NE(screen.find("\x1b[?25h", entered), std::string::npos);
    }
    int master_ = -1;
    int slave_ = -1;
    termios before_{};
};

TEST_F(WatchOnPty, QQuitsWithZeroAndGivesTheTerminalBack) {
    ASSERT_EQ(::write(master_, "xq", 2), 2);  // typed ahead: read at the first wait
    FakeSampler sampler({one_task()});
    const WatchEnd end = watch(fast(), std::ref(sampler), io());
    EXPECT_EQ(end.exit_code, 0);
    EXPECT_EQ(end.signal, 0);
    EXPECT_EQ(sampler.calls, 1);
    const std::string screen = read_all(master_);
    EXPECT_NE(screen.find("worker"), std::string::npos);
    EXPECT_NE(screen.find("\x1b[7m PARKED"), std::string::npos);  // colour was asked for
    expect_restored(screen);
}

TEST_F(WatchOnPty, SigtermEndsTheWatchAfterTheTerminalIsGivenBack) {
    int calls = 0;
    const Sampler sampler = [&calls]() -> Result<Snapshot> {
        // From the second sample on (the signal guard is in place): SIGTERM, held until the wait.
        if (++calls == 2) ::kill(::getpid(), SIGTERM);
        return one_task();
    };
    const WatchEnd end = watch(fast(), sampler, io());
    EXPECT_EQ(end.signal, SIGTERM);
    EXPECT_EQ(end.exit_code, 128 + SIGTERM);
    EXPECT_EQ(calls, 2);
    expect_restored(read_all(master_));
    struct sigaction now {};
    sigaction(SIGTERM, nullptr, &now);
    EXPECT_EQ(now.sa_handler, SIG_DFL);
}

TEST_F(WatchOnPty, AnIntervalOutsideTheParsersRangeStillWaitsAndHearsSigterm) {
    // The parser refuses these; the loop must not spin deaf to signals if one ever gets through.
    for (double interval : {std::numeric_limits<double>::quiet_NaN(), 0.0, -1.0,
                            std::numeric_limits<double>::infinity(), 1e-9}) {
        std::chrono::milliseconds elapsed{0};
        const WatchIo screen = io();
        const int status = in_child(
            [&screen, interval] {
                Options options = fast();
                options.interval = interval;
                int calls = 0;
                const Sampler sampler = [&calls]() -> Result<Snapshot> {
                    if (++calls == 3) ::kill(::getpid(), SIGTERM);
                    return one_task();
                };
                const WatchEnd end = watch(options, sampler, screen);
                return end.signal == SIGTERM && calls == 3 ? 0 : 1;
            },
            std::chrono::seconds(20), elapsed);
        EXPECT_EQ(status, 0) << "interval " << interval << ": wait status " << status;
        read_all(master_);
    }
}

TEST_F(WatchOnPty, ATornSampleIsANoticeOnTheScreen) {
    int calls = 0;
    const int master = master_;
    const Sampler sampler = [&calls, master]() -> Result<Snapshot> {
        if (++calls == 2) {
            (void)!::write(master, "q", 1);
            return Error{Errc::ReadFailed, "a task was freed"};
        }
        return one_task();
    };
    const WatchEnd end = watch(fast(), sampler, io());
    EXPECT_EQ(end.exit_code, 0);
    const std::string screen = read_all(master_);
    EXPECT_NE(screen.find("sample 2 skipped (retried next interval): a task was freed"),
              std::string::npos);
    expect_restored(screen);
}

}  // namespace
}  // namespace aps
