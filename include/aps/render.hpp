// Renderers: pure functions from a Snapshot to the bytes aps prints. They never read memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "aps/loop_state.hpp"
#include "aps/snapshot.hpp"

namespace aps {

// Both renderers print task, function and file names with control characters, bidi controls,
// lone surrogates and invalid UTF-8 bytes as backslash escapes (`\n`, `\x1b`, `\u202e`, `\xff`);
// column padding counts the escaped text in code points. Nothing recurses on the data's depth.

// Receives the output in order, in pieces of about kOutputChunk bytes, so that a large
// snapshot's text never has to sit in memory whole.
using OutputSink = std::function<void(std::string_view)>;
inline constexpr std::size_t kOutputChunk = std::size_t{1} << 20;

// The `ps` table, byte-identical to `python -m asyncio ps` where the reference is right. A big
// table is made on two threads unless `jobs` is 1 (the same bytes either way).
std::string render_ps(const Snapshot& snapshot);
void render_ps(const Snapshot& snapshot, const OutputSink& sink, unsigned jobs = 2);

struct TreeOutput {
    std::string out;    // the forest, on success
    std::string err;    // the cycle report, when the await graph has a cycle
    int exit_code = 0;  // 1 when the graph has a cycle (reference-compatible)
};

// The `pstree` forest, or the cycle report when the await graph is not a forest (same cycles in
// the same order as the reference, whose DFS walks Python sets of task addresses).
TreeOutput render_pstree(const Snapshot& snapshot);
// The same, with the forest sent to `sink` (TreeOutput::out stays empty); nothing is sent when
// the graph has a cycle.
TreeOutput render_pstree(const Snapshot& snapshot, const OutputSink& sink);

// The data views (`--format json|ndjson|dot`). Unlike the table and the tree they are not
// reference-compatible text but data: full names (as long as the snapshot holds them), every id,
// thread and interpreter, frames with file and line. docs/json-schema.md is the JSON schema.

// The `schema_version` of every JSON document and ndjson header aps writes; it grows when a
// field changes meaning or disappears (added fields keep the version).
inline constexpr int kJsonSchemaVersion = 1;

enum class View { Ps, PsTree };

// What the data views say about the target beyond the snapshot.
struct TargetInfo {
    int64_t pid = 0;
};

// One JSON document: {"schema_version", "view", "target", "interpreters", "tasks"} and, for
// pstree, "cycles". Streamed to `sink` in pieces, like the table. For pstree the cycles also make
// the cycle report in TreeOutput::err and exit code 1, as the tree view does; the document is
// written either way.
TreeOutput render_json(const Snapshot& snapshot, const TargetInfo& target, View view,
                       const OutputSink& sink);

// Newline-delimited JSON: a header line, one line per task (written as it is rendered, so a
// million tasks never sit in memory as text), for pstree one line per cycle, and an end line with
// the counts. Cycles as in render_json.
TreeOutput render_ndjson(const Snapshot& snapshot, const TargetInfo& target, View view,
                         const OutputSink& sink);

// The await graph in Graphviz's dot language: one node per task (labelled with its name, its
// coroutine and its current frame; the whole stack as tooltip), one edge per distinct await
// (awaiter -> awaited), awaiters that are not tasks as dashed nodes, nodes and edges of cycles in
// red. Cycles as in render_json.
TreeOutput render_dot(const Snapshot& snapshot, const OutputSink& sink);

// aps dump: which stacks are shown. Threads: the main thread of each interpreter, or every thread
// (-a). Tasks (--async-aware): one stack per leaf task, from its frames out through the tasks
// that await it; `All` for every task, `Running` for the tasks each thread's loop is running.
enum class DumpStacks : uint8_t { MainThreads, AllThreads, AllTasks, RunningTasks };

struct DumpView {
    int64_t pid = 0;
    DumpStacks stacks = DumpStacks::MainThreads;
    bool opcodes = false;  // --opcodes: the instruction's name after each Python frame
    // --native-frames: the JSON gives each thread's native stack (Snapshot::native_stacks).
    bool native_frames = false;
    // The reference's colours (a terminal): its theme's escape sequences around each part, the
    // instruction's columns highlighted in the source line (the walk must read detail for them).
    bool colour = false;
    // The directory file names are shown relative to (the reference's os.path.relpath), absolute.
    std::string cwd;
    // The text of a source line (`file` as the frame names it, 1-based `line`), "" for none.
    std::function<std::string_view(const std::string& file, int line)> source_line;
};

// `python3.15 -m profiling.sampling dump`'s text: per stack a header line
// ("Stack dump for PID P, thread T (main thread, idle; most recent call last):"), then the frames
// outermost first, each `File "f", line N, in q` with its source line below.
void render_dump(const Snapshot& snapshot, const DumpView& view, const OutputSink& sink);

// aps dump --format json (docs/json-schema.md, "aps dump"): every thread read, whatever
// view.stacks says of the text, with its frames (innermost first), its status and its loop's
// state from `loops` (by thread id; loop_state and same_hold decide it); the task stacks with
// --async-aware.
void render_dump_json(const Snapshot& snapshot, const DumpView& view,
                      const std::vector<ThreadLoop>& loops, const OutputSink& sink);

// aps dump --native-frames: per thread the target held (Snapshot::native_stacks) a header line
// ("Native stack of PID P, thread T (most recent call first):"), then its native frames,
// innermost first, "#N 0xPC function (library)" ("?? (library+0xOFFSET)" without a symbol),
// with the Python frames each evaluation loop runs, as `File "f", line N, in q`, placed above
// that loop's _PyEval_EvalFrameDefault frame. Without -a (view.stacks), the main threads only.
void render_native_dump(const Snapshot& snapshot, const DumpView& view, const OutputSink& sink);

}  // namespace aps
