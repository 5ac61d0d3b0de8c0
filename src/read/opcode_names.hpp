// The names of each version's opcodes, as `aps dump --opcodes` prints them (3.15's
// profiling.sampling formatting: "NAME", "SPECIALIZED (BASE)", "<N>"). Version knowledge, kept
// next to debug_offsets.cpp, which hands the right table to the rest of aps in DebugOffsets.
#pragma once

#include <span>
#include <string_view>

namespace aps::read {

// 256 names, indexed by the opcode byte, for minor version 14 or 15; empty for any other.
std::span<const std::string_view> opcode_names(int minor);

}  // namespace aps::read
