// `--format ndjson`: one JSON object per line (docs/json-schema.md) -- a header, one line per
// task as it is rendered, the cycles (pstree) and an end line with the counts, so a reader can
// tell a complete stream from a cut one.
#include "aps/render.hpp"
#include "render/chunked_output.hpp"
#include "render/cycles.hpp"
#include "render/json_parts.hpp"
#include "render/json_text.hpp"
#include "render/task_index.hpp"

namespace aps {

TreeOutput render_ndjson(const Snapshot& snapshot, const TargetInfo& target, View view,
                         const OutputSink& sink) {
    const render::TaskIndex index(snapshot);
    TreeOutput result;
    std::vector<render::Cycle> cycles;
    if (view == View::PsTree) cycles = render::report_await_cycles(index, result);

    render::JsonParts parts(snapshot, index);
    render::ChunkedOutput out(sink);
    std::string& text = out.text();
    text.append("{\"type\":\"header\",");
    parts.header(text, target, view);
    text.append("}\n");
    uint64_t tasks = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                text.append("{\"type\":\"task\",");
                parts.task(text, interp, thread, task);
                text.append("}\n");
                ++tasks;
                out.item_done();
            }
        }
    }
    for (const render::Cycle& cycle : cycles) {
        text.append("{\"type\":\"cycle\",");
        render::JsonParts::cycle(text, cycle);
        text.append("}\n");
        out.item_done();
    }
    text.append("{\"type\":\"end\",\"tasks\":");
    render::append_json_uint(text, tasks);
    if (view == View::PsTree) {
        text.append(",\"cycles\":");
        render::append_json_uint(text, cycles.size());
    }
    text.append("}\n");
    out.flush();
    return result;
}

}  // namespace aps
