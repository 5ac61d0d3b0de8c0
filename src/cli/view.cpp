// Dispatch from (command, --format) to a renderer, writing to stdout as the output is made, and
// exit 10 with one line when it cannot be written.
#include "cli/view.hpp"

#include <cstdio>
#include <string>

#include "aps/render.hpp"
#include "cli/exit_status.hpp"
#include "cli/output_writer.hpp"

namespace aps {

int print_view(const Options& options, const Snapshot& snapshot) {
    return print_view(options, snapshot, stdout, stderr);
}

int print_view(const Options& options, const Snapshot& snapshot, std::FILE* out, std::FILE* err) {
    // Output goes out in pieces as it is rendered: a million-task view never sits in memory.
    OutputWriter writer(out);
    const OutputSink to_stdout = [&writer](std::string_view piece) { writer.write(piece); };
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
