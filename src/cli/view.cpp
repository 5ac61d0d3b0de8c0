// Dispatch from (command, --format) to a renderer, writing to stdout as the output is made, and
// exit 10 with one line when it cannot be written.
#include "cli/view.hpp"

#include <unistd.h>

#include <array>
#include <climits>
#include <cstdio>
#include <string>

#include "aps/render.hpp"
#include "aps/source_lines.hpp"
#include "cli/exit_status.hpp"
#include "cli/output_writer.hpp"

namespace aps {

namespace {

// The directory the reference shows paths relative to: aps's own, as the kernel names it.
std::string current_directory() {
    std::array<char, PATH_MAX + 1> buf{};
    if (::getcwd(buf.data(), buf.size()) == nullptr) return "/";
    return buf.data();
}

// Where writing stopped short: exit 10 with one line, else 0.
int finish(OutputWriter& writer, std::FILE* err) {
    if (writer.finish()) return kExitOk;
    const std::string line = describe_write_error(writer.error());
    std::fwrite(line.data(), 1, line.size(), err);
    std::fflush(err);
    return kExitWriteError;
}

int print_dump(const Options& options, const Snapshot& snapshot, std::FILE* out, std::FILE* err,
               const std::vector<ThreadLoop>& loops) {
    OutputWriter writer(out);
    const OutputSink to_stdout = [&writer](std::string_view piece) { writer.write(piece); };
    // A live process's files as it sees them; a core's under --sysroot or where they were.
    SourceLines sources =
        options.core.empty() ? SourceLines(options.pid) : SourceLines::of_core(options.sysroot);
    DumpView view;
    view.pid = options.pid;
    view.stacks =
        options.dump.async_aware
            ? (options.dump.running_only ? DumpStacks::RunningTasks : DumpStacks::AllTasks)
            : (options.dump.all_threads ? DumpStacks::AllThreads : DumpStacks::MainThreads);
    view.opcodes = options.dump.opcodes;
    view.colour = options.dump.colour;
    view.cwd = current_directory();
    view.source_line = [&sources](const std::string& file, int line) {
        return sources.line(file, line);
    };
    view.native_frames = options.dump.native_frames;
    if (options.format == Format::Json) {
        render_dump_json(snapshot, view, loops, to_stdout);
    } else if (options.dump.native_frames) {
        render_native_dump(snapshot, view, to_stdout);
    } else {
        render_dump(snapshot, view, to_stdout);
    }
    return finish(writer, err);
}

}  // namespace

int print_view(const Options& options, const Snapshot& snapshot,
               const std::vector<ThreadLoop>& loops) {
    return print_view(options, snapshot, stdout, stderr, loops);
}

int print_view(const Options& options, const Snapshot& snapshot, std::FILE* out, std::FILE* err,
               const std::vector<ThreadLoop>& loops) {
    // Output goes out in pieces as it is rendered: a million-task view never sits in memory.
    OutputWriter writer(out);
    const OutputSink to_stdout = [&writer](std::string_view piece) { writer.write(piece); };
    if (options.command == Command::Dump) return print_dump(options, snapshot, out, err, loops);
    const View view = options.command == Command::Ps ? View::Ps : View::PsTree;
    const TargetInfo target{options.pid};
    TreeOutput result;
    switch (options.format) {
        case Format::Text:
            if (view == View::Ps) {
                render_ps(snapshot, to_stdout, options.jobs);
            } else {
                result = render_pstree(snapshot, to_stdout);
            }
            break;
        case Format::Json:
            result = render_json(snapshot, target, view, to_stdout);
            break;
        case Format::Ndjson:
            result = render_ndjson(snapshot, target, view, to_stdout);
            break;
        case Format::Dot:
            result = render_dot(snapshot, to_stdout);
            break;
    }
    if (!writer.finish()) {
        // Part of the view is lost: that outranks a cycle report, which would only describe it.
        const std::string line = describe_write_error(writer.error());
        std::fwrite(line.data(), 1, line.size(), err);
        std::fflush(err);
        return kExitWriteError;
    }
    if (!result.err.empty()) {
        std::fwrite(result.err.data(), 1, result.err.size(), err);
        std::fflush(err);
    }
    return result.exit_code == 0 ? kExitOk : result.exit_code;
}

}  // namespace aps
