// The watch's signal handling: signals wait for ppoll(), arrive as a bit mask, and the previous
// handlers and mask come back afterwards.
#include "cli/signal_guard.hpp"

#include <gtest/gtest.h>
#include <signal.h>

namespace aps {
namespace {

using namespace std::chrono_literals;

bool blocked(int signo) {
    sigset_t now;
    sigprocmask(SIG_BLOCK, nullptr, &now);
    return sigismember(&now, signo) == 1;
}

TEST(SignalGuard, SignalsWaitForTheWaitAndArriveAsBits) {
    struct sigaction before {};
    sigaction(SIGWINCH, nullptr, &before);
    {
        SignalGuard guard{SIGWINCH, SIGUSR2};
        EXPECT_TRUE(blocked(SIGWINCH));
        ::raise(SIGWINCH);  // blocked: pending, not yet recorded
        EXPECT_EQ(guard.take_caught(), 0u);
        EXPECT_EQ(guard.wait(nullptr, 0, 5s), -1);  // interrupted at once
        EXPECT_EQ(errno, EINTR);
        EXPECT_EQ(guard.take_caught(), 1u << SIGWINCH);
        EXPECT_EQ(guard.take_caught(), 0u);
        EXPECT_EQ(guard.wait(nullptr, 0, 1ms), 0);  // nothing: the timeout
    }
    EXPECT_FALSE(blocked(SIGWINCH));
    struct sigaction after {};
    sigaction(SIGWINCH, nullptr, &after);
    EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(SignalGuard, IgnoredSignalsStayIgnored) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction old {};
    sigaction(SIGUSR1, &ignore, &old);
    {
        SignalGuard guard{SIGUSR1};
        EXPECT_FALSE(blocked(SIGUSR1));
        struct sigaction during {};
        sigaction(SIGUSR1, nullptr, &during);
        EXPECT_EQ(during.sa_handler, SIG_IGN);
        ::raise(SIGUSR1);
        EXPECT_EQ(guard.wait(nullptr, 0, 1ms), 0);
        EXPECT_EQ(guard.take_caught(), 0u);
    }
    sigaction(SIGUSR1, &old, nullptr);
}

}  // namespace
}  // namespace aps
