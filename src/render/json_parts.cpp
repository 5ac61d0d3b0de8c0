// Header, task and cycle members of the JSON views (the schema is docs/json-schema.md).
#include "render/json_parts.hpp"

#include <utility>

#include "render/frame_text.hpp"
#include "render/json_text.hpp"

namespace aps::render {

JsonParts::JsonParts(const Snapshot& snapshot, const TaskIndex& index)
    : snapshot_(snapshot),
      index_(index),
      frame_prefix_(snapshot.codes.size()),
      prefix_done_(snapshot.codes.size(), 0) {}

void JsonParts::header(std::string& out, const TargetInfo& target, View view) const {
    out.append("\"schema_version\":");
    append_json_int(out, kJsonSchemaVersion);
    out.append(view == View::Ps ? ",\"view\":\"ps\"" : ",\"view\":\"pstree\"");
    out.append(",\"target\":{\"pid\":");
    append_json_int(out, target.pid);
    out.append(",\"python_version\":\"");
    append_json_int(out, snapshot_.major);
    out.push_back('.');
    append_json_int(out, snapshot_.minor);
    out.append("\"},\"interpreters\":[");
    bool first_interp = true;
    for (const Interpreter& interp : snapshot_.interpreters) {
        if (!first_interp) out.push_back(',');
        first_interp = false;
        out.append("{\"interpreter_id\":");
        append_json_int(out, interp.id);
        out.append(",\"threads\":[");
        bool first_thread = true;
        for (const Thread& thread : interp.threads) {
            if (!first_thread) out.push_back(',');
            first_thread = false;
            out.append("{\"thread_id\":");
            append_json_uint(out, thread.tid);
            out.append(",\"task_count\":");
            append_json_uint(out, thread.tasks.size());
            out.push_back('}');
        }
        out.append("]}");
    }
    out.push_back(']');
}

void JsonParts::task(std::string& out, const Interpreter& interp, const Thread& thread,
                     const Task& task) {
    out.append("\"id\":");
    append_json_id(out, task.id);
    out.append(",\"address\":");
    append_json_uint(out, task.id);
    out.append(",\"name\":");
    append_json_string(out, snapshot_.name_of(task));
    out.append(",\"interpreter_id\":");
    append_json_int(out, interp.id);
    out.append(",\"thread_id\":");
    append_json_uint(out, thread.tid);
    out.append(",\"coroutine_type\":");
    if (task.coro_type < snapshot_.type_names.size()) {
        append_json_string(out, snapshot_.type_names[task.coro_type]);
    } else {
        out.append("null");
    }
    if (task.marks != 0) {
        out.append(",\"incomplete\":[");
        const char* sep = "";
        using Part = std::pair<unsigned, const char*>;
        for (const auto& [mark, part] :
             {Part{kNameUnreadable, "\"name\""}, Part{kStackUnreadable | kStackCut, "\"frames\""},
              Part{kAwaitersUnreadable, "\"awaited_by\""}}) {
            if (task.marks & mark) {
                out.append(sep).append(part);
                sep = ",";
            }
        }
        out.push_back(']');
    }
    out.append(",\"frames\":");
    frames(out, snapshot_.frames_of(task));
    out.append(",\"awaited_by\":[");
    bool first = true;
    for (const Awaiter& awaiter : snapshot_.awaiters_of(task)) {
        if (!first) out.push_back(',');
        first = false;
        out.append("{\"id\":");
        append_json_id(out, awaiter.id);
        out.append(",\"address\":");
        append_json_uint(out, awaiter.id);
        out.append(",\"name\":");
        if (const Task* parent = index_.find(awaiter.id)) {
            append_json_string(out, snapshot_.name_of(*parent));
        } else {
            out.append("null");
        }
        out.append(",\"frames\":");
        frames(out, snapshot_.frames_of(awaiter));
        out.push_back('}');
    }
    out.push_back(']');
}

void JsonParts::problem(std::string& out, const Problem& problem) {
    out.append("\"task\":");
    append_json_id(out, problem.task);
    out.append(problem.part == Problem::Part::Name    ? ",\"part\":\"name\""
               : problem.part == Problem::Part::Stack ? ",\"part\":\"frames\""
                                                      : ",\"part\":\"awaited_by\"");
    out.append(problem.cut ? ",\"cut\":true" : ",\"cut\":false");
    out.append(",\"message\":");
    append_json_string(out, problem.what);
}

void JsonParts::cycle(std::string& out, const Cycle& cycle) {
    out.append("\"ids\":[");
    bool first = true;
    for (const uint64_t id : cycle) {
        if (!first) out.push_back(',');
        first = false;
        append_json_id(out, id);
    }
    out.push_back(']');
}

void JsonParts::frames(std::string& out, std::span<const Frame> frames) {
    out.push_back('[');
    bool first = true;
    for (const Frame& frame : frames) {
        if (!first) out.push_back(',');
        first = false;
        if (frame.code < frame_prefix_.size()) {
            if (!prefix_done_[frame.code]) {
                std::string& prefix = frame_prefix_[frame.code];
                const Code& code = snapshot_.codes[frame.code];
                prefix.append("{\"function\":");
                append_json_string(prefix, code.function);
                prefix.append(",\"file\":");
                append_json_string(prefix, code.file);
                prefix.append(",\"line\":");
                prefix_done_[frame.code] = 1;
            }
            out.append(frame_prefix_[frame.code]);
        } else {
            const Code& code = code_of(snapshot_, frame);
            out.append("{\"function\":");
            append_json_string(out, code.function);
            out.append(",\"file\":");
            append_json_string(out, code.file);
            out.append(",\"line\":");
        }
        if (frame.has_line()) {
            append_json_int(out, frame.line);
        } else {
            out.append("null");
        }
        out.push_back('}');
    }
    out.push_back(']');
}

JsonWriter::JsonWriter(const Snapshot& snapshot, View view, const OutputSink& sink)
    : snapshot(snapshot),
      index(snapshot),
      cycles(view == View::PsTree ? report_await_cycles(index, result) : std::vector<Cycle>{}),
      parts(snapshot, index),
      out(sink) {}

uint64_t JsonWriter::tasks(std::string_view first_open, std::string_view open,
                           std::string_view close) {
    std::string& text = out.text();
    uint64_t written = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                text.append(written == 0 ? first_open : open);
                parts.task(text, interp, thread, task);
                text.append(close);
                ++written;
                out.item_done();
            }
        }
    }
    return written;
}

}  // namespace aps::render
