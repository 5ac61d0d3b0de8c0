// Signals for the watch loop: caught only while it waits in ppoll(), so they arrive as events of
// the loop (quit, resize, suspend) and the terminal is always restored by ordinary code.
#pragma once

#include <poll.h>
#include <signal.h>

#include <chrono>
#include <initializer_list>

namespace aps {

// While alive, the given signals are blocked except inside wait(), and caught by a handler that
// only records them; the destructor restores the previous handlers and signal mask. Signals that
// were ignored when it was created (nohup, a background job) stay ignored. Signal numbers below 32
// only; one guard at a time.
class SignalGuard {
  public:
    explicit SignalGuard(std::initializer_list<int> signals);
    ~SignalGuard();
    SignalGuard(const SignalGuard&) = delete;
    SignalGuard& operator=(const SignalGuard&) = delete;

    // ppoll() on `fds` for at most `timeout` with the caught signals unblocked. Returns ppoll's
    // result (-1 with errno EINTR when a signal came).
    int wait(pollfd* fds, nfds_t count, std::chrono::nanoseconds timeout);

    // The signals caught since the last call, as a bit mask (1 << signo), then forgotten.
    unsigned take_caught();

    // Stops the process as the default action of SIGTSTP would, and returns once it is continued
    // (the caller gives the terminal back before and takes it again after).
    void stop_process();

  private:
    sigset_t caught_{};    // the signals handled here
    sigset_t old_mask_{};  // the mask before; used inside wait()
    struct sigaction old_actions_[NSIG] {};
};

}  // namespace aps
