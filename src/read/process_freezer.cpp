// --stop: seize, interrupt and wait for every thread of the target (ptrace), then detach them all,
// on every path; and the one-line reasons when the kernel will not let aps do it.
#include "read/process_freezer.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

namespace aps::read {
namespace {

using Clock = std::chrono::steady_clock;

// Reads a small /proc file whole ("" when it cannot be read: the thread or process is gone).
std::string read_small_file(const std::string& path) {
    std::string text;
    FILE* f = std::fopen(path.c_str(), "re");
    if (f == nullptr) return text;
    std::array<char, 4096> buf{};
    size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0 && text.size() < 65536) {
        text.append(buf.data(), n);
    }
    std::fclose(f);
    return text;
}

// The thread ids of a process; at most `limit` + 1 of them (more is an error for the caller).
Result<std::vector<pid_t>> list_threads(pid_t pid, size_t limit) {
    std::string path = fmt::format("/proc/{}/task", pid);
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) {
        int err = errno;
        if (err == EACCES || err == EPERM) {
            return Error{Errc::PermissionDenied,
                         fmt::format("permission denied listing the threads of process {}", pid)};
        }
        return Error{Errc::NoSuchProcess, fmt::format("no process with pid {}", pid)};
    }
    std::vector<pid_t> tids;
    while (const dirent* entry = ::readdir(dir)) {
        std::string_view name = entry->d_name;
        pid_t tid = 0;
        auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), tid);
        if (ec != std::errc() || end != name.data() + name.size() || tid <= 0) continue;
        tids.push_back(tid);
        if (tids.size() > limit) break;
    }
    ::closedir(dir);
    return tids;
}

// The state letter of one thread (R, S, D, T, t, Z, X ...), or 0 when it is gone.
char thread_state(pid_t pid, pid_t tid) {
    std::string stat = read_small_file(fmt::format("/proc/{}/task/{}/stat", pid, tid));
    size_t paren = stat.rfind(')');  // the command name may hold anything, even ')'
    if (paren == std::string::npos || paren + 2 >= stat.size()) return 0;
    return stat[paren + 2];
}

std::string_view state_meaning(char state) {
    switch (state) {
        case 'D':
            return "uninterruptible sleep: waiting for a disk, a network file system or the "
                   "kernel";
        case 'T':
            return "stopped by a signal";
        case 't':
            return "stopped by a tracer";
        default:
            return "";
    }
}

// The tracer of one thread (TracerPid in its status), 0 for none, -1 when unknown.
pid_t tracer_of(pid_t pid, pid_t tid) {
    std::string status = read_small_file(fmt::format("/proc/{}/task/{}/status", pid, tid));
    size_t at = status.find("\nTracerPid:");
    if (at == std::string::npos) return -1;
    at += std::strlen("\nTracerPid:");
    while (at < status.size() && (status[at] == ' ' || status[at] == '\t')) ++at;
    pid_t tracer = -1;
    std::from_chars(status.data() + at, status.data() + status.size(), tracer);
    return tracer;
}

std::string command_name(pid_t pid) {
    std::string comm = read_small_file(fmt::format("/proc/{}/comm", pid));
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    return comm;
}

// kernel.yama.ptrace_scope, or -1 where Yama is not in the kernel.
int yama_scope() {
    std::string text = read_small_file("/proc/sys/kernel/yama/ptrace_scope");
    int scope = -1;
    std::from_chars(text.data(), text.data() + text.size(), scope);
    return scope;
}

bool is_exiting(char state) {
    return state == 0 || state == 'Z' || state == 'X';
}

}  // namespace

ProcessFreezer::ProcessFreezer(ProcessFreezer&& other) noexcept
    : pid_(other.pid_),
      threads_(std::move(other.threads_)),
      first_interrupt_(other.first_interrupt_),
      interrupted_(other.interrupted_),
      thawed_(other.thawed_),
      pause_(other.pause_) {
    other.threads_.clear();
    other.thawed_ = true;
}

