// `--format json`: the whole snapshot as one JSON document (docs/json-schema.md), written in
// pieces as it is rendered.
#include "aps/render.hpp"
#include "render/chunked_output.hpp"
#include "render/cycles.hpp"
#include "render/json_parts.hpp"
#include "render/task_index.hpp"

namespace aps {

TreeOutput render_json(const Snapshot& snapshot, const TargetInfo& target, View view,
                       const OutputSink& sink) {
    const render::TaskIndex index(snapshot);
    TreeOutput result;
    std::vector<render::Cycle> cycles;
    if (view == View::PsTree) cycles = render::report_await_cycles(index, result);

    render::JsonParts parts(snapshot, index);
    render::ChunkedOutput out(sink);
    std::string& text = out.text();
    text.push_back('{');
    parts.header(text, target, view);
    text.append(",\"tasks\":[");
    bool first = true;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                text.append(first ? "\n{" : ",\n{");
                first = false;
                parts.task(text, interp, thread, task);
                text.push_back('}');
                out.item_done();
            }
        }
    }
    text.append(first ? "]" : "\n]");
    if (view == View::PsTree) {
        text.append(",\"cycles\":[");
        for (std::size_t i = 0; i < cycles.size(); ++i) {
            text.append(i == 0 ? "{" : ",{");
            render::JsonParts::cycle(text, cycles[i]);
            text.push_back('}');
            out.item_done();
        }
        text.push_back(']');
    }
    text.append("}\n");
    out.flush();
    return result;
}

}  // namespace aps
