// `--format json`: the whole snapshot as one JSON document (docs/json-schema.md), written in
// pieces as it is rendered.
#include "aps/render.hpp"
#include "render/json_parts.hpp"
#include "render/json_text.hpp"

namespace aps {

TreeOutput render_json(const Snapshot& snapshot, const TargetInfo& target, View view,
                       const OutputSink& sink) {
    render::JsonWriter writer(snapshot, view, sink);
    std::string& text = writer.out.text();
    text.push_back('{');
    writer.parts.header(text, target, view);
    text.append(",\"tasks\":[");
    const uint64_t tasks = writer.tasks("\n{", ",\n{", "}");
    text.append(tasks == 0 ? "]" : "\n]");
    if (view == View::PsTree) {
        text.append(",\"cycles\":[");
        for (std::size_t i = 0; i < writer.cycles.size(); ++i) {
            text.append(i == 0 ? "{" : ",{");
            render::JsonParts::cycle(text, writer.cycles[i]);
            text.push_back('}');
            writer.out.item_done();
        }
        text.push_back(']');
    }
    // What could not be read, with why (also said on stderr).
    text.append(",\"problems\":[");
    for (std::size_t i = 0; i < snapshot.problems.size(); ++i) {
        text.append(i == 0 ? "{" : ",{");
        render::JsonParts::problem(text, snapshot.problems[i]);
        text.push_back('}');
        writer.out.item_done();
    }
    text.append("],\"problems_left_out\":");
    render::append_json_uint(text, snapshot.problems_left_out);
    text.append("}\n");
    writer.out.flush();
    return std::move(writer.result);
}

}  // namespace aps
