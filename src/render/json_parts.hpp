// The pieces both JSON views are made of (docs/json-schema.md): the header fields, the task
// object and the cycle object, each written as members without the enclosing braces so that the
// document and the ndjson lines can add their own; and JsonWriter, what both views start from.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aps/render.hpp"
#include "aps/snapshot.hpp"
#include "render/chunked_output.hpp"
#include "render/cycles.hpp"
#include "render/task_index.hpp"

namespace aps::render {

class JsonParts {
  public:
    JsonParts(const Snapshot& snapshot, const TaskIndex& index);

    // "schema_version":1,"view":"ps","target":{...},"interpreters":[...]
    void header(std::string& out, const TargetInfo& target, View view) const;

    // "id":"0x..","address":N,"name":"..","interpreter_id":N,"thread_id":N,
    // "coroutine_type":".."|null,"frames":[...],"awaited_by":[...] and, for a task that could
    // not be read whole, "incomplete":["name"|"frames"|"awaited_by",...]
    void task(std::string& out, const Interpreter& interp, const Thread& thread, const Task& task);

    // "task":"0x..","part":"name"|"frames"|"awaited_by","cut":bool,"message":".."
    static void problem(std::string& out, const Problem& problem);

    // "ids":["0x..",...] (first and last the same task)
    static void cycle(std::string& out, const Cycle& cycle);

  private:
    void frames(std::string& out, std::span<const Frame> frames);

    const Snapshot& snapshot_;
    const TaskIndex& index_;
    // Per code object, its frame object up to the line value: {"function":"..","file":"..","line":
    std::vector<std::string> frame_prefix_;
    std::vector<char> prefix_done_;
};

// What both JSON views start from: the index, the await cycles (pstree only; reported into
// `result` as render_pstree does), the parts and the chunked output they are written to.
struct JsonWriter {
    JsonWriter(const Snapshot& snapshot, View view, const OutputSink& sink);

    // Every task in snapshot order as `open` (`first_open` for the first), its members and
    // `close`, handing full chunks on between tasks; returns how many tasks were written.
    uint64_t tasks(std::string_view first_open, std::string_view open, std::string_view close);

    const Snapshot& snapshot;
    const TaskIndex index;
    TreeOutput result;
    const std::vector<Cycle> cycles;
    JsonParts parts;
    ChunkedOutput out;
};

}  // namespace aps::render
