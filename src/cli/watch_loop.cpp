// The watch loop: one sample per interval through the park tracker into a view, with keys,
// signals and resizes handled between samples. Errors before the first sample are ps's errors.
#include "cli/watch_loop.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>

#include "aps/loop_state.hpp"
#include "aps/park_tracker.hpp"
#include "aps/target.hpp"
#include "aps/watch_view.hpp"
#include "cli/exit_status.hpp"
#include "cli/output_writer.hpp"
#include "cli/read_report.hpp"
#include "cli/signal_guard.hpp"
#include "cli/terminal.hpp"

namespace aps {
namespace {

using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

constexpr unsigned bit(int signo) {
    return 1u << signo;
}

struct Stop {
    WatchEnd end;
    std::string final_line;  // written to err_fd after the terminal is given back
};

// The parser allows 0.1 to 86400 s; anything else (NaN, zero, negative, huge) would make the loop
// spin without ever waiting, deaf to signals, so it is brought back into that range here too.
std::chrono::milliseconds interval_of(double seconds) {
    if (!std::isfinite(seconds)) seconds = 1.0;
    seconds = std::clamp(seconds, 0.1, 86400.0);
    return std::chrono::milliseconds(std::llround(seconds * 1000.0));
}

// On a screen, the signals that end or suspend aps are caught and handled between samples, so
// that the terminal is given back by ordinary code. A log has no terminal to give back: there
// Ctrl-C, SIGTERM, SIGHUP and Ctrl-Z keep their usual effect, at once, even in the middle of a
// sample.
SignalGuard guard_for(bool full_screen) {
    if (!full_screen) return SignalGuard(std::initializer_list<int>{});
    return SignalGuard{SIGINT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT};
}

class Watch {
  public:
    Watch(const Options& options, const Sampler& sampler, const WatchIo& io)
        : options_(options),
          sampler_(sampler),
          io_(io),
          interval_(interval_of(options.interval)),
          keys_(io.full_screen && io.keys_fd >= 0),
          signals_(guard_for(io.full_screen)) {
        if (io.full_screen) terminal_.emplace(io.keys_fd, io.out_fd);
    }

    Stop run(Snapshot first, SystemClock::time_point first_time,
             SteadyClock::time_point first_steady) {
        last_steady_ = first_steady;
        tracker_.update(std::move(first), first_steady);
        info_.pid = options_.pid;
        info_.interval = interval_;
        info_.time = first_time;
        info_.sample = 1;
        if (terminal_) terminal_->enter();
        if (!show_sample()) return write_failed();
        std::size_t taken = 1;
        SteadyClock::time_point deadline = first_steady + interval_;
        for (;;) {
            // After the last of --count samples, a log stops at once; a screen stays up for one
            // more interval, so that it can be seen.
            const bool last =
                options_.count > 0 && taken >= static_cast<std::size_t>(options_.count);
            if (last && !terminal_) return {};
            if (std::optional<Stop> stop = wait_until(deadline)) return *stop;
            if (last) return {};
            ++taken;
            if (std::optional<Stop> stop = sample(taken)) return *stop;
            // The next tick after now: samples that took longer than an interval are not made up.
            const SteadyClock::time_point now = SteadyClock::now();
            if (deadline <= now) deadline += ((now - deadline) / interval_ + 1) * interval_;
        }
    }

    // Gives the terminal back (the destructor would too; this orders it before the final line).
    void finish() {
        if (terminal_) terminal_->leave();
    }

  private:
    // One more sample: shown on success, a notice on a transient failure, the end otherwise.
    std::optional<Stop> sample(std::size_t number) {
        const SystemClock::time_point when = SystemClock::now();
        const SteadyClock::time_point steady = SteadyClock::now();
        Result<Snapshot> snapshot = sampler_();
        if (snapshot) {
            follow_loops(*snapshot, steady);
            tracker_.update(std::move(*snapshot), steady);
            info_.time = when;
            info_.sample = number;
            info_.notice.clear();
            if (!show_sample()) return write_failed();
            return std::nullopt;
        }
        const Error& error = snapshot.error();
        if (error.code == Errc::NoSuchProcess) {
            const std::size_t tasks = tracker_.times().size();
            return Stop{{kExitNoSuchProcess, 0},
                        fmt::format("aps: process {} exited (last sample: {}, {} task{})\n",
                                    options_.pid, info_.sample, tasks, tasks == 1 ? "" : "s")};
        }
        if (!is_transient(error.code)) {
            return Stop{{exit_code_for(error.code), 0}, describe_error(error)};
        }
        // The target changed under every attempt: try again next interval.
        if (terminal_) {
            info_.notice =
                fmt::format("sample {} skipped (retried next interval): {}", number, error.message);
            draw();
            return terminal_->ok() ? std::nullopt : std::optional<Stop>(write_failed());
        }
        WatchInfo skipped = info_;
        skipped.time = when;
        skipped.sample = number;
        skipped.notice = error.message;
        if (!write_log(render_watch_log_skip(skipped))) return write_failed();
        return std::nullopt;
    }

