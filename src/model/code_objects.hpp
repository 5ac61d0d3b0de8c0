// Code objects → Snapshot::codes (interned per code address) and frame lines (decoded from
// co_linetable, cached per (code, instr_ptr)).
#pragma once

#include <cstdint>

#include "aps/error.hpp"
#include "aps/snapshot.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// The Frame for a frame executing code object code_addr at instr_ptr.
Result<Frame> frame_for(WalkContext& ctx, uint64_t code_addr, uint64_t instr_ptr);

}  // namespace aps::model
