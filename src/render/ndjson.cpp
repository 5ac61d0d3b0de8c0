// `--format ndjson`: one JSON object per line (docs/json-schema.md) -- a header, one line per
// task as it is rendered, the cycles (pstree) and an end line with the counts, so a reader can
// tell a complete stream from a cut one.
#include "aps/render.hpp"
#include "render/json_parts.hpp"
#include "render/json_text.hpp"

namespace aps {

TreeOutput render_ndjson(const Snapshot& snapshot, const TargetInfo& target, View view,
                         const OutputSink& sink) {
    render::JsonWriter writer(snapshot, view, sink);
    std::string& text = writer.out.text();
    text.append("{\"type\":\"header\",");
    writer.parts.header(text, target, view);
    text.append("}\n");
    const uint64_t tasks = writer.tasks("{\"type\":\"task\",", "{\"type\":\"task\",", "}\n");
    for (const render::Cycle& cycle : writer.cycles) {
        text.append("{\"type\":\"cycle\",");
        render::JsonParts::cycle(text, cycle);
        text.append("}\n");
        writer.out.item_done();
    }
    for (const Problem& problem : snapshot.problems) {
        text.append("{\"type\":\"problem\",");
        render::JsonParts::problem(text, problem);
        text.append("}\n");
        writer.out.item_done();
    }
    text.append("{\"type\":\"end\",\"tasks\":");
    render::append_json_uint(text, tasks);
    if (view == View::PsTree) {
        text.append(",\"cycles\":");
        render::append_json_uint(text, writer.cycles.size());
    }
    text.append(",\"problems\":");
    render::append_json_uint(text, snapshot.problems.size() + snapshot.problems_left_out);
    text.append("}\n");
    writer.out.flush();
    return std::move(writer.result);
}

}  // namespace aps
