// The watch loop: one sample per interval through the park tracker into a view, with keys,
// signals and resizes handled between samples. Errors before the first sample are ps's errors.
#include "cli/watch_loop.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "aps/park_tracker.hpp"
#include "aps/watch_view.hpp"
#include "cli/exit_status.hpp"
#include "cli/signal_guard.hpp"
#include "cli/snapshot_reader.hpp"
#include "cli/terminal.hpp"

namespace aps {
namespace {

using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

constexpr unsigned bit(int signo) {
    return 1u << signo;
}

struct WatchEnd {
    int exit_code = kExitOk;
    int signal = 0;          // end the process by this signal once everything is restored
    std::string final_line;  // written to stderr after the terminal is given back
};

class Watch {
  public:
    Watch(const Options& options, bool on_terminal, bool colour)
        : options_(options),
          colour_(colour),
          interval_(std::chrono::milliseconds(std::llround(options.interval * 1000.0))) {
        if (on_terminal)
            terminal_.emplace(::isatty(STDIN_FILENO) == 1 ? STDIN_FILENO : -1, STDOUT_FILENO);
        keys_ = terminal_ && ::isatty(STDIN_FILENO) == 1;
    }

    WatchEnd run(Snapshot first, SystemClock::time_point first_time,
                 SteadyClock::time_point first_steady) {
        tracker_.update(std::move(first), first_steady);
        info_.pid = options_.pid;
        info_.interval = interval_;
        info_.time = first_time;
        info_.sample = 1;
        if (terminal_) terminal_->enter();
        if (!show_sample()) return {};
        std::size_t taken = 1;
        SteadyClock::time_point deadline = first_steady + interval_;
        for (;;) {
            // After the last of --count samples, a log stops at once; a screen stays up for one
            // more interval, so that it can be seen.
            const bool last =
                options_.count > 0 && taken >= static_cast<std::size_t>(options_.count);
            if (last && !terminal_) return {};
            if (std::optional<WatchEnd> end = wait_until(deadline)) return *end;
            if (last) return {};
            ++taken;
            if (std::optional<WatchEnd> end = sample(taken)) return *end;
            const SteadyClock::time_point now = SteadyClock::now();
            while (deadline <= now) deadline += interval_;
        }
    }

    // Gives the terminal back (the destructor would too; this orders it before the final line).
    void finish() {
        if (terminal_) terminal_->leave();
    }

  private:
    // One more sample: shown on success, a notice on a transient failure, the end otherwise.
    std::optional<WatchEnd> sample(std::size_t number) {
        const SystemClock::time_point when = SystemClock::now();
        const SteadyClock::time_point steady = SteadyClock::now();
        Result<Snapshot> snapshot = read_live_snapshot(options_.pid, options_.retries);
        if (snapshot) {
            tracker_.update(std::move(*snapshot), steady);
            info_.time = when;
            info_.sample = number;
            info_.notice.clear();
            if (!show_sample()) return WatchEnd{};
            return std::nullopt;
        }
        const Error& error = snapshot.error();
        if (error.code == Errc::NoSuchProcess) {
            return WatchEnd{
                kExitNoSuchProcess, 0,
                fmt::format("aps: process {} exited (last sample: {}, {} task{})\n", options_.pid,
                            info_.sample, task_count(), task_count() == 1 ? "" : "s")};
        }
        if (!is_transient(error.code)) {
            return WatchEnd{exit_code_for(error.code), 0, describe_error(error)};
        }
        // The target changed under every attempt: try again next interval.
        WatchInfo skipped = info_;
        skipped.time = when;
        skipped.sample = number;
        skipped.notice = error.message;
        if (terminal_) {
            info_.notice =
                fmt::format("sample {} skipped (retried next interval): {}", number, error.message);
            draw();
            return terminal_->ok() ? std::nullopt : std::optional<WatchEnd>(WatchEnd{});
        }
        if (!write_fully(STDOUT_FILENO, render_watch_log_skip(skipped))) return WatchEnd{};
        return std::nullopt;
    }

