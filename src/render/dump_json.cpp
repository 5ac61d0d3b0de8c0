// aps dump --format json: one document, one object per thread with its frames, its status, the
// loop and task it runs and what holds that loop (docs/json-schema.md, "aps dump").
#include <fmt/format.h>

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "aps/render.hpp"
#include "render/chunked_output.hpp"
#include "render/json_text.hpp"
#include "render/native_json.hpp"
#include "render/task_stacks.hpp"

namespace aps {
namespace {

std::string_view kind_word(Code::Kind kind) {
    switch (kind) {
        case Code::Kind::Python:
            return "python";
        case Code::Kind::Native:
            return "native";
        case Code::Kind::GC:
            return "gc";
        case Code::Kind::Marker:
            return "marker";
    }
    return "marker";
}

std::string_view loop_word(LoopState::Kind kind) {
    switch (kind) {
        case LoopState::Kind::NoLoop:
            return "none";
        case LoopState::Kind::Waiting:
            return "waiting";
        case LoopState::Kind::InTask:
            return "in_task";
        case LoopState::Kind::Elsewhere:
            return "elsewhere";
    }
    return "none";
}

class DumpJson {
  public:
    DumpJson(const Snapshot& s, const DumpView& v, const std::vector<ThreadLoop>& loops)
        : s_(s), v_(v) {
        for (const ThreadLoop& l : loops) loops_[l.tid] = &l;
        for (const NativeStack& n : s.native_stacks) natives_[n.tid] = &n;
        for (const Interpreter& interp : s.interpreters) {
            for (const Thread& thread : interp.threads) {
                for (const Task& task : thread.tasks) tasks_[task.id] = &task;
            }
        }
    }

    void document(render::ChunkedOutput& out) {
        std::string& o = out.text();
        o += "{\"schema_version\":";
        render::append_json_int(o, kJsonSchemaVersion);
        o += ",\"view\":\"dump\",\"target\":{\"pid\":";
        render::append_json_int(o, v_.pid);
        o += ",\"python_version\":\"";
        render::append_json_int(o, s_.major);
        o += '.';
        render::append_json_int(o, s_.minor);
        o += "\"},\"threads\":[";
        bool first = true;
        for (const Interpreter& interp : s_.interpreters) {
            for (const Thread& thread : interp.threads) {
                if (!thread.stack.read) continue;
                if (!first) o += ',';
                first = false;
                this->thread(o, interp, thread);
                out.item_done();
            }
        }
        o += "]";
        if (v_.native_frames) other_threads(out);
        if (v_.stacks == DumpStacks::AllTasks || v_.stacks == DumpStacks::RunningTasks) {
            task_stacks(out);
        }
        o += ",\"problems\":[";
        bool first_problem = true;
        for (const Problem& p : s_.problems) {
            if (!first_problem) o += ',';
            first_problem = false;
            problem(o, p);
        }
        o += "],\"problems_left_out\":";
        render::append_json_uint(o, s_.problems_left_out);
        o += "}\n";
    }

  private:
    void frame(std::string& o, const Frame& f) {
        const Code& c = s_.codes[f.code];
        o += "{\"kind\":\"";
        o += kind_word(c.kind);
        o += "\",\"function\":";
        render::append_json_string(o, c.function);
        o += ",\"file\":";
        render::append_json_string(o, c.file);
        o += ",\"line\":";
        if (c.kind != Code::Kind::Python) {
            o += "0";
        } else if (f.has_line()) {
            render::append_json_int(o, f.line);
        } else {
            o += "null";
        }
        if (c.opcode != Code::kNoOpcode &&
            static_cast<std::size_t>(c.opcode) < s_.opcode_names.size()) {
            o += ",\"opcode\":";
            render::append_json_string(o, s_.opcode_names[static_cast<std::size_t>(c.opcode)]);
        }
        o += '}';
    }

    void frames(std::string& o, std::span<const Frame> frames) {
        o += '[';
        for (std::size_t i = 0; i < frames.size(); ++i) {
            if (i != 0) o += ',';
            frame(o, frames[i]);
        }
        o += ']';
    }

    void task_ref(std::string& o, uint64_t id) {
        o += "{\"id\":";
        render::append_json_id(o, id);
        o += ",\"name\":";
        auto it = tasks_.find(id);
        if (it == tasks_.end()) {
            o += "null";
        } else {
            render::append_json_string(o, s_.name_of(*it->second));
        }
        o += '}';
    }

