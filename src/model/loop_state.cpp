// A thread's event-loop state and the comparison of two (see aps/loop_state.hpp).
#include "aps/loop_state.hpp"

#include <span>
#include <string_view>
#include <unordered_map>

namespace aps {
namespace {

// The selector wait of asyncio's loop: SelectSelector, PollSelector, EpollSelector,
// DevpollSelector and KqueueSelector's `select`, all in the standard library's selectors.py.
bool is_selector_wait(const Code& code) {
    return code.kind == Code::Kind::Python && code.function.ends_with("Selector.select") &&
           (code.file == "selectors.py" || code.file.ends_with("/selectors.py"));
}

// The frames that hold a loop which is not waiting: for a task, those above its coroutine frame;
// otherwise those above asyncio's callback runner (Handle._run in events.py), or none.
uint32_t holding_frames(const Snapshot& s, const ThreadStack& st) {
    if (st.task_frame != ThreadStack::kNoFrame) return st.task_frame;
    const std::span<const Frame> frames = s.frames_of(st.frames);
    for (uint32_t i = 0; i < frames.size(); ++i) {
        const Code& c = s.codes[frames[i].code];
        if (c.function == "Handle._run" && c.file.ends_with("events.py")) return i;
    }
    return 0;
}

}  // namespace

LoopState loop_state(const Snapshot& snapshot, const Thread& thread) {
    const ThreadStack& st = thread.stack;
    LoopState out;
    if (!st.read || st.running_loop == 0) return out;
    out.loop = st.running_loop;
    if (st.running_task != 0) {
        out.kind = LoopState::Kind::InTask;
        out.task = st.running_task;
        out.calls = holding_frames(snapshot, st);
        return out;
    }
    // The innermost Python frame (a <native> or <GC> frame may come first).
    for (const Frame& f : snapshot.frames_of(st.frames)) {
        const Code& c = snapshot.codes[f.code];
        if (c.kind != Code::Kind::Python) continue;
        if (is_selector_wait(c)) {
            out.kind = LoopState::Kind::Waiting;
            return out;
        }
        break;
    }
    out.kind = LoopState::Kind::Elsewhere;
    out.calls = holding_frames(snapshot, st);
    return out;
}

bool same_hold(const Snapshot& a, const Thread& ta, const LoopState& la, const Snapshot& b,
               const Thread& tb, const LoopState& lb) {
    if (la.kind != lb.kind || la.loop != lb.loop || la.task != lb.task) return false;
    if (la.kind != LoopState::Kind::InTask && la.kind != LoopState::Kind::Elsewhere) return false;
    // Outside a task, only a callback's own calls hold the loop: the loop's own code between two
    // callbacks (_run_once, Handle._run itself) is where a busy loop passes all the time.
    if (la.kind == LoopState::Kind::Elsewhere && (la.calls == 0 || lb.calls == 0)) return false;
    // Nothing to compare: a loop that holds no Python frame of its own (a task's step inside C
    // code straight away) is held by C code; the same task in it twice still counts.
    const std::span<const Frame> fa = a.frames_of(ta.stack.frames);
    const std::span<const Frame> fb = b.frames_of(tb.stack.frames);
    if (fa.size() != fb.size()) return false;
    for (std::size_t i = 0; i < fa.size(); ++i) {
        const Code& ca = a.codes[fa[i].code];
        const Code& cb = b.codes[fb[i].code];
        if (fa[i].line != fb[i].line || ca.kind != cb.kind || ca.function != cb.function ||
            ca.file != cb.file) {
            return false;
        }
    }
    return true;
}

std::vector<ThreadLoop> thread_loops(const Snapshot& now, const Snapshot* before, double seconds) {
    // The earlier snapshot's threads by id (a thread id is unique among live threads).
    std::unordered_map<uint64_t, const Thread*> earlier;
    if (before != nullptr) {
        for (const Interpreter& interp : before->interpreters) {
            for (const Thread& t : interp.threads) {
                if (t.stack.read) earlier.emplace(t.tid, &t);
            }
        }
    }
    std::vector<ThreadLoop> out;
    for (const Interpreter& interp : now.interpreters) {
        for (const Thread& t : interp.threads) {
            if (!t.stack.read) continue;
            ThreadLoop l;
            l.tid = t.tid;
            l.state = loop_state(now, t);
            if (auto it = earlier.find(t.tid); it != earlier.end()) {
                const LoopState then = loop_state(*before, *it->second);
                if (same_hold(*before, *it->second, then, now, t, l.state)) {
                    l.blocked_seconds = seconds;
                }
            }
            out.push_back(l);
        }
    }
    return out;
}

}  // namespace aps
