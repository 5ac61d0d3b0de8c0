// Entry point: parse the command line, take a snapshot, render it, map errors to exit codes.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "aps/loop_state.hpp"
#include "aps/target.hpp"
#include "cli/dump_probe.hpp"
#include "cli/exit_status.hpp"
#include "cli/malloc_tuning.hpp"
#include "cli/options.hpp"
#include "cli/output_writer.hpp"
#include "cli/problem_report.hpp"
#include "cli/python_colours.hpp"
#include "cli/read_report.hpp"
#include "cli/thread_target.hpp"
#include "cli/view.hpp"
#include "cli/watch_loop.hpp"

int main(int argc, char** argv) {
    aps::hold_closed_standard_fds();
    aps::keep_freed_memory_for_reuse();
    aps::Options options;
    if (int stop = aps::parse_options(argc, argv, options); stop >= 0) {
        // --help and --version print to stdout, which may be full or closed too.
        aps::OutputWriter help(stdout);
        if (stop == 0 && !help.finish()) {
            const std::string line = aps::describe_write_error(help.error());
            std::fwrite(line.data(), 1, line.size(), stderr);
            return aps::kExitWriteError;
        }
        return stop;
    }
    // The whole process is read (and named in the JSON's target.pid), not the thread given.
    if (const std::string notice = aps::follow_thread_to_process(options); !notice.empty()) {
        std::fwrite(notice.data(), 1, notice.size(), stderr);
        std::fflush(stderr);
    }
    if (options.command == aps::Command::Watch) return aps::run_watch(options);
    // dump's text is coloured when the reference's would be.
    options.dump.colour = options.command == aps::Command::Dump &&
                          options.format == aps::Format::Text && aps::python_colours(STDOUT_FILENO);

    // One target, a live process or a core, asked for one snapshot.
    aps::Result<aps::Target> target =
        options.core.empty()
            ? aps::Target::open(options.pid, aps::read_options_for(options))
            : aps::Target::open(aps::CoreOptions{options.core, options.sysroot, options.exe},
                                aps::read_options_for(options));
    aps::Result<aps::Snapshot> snapshot =
        target ? target->snapshot() : aps::Result<aps::Snapshot>(std::move(target).error());
    if (!snapshot) {
        const std::string message = aps::describe_error(snapshot.error());
        std::fwrite(message.data(), 1, message.size(), stderr);
        std::fflush(stderr);
        return aps::exit_code_for(snapshot.error().code);
    }
    // The views name a core's process by the pid the core records.
    if (!options.core.empty()) options.pid = target->pid();
    if (options.verbose && options.core.empty()) {
        const std::string line = aps::describe_read(options.pid, target->report()) + "\n";
        std::fwrite(line.data(), 1, line.size(), stderr);
        std::fflush(stderr);
    }
    // dump --format json names a blocked loop: one held the same way in a second look. Not with
    // --native-frames (a second look would hold the target a second time), nor from a core (it
    // does not change): one look, each loop's state, none named blocked.
    std::vector<aps::ThreadLoop> loops;
    const bool dump_json =
        options.command == aps::Command::Dump && options.format == aps::Format::Json;
    if (dump_json && !options.dump.native_frames && options.core.empty()) {
        auto second = aps::second_look(*target, *snapshot);
        if (!second) {
            const std::string message = aps::describe_error(second.error());
            std::fwrite(message.data(), 1, message.size(), stderr);
            std::fflush(stderr);
            return aps::exit_code_for(second.error().code);
        }
        loops = std::move(second->loops);
        snapshot = std::move(second->snapshot);
    } else if (dump_json) {
        loops = aps::thread_loops(*snapshot, nullptr, 0);
    }
    // What could not be read is said after the output, where it is not scrolled away.
    const std::string problems = aps::describe_problems(*snapshot);
    const int status =
        aps::status_with_problems(*snapshot, aps::print_view(options, *snapshot, loops));
    if (!problems.empty()) {
        std::fwrite(problems.data(), 1, problems.size(), stderr);
        std::fflush(stderr);
    }
#if defined(__SANITIZE_ADDRESS__)
    return status;  // the leak checker must see everything freed
#else
    // The snapshot of a big target is millions of small allocations; freeing them one by one
    // took a tenth of a million-task ps, for a process that ends here. exit() flushes stdio.
    std::exit(status);
#endif
}