ProcessFreezer& ProcessFreezer::operator=(ProcessFreezer&& other) noexcept {
    if (this != &other) {
        thaw();
        pid_ = other.pid_;
        threads_ = std::move(other.threads_);
        first_interrupt_ = other.first_interrupt_;
        interrupted_ = other.interrupted_;
        thawed_ = other.thawed_;
        pause_ = other.pause_;
        other.threads_.clear();
        other.thawed_ = true;
    }
    return *this;
}

ProcessFreezer::~ProcessFreezer() {
    thaw();
}

Error ProcessFreezer::refused(pid_t tid) const {
    std::string thread = tid == pid_ ? fmt::format("process {}", pid_)
                                     : fmt::format("thread {} of process {}", tid, pid_);
    pid_t tracer = tracer_of(pid_, tid);
    if (tracer > 0) {
        std::string name = command_name(tracer);
        return {
            Errc::StopRefused,
            fmt::format("{} is already traced by process {}{}{}{}, and a thread can have only "
                        "one tracer: detach that debugger or tracer, or run aps without --stop",
                        thread, tracer, name.empty() ? "" : " (", name, name.empty() ? "" : ")")};
    }
    // Reading the target needs the same rights as ptrace, so what refuses only ptrace is most
    // often a seccomp filter (container runtimes) or a security module.
    int scope = yama_scope();
    std::string yama = scope >= 0 ? fmt::format(", kernel.yama.ptrace_scope is {}", scope) : "";
    return {Errc::StopRefused,
            fmt::format("permission denied stopping {} with ptrace for --stop (PTRACE_SEIZE{}): "
                        "a seccomp filter or a security module may forbid ptrace(2), or aps "
                        "lacks the rights; grant it CAP_SYS_PTRACE (Docker: --cap-add=SYS_PTRACE; "
                        "Kubernetes: 'kubectl debug --profile=general'), or run aps without "
                        "--stop, which needs only process_vm_readv",
                        thread, yama)};
}

Result<bool> ProcessFreezer::seize(pid_t tid) {
    // No options: PTRACE_O_EXITKILL would take the target down with aps, and new threads are
    // found by listing again rather than by PTRACE_O_TRACECLONE.
    if (::ptrace(PTRACE_SEIZE, tid, nullptr, nullptr) != 0) {
        int err = errno;
        if (err == ESRCH) return false;  // exited between the listing and now
        // A thread that is exiting (or a zombie thread group leader) cannot be seized: EPERM.
        if (err == EPERM && is_exiting(thread_state(pid_, tid))) return false;
        if (err == EPERM) return refused(tid);
        return Error{Errc::StopFailed, fmt::format("ptrace(PTRACE_SEIZE) on thread {} of process "
                                                   "{} failed: {}",
                                                   tid, pid_, std::strerror(err))};
    }
    threads_.push_back(Thread{tid, false, false, 0});
    if (!interrupted_) {
        first_interrupt_ = Clock::now();
        interrupted_ = true;
    }
    // A failure here means the thread is already dying; waiting for it collects its exit.
    (void)::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
    return true;
}

