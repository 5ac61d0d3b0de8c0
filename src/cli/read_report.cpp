// ReadOptions from the command line, and the --verbose line (see read_report.hpp).
#include "cli/read_report.hpp"

#include <fmt/format.h>

#include <chrono>

#include "cli/test_hooks.hpp"

namespace aps {
namespace {

std::string plural(int n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

double milliseconds(std::chrono::nanoseconds d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

ReadOptions read_options_for(const Options& options) {
    ReadOptions read;
    read.retries = options.retries;
    read.stop = options.stop;
    read.jobs = options.jobs;
    read.while_stopped = hold_while_stopped_hook();
    if (options.command == Command::Watch) {
        // Each thread's stack too, for the blocked-loop verdict.
        read.request.stacks = true;
    }
    if (options.command == Command::Dump) {
        // The threads' own stacks; the task lists for task stacks (--async-aware) and to name
        // the running tasks (json).
        read.request.stacks = true;
        read.request.tasks = options.dump.async_aware || options.format == Format::Json;
        // --native-frames: the <native> frames delimit the runs of Python frames placed at
        // each evaluation loop; the target is held while its threads are unwound.
        read.request.native = options.dump.native || options.dump.native_frames;
        read.native_frames = options.dump.native_frames;
        read.stop = read.stop || options.dump.native_frames;
        read.request.gc = options.dump.gc;
        // Opcodes, and the columns that colour highlights in the source lines.
        read.request.detail = options.dump.opcodes || options.dump.colour;
    }
    return read;
}

std::string describe_read(pid_t pid, const ReadReport& report) {
    std::string text = fmt::format("aps: read process {} in {}", pid,
                                   plural(report.attempts, "attempt", "attempts"));
    if (report.stops == 0) return text + ", without stopping it";
    text += fmt::format("; stopped it {} ({}) for {:.3f} ms",
                        report.stops == 1 ? "once" : plural(report.stops, "time", "times"),
                        plural(static_cast<int>(report.threads), "thread", "threads"),
                        milliseconds(report.longest_pause));
    if (report.stops > 1) {
        text += fmt::format(" at most, {:.3f} ms in all", milliseconds(report.total_pause));
    }
    return text;
}

}  // namespace aps
