// One thread's native stack (aps dump --native-frames) as JSON, merged with its Python frames:
// the "native" member of a thread in aps dump's JSON (docs/json-schema.md).
#pragma once

#include <span>
#include <string>

#include "aps/snapshot.hpp"

namespace aps::render {

// {"frames":[...],"python_frames_not_placed":N,"cut":bool,"error":string|null}: the frames
// innermost first, native ones {"kind":"native","pc","function"|null,"library","offset"} and the
// thread's Python frames where they were placed ({"kind":"python"|"marker","function","file",
// "line"}); those no evaluation-loop frame was found for come last and are counted.
void append_native_json(std::string& out, const Snapshot& snapshot, const NativeStack& stack,
                        std::span<const Frame> python);

}  // namespace aps::render
