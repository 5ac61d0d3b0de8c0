// Entry point: parse the command line, take a snapshot, render it, map errors to exit codes.
#include <cstdio>
#include <string>

#include "aps/render.hpp"
#include "cli/exit_status.hpp"
#include "cli/options.hpp"
#include "cli/snapshot_reader.hpp"
#include "cli/watch_loop.hpp"

namespace {

void write_all(std::FILE* stream, const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stream);
    std::fflush(stream);
}

}  // namespace

int main(int argc, char** argv) {
    aps::Options options;
    if (int stop = aps::parse_options(argc, argv, options); stop >= 0) return stop;
    if (options.command == aps::Command::Watch) return aps::run_watch(options);

    aps::Result<aps::Snapshot> snapshot = aps::read_live_snapshot(options.pid, options.retries);
    if (!snapshot) {
        write_all(stderr, aps::describe_error(snapshot.error()));
        return aps::exit_code_for(snapshot.error().code);
    }
    // Output goes out in pieces as it is rendered: a million-task table never sits in memory.
    const aps::OutputSink to_stdout = [](std::string_view piece) {
        std::fwrite(piece.data(), 1, piece.size(), stdout);
    };
    if (options.command == aps::Command::Ps) {
        aps::render_ps(*snapshot, to_stdout);
        std::fflush(stdout);
        return aps::kExitOk;
    }
    aps::TreeOutput tree = aps::render_pstree(*snapshot, to_stdout);
    std::fflush(stdout);
    write_all(stderr, tree.err);
    return tree.exit_code;
}
