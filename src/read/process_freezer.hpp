// Stopping a live process for a consistent read (--stop): every thread seized and interrupted
// with ptrace, let go again when the guard ends. The only place aps attaches with ptrace
// (native_unwind only reads the registers and memory of the threads this holds).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <vector>

#include "aps/error.hpp"

namespace aps::read {

struct FreezeLimits {
    std::chrono::milliseconds stop_timeout{2000};  // for the threads of one round to stop
    int max_rounds = 64;                           // listings of /proc/PID/task while new
                                                   // threads keep appearing
    std::size_t max_threads = 65536;               // threads seized in all
};

// A process whose threads are all stopped in a ptrace stop while this guard lives. PTRACE_SEIZE
// (not PTRACE_ATTACH) leaves no SIGSTOP behind, so the target resumes whenever the guard lets
// go, and also when aps dies: the kernel detaches a dead tracer's tracees and wakes them.
class ProcessFreezer {
  public:
    // Seizes and interrupts every thread of `pid` and waits until each one is stopped, listing
    // /proc/PID/task again until a listing finds no new thread (a stopped thread cannot start
    // one). Errors: NoSuchProcess, PermissionDenied (/proc refused), StopRefused (ptrace
    // refused: another tracer holds a thread, a seccomp filter...), StopFailed (a thread did
    // not stop in time, too many threads, ptrace failed otherwise);
    // every thread seized until then is let go before the error is returned.
    static Result<ProcessFreezer> freeze(pid_t pid, const FreezeLimits& limits = {});

    ProcessFreezer(ProcessFreezer&& other) noexcept;
    ProcessFreezer& operator=(ProcessFreezer&& other) noexcept;
    ProcessFreezer(const ProcessFreezer&) = delete;
    ProcessFreezer& operator=(const ProcessFreezer&) = delete;
    ~ProcessFreezer();

    pid_t pid() const { return pid_; }
    std::size_t thread_count() const { return threads_.size(); }
    // The threads held in a ptrace stop now (not those that exited meanwhile), in seize order.
    std::vector<pid_t> stopped_threads() const;

    // Detaches every thread, handing back a signal one of them stopped to receive, and returns
    // how long the target was held: from the first PTRACE_INTERRUPT to the last PTRACE_DETACH.
    // Later calls do nothing and return the same figure.
    std::chrono::nanoseconds thaw();

  private:
    struct Thread {
        pid_t tid = 0;
        bool stopped = false;
        bool gone = false;  // exited (reaped by waitpid) or no longer ours
        int signal = 0;     // caught in a signal-delivery-stop: delivered again on detach
    };

    explicit ProcessFreezer(pid_t pid) : pid_(pid) {}
    Result<bool> seize(pid_t tid);  // false: the thread is exiting or gone
    Result<void> wait_until_stopped(const FreezeLimits& limits);
    Error refused(pid_t tid) const;

    pid_t pid_ = 0;
    std::vector<Thread> threads_;
    std::chrono::steady_clock::time_point first_interrupt_{};
    bool interrupted_ = false;
    bool thawed_ = false;
    std::chrono::nanoseconds pause_{0};
};

}  // namespace aps::read
