// Running a piece of a test in a child process, so that code that blocks or loops forever fails
// the test instead of hanging the whole run.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

namespace aps::test {

// Runs `body` in a forked child and returns the child's wait status, or -1 when it had not ended
// after `limit` (it is then killed, by its pid, and reaped). `elapsed`, if given, is how long it
// ran. The child ends with _exit(body()): no atexit handlers, no gtest output of its own.
inline int run_in_child(const std::function<int()>& body, std::chrono::milliseconds limit,
                        std::chrono::milliseconds* elapsed = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t child = ::fork();
    if (child == 0) ::_exit(body());
    int status = 0;
    for (;;) {
        const pid_t done = ::waitpid(child, &status, WNOHANG);
        const auto ran = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
        if (elapsed != nullptr) *elapsed = ran;
        if (done == child) return status;
        if (ran > limit) {
            ::kill(child, SIGKILL);
            ::waitpid(child, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace aps::test