Result<void> ProcessFreezer::wait_until_stopped(const FreezeLimits& limits) {
    const Clock::time_point deadline = Clock::now() + limits.stop_timeout;
    auto pause = std::chrono::microseconds(20);
    while (true) {
        bool pending = false;
        for (Thread& t : threads_) {
            if (t.stopped || t.gone) continue;
            int status = 0;
            pid_t got = ::waitpid(t.tid, &status, __WALL | WNOHANG);
            if (got == 0) {
                pending = true;
            } else if (got < 0) {
                if (errno == EINTR) {
                    pending = true;
                } else {
                    t.gone = true;  // ECHILD: not our tracee any more
                }
            } else if (WIFSTOPPED(status)) {
                t.stopped = true;
                // Event 0 is a signal-delivery-stop: the thread was about to receive that signal,
                // which must not be lost. PTRACE_EVENT_STOP is the interrupt or a group-stop.
                if ((status >> 16) == 0) t.signal = WSTOPSIG(status);
            } else if (WIFEXITED(status) || WIFSIGNALED(status)) {
                t.gone = true;
            }
        }
        if (!pending) return {};
        if (Clock::now() >= deadline) {
            auto late = std::find_if(threads_.begin(), threads_.end(),
                                     [](const Thread& t) { return !t.stopped && !t.gone; });
            char state = thread_state(pid_, late->tid);
            std::string_view meaning = state_meaning(state);
            return Error{
                Errc::StopFailed,
                fmt::format("thread {} of process {} did not stop within {} ms (state "
                            "{}{}{}); try again, or run aps without --stop",
                            late->tid, pid_, limits.stop_timeout.count(), state == 0 ? '?' : state,
                            meaning.empty() ? "" : ": ", meaning)};
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(1000));
    }
}

Result<ProcessFreezer> ProcessFreezer::freeze(pid_t pid, const FreezeLimits& limits) {
    ProcessFreezer frozen(pid);
    std::unordered_set<pid_t> seen;
    for (int round = 0; round < limits.max_rounds; ++round) {
        auto tids = list_threads(pid, limits.max_threads);
        if (!tids) return std::move(tids).error();
        bool found_new = false;
        for (pid_t tid : *tids) {
            if (!seen.insert(tid).second) continue;
            found_new = true;
            if (seen.size() > limits.max_threads) {
                return Error{Errc::StopFailed,
                             fmt::format("process {} has more than {} threads; aps does not stop "
                                         "that many (run it without --stop)",
                                         pid, limits.max_threads)};
            }
            auto seized = frozen.seize(tid);
            if (!seized) return std::move(seized).error();
        }
        if (auto ok = frozen.wait_until_stopped(limits); !ok) return ok.error();
        if (!found_new) {
            bool any = std::any_of(frozen.threads_.begin(), frozen.threads_.end(),
                                   [](const Thread& t) { return !t.gone; });
            if (!any) return Error{Errc::NoSuchProcess, fmt::format("process {} exited", pid)};
            // Threads that exited meanwhile are reaped already; keep only those to detach.
            std::erase_if(frozen.threads_, [](const Thread& t) { return t.gone; });
            return frozen;
        }
    }
    return Error{Errc::StopFailed,
                 fmt::format("process {} kept starting new threads while aps stopped it ({} "
                             "listings of /proc/{}/task); try again, or run aps without --stop",
                             pid, limits.max_rounds, pid)};
}

std::chrono::nanoseconds ProcessFreezer::thaw() {
    if (thawed_) return pause_;
    thawed_ = true;
    // A thread that never reached its stop (the error paths) cannot be detached until it does;
    // give it a moment. One still running stays seized until aps exits, when the kernel lets
    // it go, as it does for every tracee of a tracer that dies.
    bool unstopped = std::any_of(threads_.begin(), threads_.end(),
                                 [](const Thread& t) { return !t.stopped && !t.gone; });
    if (unstopped) (void)wait_until_stopped(FreezeLimits{std::chrono::milliseconds(100)});
    for (const Thread& t : threads_) {
        if (!t.stopped || t.gone) continue;
        if (::ptrace(PTRACE_DETACH, t.tid, nullptr,
                     reinterpret_cast<void*>(static_cast<intptr_t>(t.signal))) != 0) {
            // Killed while stopped: collect the notification so the real parent can reap it.
            int status = 0;
            (void)::waitpid(t.tid, &status, __WALL | WNOHANG);
        }
    }
    if (interrupted_)
        pause_ =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - first_interrupt_);
    threads_.clear();
    return pause_;
}

std::vector<pid_t> ProcessFreezer::stopped_threads() const {
    std::vector<pid_t> tids;
    for (const Thread& t : threads_) {
        if (t.stopped && !t.gone) tids.push_back(t.tid);
    }
    return tids;
}

}  // namespace aps::read
