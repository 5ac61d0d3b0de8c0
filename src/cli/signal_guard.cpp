// Signal handling for the watch loop: block, catch only inside ppoll() (pselect() on macOS),
// record in a bit mask.
#include "cli/signal_guard.hpp"

#include <sys/select.h>
#include <time.h>

#include <algorithm>

namespace aps {
namespace {

// The one piece of global mutable state in aps, because a signal handler can reach nothing else:
// the bit mask of caught signals. It is written only by the handler, which runs only inside
// ppoll() (the signals are blocked everywhere else) with every caught signal masked (sa_mask), and
// read and cleared only outside ppoll(), so the handler and the loop never touch it at once.
volatile sig_atomic_t g_caught = 0;

extern "C" void record_signal(int signo) {
    g_caught = g_caught | static_cast<sig_atomic_t>(1u << signo);
}

}  // namespace

SignalGuard::SignalGuard(std::initializer_list<int> signals) {
    sigemptyset(&caught_);
    for (int signo : signals) {
        if (signo <= 0 || signo >= 32) continue;  // the bit mask holds 32
        struct sigaction old {};
        sigaction(signo, nullptr, &old);
        if (old.sa_handler == SIG_IGN) continue;  // nohup'd or in the background: leave it so
        sigaddset(&caught_, signo);
    }
    sigprocmask(SIG_BLOCK, &caught_, &old_mask_);
    g_caught = 0;
    struct sigaction action {};
    action.sa_handler = record_signal;
    action.sa_mask = caught_;
    action.sa_flags = SA_RESTART;
    for (int signo = 1; signo < NSIG; ++signo) {
        if (sigismember(&caught_, signo) == 1) sigaction(signo, &action, &old_actions_[signo]);
    }
}

SignalGuard::~SignalGuard() {
    for (int signo = 1; signo < NSIG; ++signo) {
        if (sigismember(&caught_, signo) == 1) sigaction(signo, &old_actions_[signo], nullptr);
    }
    // A signal that arrived after the last wait() is pending: with the old handlers back, it
    // takes its ordinary effect once unblocked here.
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

int SignalGuard::wait(pollfd* fds, nfds_t count, std::chrono::nanoseconds timeout) {
    if (timeout < std::chrono::nanoseconds::zero()) timeout = std::chrono::nanoseconds::zero();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(timeout);
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(seconds.count());
    ts.tv_nsec = static_cast<long>((timeout - seconds).count());
    sigset_t during = old_mask_;
    for (int signo = 1; signo < NSIG; ++signo) {
        if (sigismember(&caught_, signo) == 1) sigdelset(&during, signo);
    }
#if defined(__APPLE__) || defined(APS_NO_PPOLL)
    // macOS has no ppoll(): pselect() swaps in the same mask atomically. The loop waits for input
    // on one or two descriptors, so an fd_set is enough; a hang-up shows as readable (read -> 0).
    fd_set readable;
    FD_ZERO(&readable);
    int top = -1;
    for (nfds_t i = 0; i < count; ++i) {
        fds[i].revents = 0;
        if (fds[i].fd >= 0 && fds[i].fd < FD_SETSIZE && (fds[i].events & POLLIN)) {
            FD_SET(fds[i].fd, &readable);
            top = std::max(top, fds[i].fd);
        }
    }
    int ready = ::pselect(top + 1, &readable, nullptr, nullptr, &ts, &during);
    if (ready <= 0) return ready;
    ready = 0;
    for (nfds_t i = 0; i < count; ++i) {
        if (fds[i].fd >= 0 && fds[i].fd < FD_SETSIZE && FD_ISSET(fds[i].fd, &readable)) {
            fds[i].revents = POLLIN;
            ++ready;
        }
    }
    return ready;
#else
    return ::ppoll(fds, count, &ts, &during);
#endif
}

unsigned SignalGuard::take_caught() {
    const auto caught = static_cast<unsigned>(g_caught);
    g_caught = 0;
    return caught;
}

void SignalGuard::stop_process() {
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    struct sigaction mine {};
    sigaction(SIGTSTP, &dfl, &mine);
    sigset_t just_tstp;
    sigemptyset(&just_tstp);
    sigaddset(&just_tstp, SIGTSTP);
    ::raise(SIGTSTP);                               // pending while blocked
    sigprocmask(SIG_UNBLOCK, &just_tstp, nullptr);  // delivered: the process stops here
    sigprocmask(SIG_BLOCK, &just_tstp, nullptr);    // continued
    sigaction(SIGTSTP, &mine, nullptr);
}

}  // namespace aps