    bool show_sample() {
        if (terminal_) {
            draw();
            return terminal_->ok();
        }
        return write_fully(STDOUT_FILENO,
                           render_watch_log(tracker_.snapshot(), tracker_.times(), info_));
    }

    void draw() {
        terminal_->draw(render_watch_screen(tracker_.snapshot(), tracker_.times(), info_,
                                            terminal_->size(), colour_));
    }

    // Waits for the deadline while handling keys and signals; an end if one of them says so.
    std::optional<WatchEnd> wait_until(SteadyClock::time_point deadline) {
        for (;;) {
            pollfd fd{STDIN_FILENO, POLLIN, 0};
            const int ready = signals_.wait(&fd, keys_ ? 1 : 0, deadline - SteadyClock::now());
            if (std::optional<WatchEnd> end = handle_signals()) return end;
            if (ready > 0 && keys_) {
                if (std::optional<WatchEnd> end = handle_keys(fd.revents)) return end;
            }
            if (terminal_ && !terminal_->ok()) return WatchEnd{};
            if (SteadyClock::now() >= deadline) return std::nullopt;
        }
    }

    std::optional<WatchEnd> handle_signals() {
        const unsigned caught = signals_.take_caught();
        for (int signo : {SIGINT, SIGTERM, SIGHUP}) {
            if (caught & bit(signo)) return WatchEnd{128 + signo, signo, {}};
        }
        if (caught & bit(SIGTSTP)) {
            if (terminal_) terminal_->leave();
            signals_.stop_process();
            if (terminal_) {
                terminal_->enter();
                draw();
            }
        } else if (terminal_ && (caught & (bit(SIGWINCH) | bit(SIGCONT)))) {
            terminal_->enter();  // after a SIGSTOP the shell may have reset the modes
            draw();
        }
        return std::nullopt;
    }

    std::optional<WatchEnd> handle_keys(short revents) {
        char buf[64];
        const ssize_t n =
            (revents & (POLLIN | POLLHUP)) ? ::read(STDIN_FILENO, buf, sizeof buf) : 0;
        if (n <= 0) {
            if (n == 0 || (errno != EINTR && errno != EAGAIN)) keys_ = false;  // no more keys
            return std::nullopt;
        }
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] == 'q' || buf[i] == 'Q') return WatchEnd{};
            if (buf[i] == '\x0c') draw();  // ^L
        }
        return std::nullopt;
    }

    std::size_t task_count() const { return tracker_.times().size(); }

    const Options& options_;
    bool colour_;
    std::chrono::milliseconds interval_;
    // Declared before the terminal: destroyed after it, so a signal still pending when the
    // handlers go takes effect on a terminal already given back.
    SignalGuard signals_{SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT};
    std::optional<Terminal> terminal_;
    bool keys_ = false;
    ParkTracker tracker_;
    WatchInfo info_;
};

}  // namespace

int run_watch(const Options& options) {
    const bool on_terminal = is_capable_terminal(STDOUT_FILENO, std::getenv("TERM"));
    const bool colour = on_terminal && colour_allowed(std::getenv("NO_COLOR"));

    // The first sample decides, as for ps, whether there is anything to watch.
    const SystemClock::time_point first_time = SystemClock::now();
    const SteadyClock::time_point first_steady = SteadyClock::now();
    Result<Snapshot> first = read_live_snapshot(options.pid, options.retries);
    if (!first) {
        const std::string text = describe_error(first.error());
        write_fully(STDERR_FILENO, text);
        return exit_code_for(first.error().code);
    }

    WatchEnd end;
    {
        Watch watch(options, on_terminal, colour);
        end = watch.run(std::move(*first), first_time, first_steady);
        watch.finish();
    }
    if (!end.final_line.empty()) write_fully(STDERR_FILENO, end.final_line);
    if (end.signal != 0) {
        // Handlers and mask are restored: die of the signal, so a shell sees why aps stopped.
        ::raise(end.signal);
    }
    return end.exit_code;
}

}  // namespace aps