    void thread(std::string& o, const Interpreter& interp, const Thread& thread) {
        const ThreadStack& st = thread.stack;
        o += "{\"interpreter_id\":";
        render::append_json_int(o, interp.id);
        o += ",\"thread_id\":";
        render::append_json_uint(o, thread.tid);
        const auto flag = [&](std::string_view name, bool on) {
            o += ",\"";
            o += name;
            o += on ? "\":true" : "\":false";
        };
        flag("main_thread", st.flags & kMainThread);
        flag("has_gil", st.flags & kHasGil);
        flag("gil_requested", st.flags & kGilRequested);
        flag("has_exception", st.flags & kHasException);
        o += ",\"on_cpu\":";
        o += st.cpu == CpuState::Running ? "true" : st.cpu == CpuState::Idle ? "false" : "null";
        o += ",\"frames\":";
        frames(o, s_.frames_of(st.frames));
        o += ",\"calling\":";
        if (st.calling.empty()) {
            o += "null";
        } else {
            render::append_json_string(o, st.calling);
        }
        o += ",\"stack\":\"";
        o += (st.marks & kStackCut)          ? "cut"
             : (st.marks & kStackUnreadable) ? "unreadable"
                                             : "whole";
        o += '"';
        if (v_.native_frames) {
            o += ",\"native\":";
            auto native = natives_.find(thread.tid);
            if (native == natives_.end()) {
                o += "null";
            } else {
                render::append_native_json(o, s_, *native->second, s_.frames_of(st.frames));
            }
        }
        auto found = loops_.find(thread.tid);
        o += ",\"loop\":";
        if (found == loops_.end() || found->second->state.kind == LoopState::Kind::NoLoop) {
            o += "null}";
            return;
        }
        const ThreadLoop& l = *found->second;
        o += "{\"id\":";
        render::append_json_id(o, l.state.loop);
        o += ",\"state\":\"";
        o += loop_word(l.state.kind);
        o += "\",\"running_task\":";
        if (l.state.task != 0) {
            task_ref(o, l.state.task);
        } else {
            o += "null";
        }
        o += ",\"holding_frames\":";
        render::append_json_uint(o, l.state.calls);
        o += ",\"blocked\":";
        if (l.blocked_seconds < 0) {
            o += "null";
        } else {
            o += fmt::format("{{\"for_at_least_seconds\":{:.3f}}}", l.blocked_seconds);
        }
        o += "}}";
    }

    // --native-frames: the threads the target held that run no Python (no thread state).
    void other_threads(render::ChunkedOutput& out) {
        std::unordered_set<uint64_t> python;
        for (const Interpreter& interp : s_.interpreters) {
            for (const Thread& thread : interp.threads) {
                if (thread.stack.read) python.insert(thread.tid);
            }
        }
        std::string& o = out.text();
        o += ",\"other_threads\":[";
        bool first = true;
        for (const NativeStack& n : s_.native_stacks) {
            if (python.contains(n.tid)) continue;
            if (!first) o += ',';
            first = false;
            o += "{\"thread_id\":";
            render::append_json_uint(o, n.tid);
            o += ",\"native\":";
            render::append_native_json(o, s_, n, {});
            o += '}';
            out.item_done();
        }
        o += ']';
    }

    void task_stacks(render::ChunkedOutput& out) {
        std::string& o = out.text();
        o += ",\"task_stacks\":[";
        const auto stacks = v_.stacks == DumpStacks::RunningTasks ? render::running_task_stacks(s_)
                                                                  : render::all_task_stacks(s_);
        for (std::size_t i = 0; i < stacks.size(); ++i) {
            if (i != 0) o += ',';
            o += "{\"thread_id\":";
            render::append_json_uint(o, stacks[i].tid);
            o += ",\"leaf\":";
            render::append_json_id(o, stacks[i].leaf);
            o += ",\"entries\":[";
            bool first = true;
            for (const render::TaskStackEntry& e : stacks[i].entries) {
                if (!first) o += ',';
                first = false;
                if (e.frame != nullptr) {
                    frame(o, *e.frame);
                } else {
                    o += "{\"kind\":\"task\",\"task\":";
                    task_ref(o, e.task->id);
                    o += ",\"awaiters\":";
                    render::append_json_uint(o, e.parents);
                    o += '}';
                }
            }
            o += "]}";
            out.item_done();
        }
        o += ']';
    }

    static void problem(std::string& o, const Problem& p) {
        if (p.part == Problem::Part::ThreadStack) {
            o += "{\"thread_id\":";
            render::append_json_uint(o, p.task);
            o += ",\"part\":\"stack\"";
        } else {
            o += "{\"task\":";
            render::append_json_id(o, p.task);
            o += p.part == Problem::Part::Name    ? ",\"part\":\"name\""
                 : p.part == Problem::Part::Stack ? ",\"part\":\"frames\""
                                                  : ",\"part\":\"awaited_by\"";
        }
        o += p.cut ? ",\"cut\":true" : ",\"cut\":false";
        o += ",\"message\":";
        render::append_json_string(o, p.what);
        o += '}';
    }

    const Snapshot& s_;
    const DumpView& v_;
    std::unordered_map<uint64_t, const Task*> tasks_;
    std::unordered_map<uint64_t, const ThreadLoop*> loops_;
    std::unordered_map<uint64_t, const NativeStack*> natives_;
};

}  // namespace

void render_dump_json(const Snapshot& snapshot, const DumpView& view,
                      const std::vector<ThreadLoop>& loops, const OutputSink& sink) {
    render::ChunkedOutput out(sink);
    DumpJson(snapshot, view, loops).document(out);
    out.flush();
}

}  // namespace aps