    // The blocked-loop verdict: a loop held the same way as in the previous sample (same_hold)
    // is blocked since that sample, or since the first of an unbroken run of such samples.
    void follow_loops(const Snapshot& now, SteadyClock::time_point steady) {
        const std::chrono::duration<double> between = steady - last_steady_;
        std::unordered_map<uint64_t, SteadyClock::time_point> since;
        info_.blocked.clear();
        for (ThreadLoop& loop : thread_loops(now, &tracker_.snapshot(), between.count())) {
            if (loop.blocked_seconds < 0) continue;
            auto it = blocked_since_.find(loop.tid);
            const SteadyClock::time_point start =
                it != blocked_since_.end() ? it->second : last_steady_;
            since.emplace(loop.tid, start);
            loop.blocked_seconds = std::chrono::duration<double>(steady - start).count();
            info_.blocked.push_back(loop);
        }
        blocked_since_ = std::move(since);
        last_steady_ = steady;
    }

    bool show_sample() {
        if (terminal_) {
            draw();
            return terminal_->ok();
        }
        return write_log(render_watch_log(tracker_.snapshot(), tracker_.times(), info_));
    }

    bool write_log(const std::string& bytes) {
        if (write_fully(io_.out_fd, bytes)) return true;
        log_error_ = errno;
        return false;
    }

    // The screen or the log could not be written (a full disk, a closed stdout, a reader gone
    // with SIGPIPE ignored, a terminal gone): exit 10, saying why.
    Stop write_failed() const {
        const int err = terminal_ ? terminal_->error() : log_error_;
        return Stop{{kExitWriteError, 0}, describe_write_error(err)};
    }

    void draw() {
        terminal_->draw(render_watch_screen(tracker_.snapshot(), tracker_.times(), info_,
                                            terminal_->size(), io_.colour));
    }

    // Waits for the deadline while handling keys and signals; a stop if one of them says so.
    std::optional<Stop> wait_until(SteadyClock::time_point deadline) {
        for (;;) {
            pollfd fd{io_.keys_fd, POLLIN, 0};
            const int ready = signals_.wait(&fd, keys_ ? 1 : 0, deadline - SteadyClock::now());
            if (std::optional<Stop> stop = handle_signals()) return stop;
            if (ready > 0 && keys_) {
                if (std::optional<Stop> stop = handle_keys(fd.revents)) return stop;
            }
            if (terminal_ && !terminal_->ok()) return write_failed();
            if (SteadyClock::now() >= deadline) return std::nullopt;
        }
    }

    std::optional<Stop> handle_signals() {
        const unsigned caught = signals_.take_caught();
        for (int signo : {SIGINT, SIGTERM, SIGHUP}) {
            if (caught & bit(signo)) return Stop{{128 + signo, signo}, {}};
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

    std::optional<Stop> handle_keys(short revents) {
        char buf[64];
        const ssize_t n = (revents & (POLLIN | POLLHUP)) ? ::read(io_.keys_fd, buf, sizeof buf) : 0;
        if (n <= 0) {
            if (n == 0 || (errno != EINTR && errno != EAGAIN)) keys_ = false;  // no more keys
            return std::nullopt;
        }
        for (ssize_t i = 0; i < n; ++i) {
            if (buf[i] == 'q' || buf[i] == 'Q') return Stop{};
            if (buf[i] == '\x0c') draw();  // ^L
        }
        return std::nullopt;
    }

    const Options& options_;
    const Sampler& sampler_;
    WatchIo io_;
    std::chrono::milliseconds interval_;
    bool keys_;
    // Declared before the terminal: destroyed after it, so a signal still pending when the
    // handlers go takes effect on a terminal already given back.
    SignalGuard signals_;
    std::optional<Terminal> terminal_;
    ParkTracker tracker_;
    WatchInfo info_;
    SteadyClock::time_point last_steady_{};
    // Per thread whose loop is blocked: when the unbroken run of same holds began.
    std::unordered_map<uint64_t, SteadyClock::time_point> blocked_since_;
    int log_error_ = 0;  // errno of the failed write to the log
};

}  // namespace

WatchEnd watch(const Options& options, const Sampler& sample, const WatchIo& io) {
    // The first sample decides, as for ps, whether there is anything to watch.
    const SystemClock::time_point first_time = SystemClock::now();
    const SteadyClock::time_point first_steady = SteadyClock::now();
    Result<Snapshot> first = sample();
    if (!first) {
        write_fully(io.err_fd, describe_error(first.error()));
        return WatchEnd{exit_code_for(first.error().code), 0};
    }
    Stop stop;
    {
        Watch loop(options, sample, io);
        stop = loop.run(std::move(*first), first_time, first_steady);
        loop.finish();
    }
    if (!stop.final_line.empty()) write_fully(io.err_fd, stop.final_line);
    return stop.end;
}

int run_watch(const Options& options) {
    WatchIo io;
    io.out_fd = STDOUT_FILENO;
    io.err_fd = STDERR_FILENO;
    io.full_screen = is_capable_terminal(STDOUT_FILENO, std::getenv("TERM"));
    io.keys_fd = io.full_screen && ::isatty(STDIN_FILENO) == 1 ? STDIN_FILENO : -1;
    io.colour = io.full_screen && colour_allowed(std::getenv("NO_COLOR"));
    // One target for every sample: each reads the process afresh (it may even exec meanwhile).
    ReadOptions read = read_options_for(options);
    read.stop = false;  // watch never stops the target
    Result<Target> target = Target::open(options.pid, std::move(read));
    const Sampler sample = [&target]() -> Result<Snapshot> {
        if (!target) return target.error();
        return target->snapshot();
    };
    const WatchEnd end = watch(options, sample, io);
    if (end.signal != 0) {
        // Handlers and mask are restored: die of the signal, so a shell sees why aps stopped.
        ::raise(end.signal);
    }
    return end.exit_code;
}

}  // namespace aps
