// Where a running call instruction keeps its callable on the frame's evaluation stack, per opcode
// byte of a version: version knowledge derived from the version's opcode names
// (opcode_names.hpp), which debug_offsets.cpp hands to the rest of aps in DebugOffsets::calls.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "aps/offsets.hpp"

namespace aps::read {

// For each opcode byte of `names` (a version's opcode_names), where its callable sits while the
// call runs: CALL, its specializations and its instrumented form 2 slots plus the argument
// count below the stack pointer (callable, self or NULL, then the arguments); CALL_KW's 3 plus
// the count (then the tuple of keyword names); CALL_FUNCTION_EX's 4 (callable, NULL, the
// arguments' tuple, the keywords' dict or NULL; its argument counts nothing). No slots for every
// other opcode. 3.14 and 3.15 lay a call out alike (Python/bytecodes.c).
std::array<DebugOffsets::CallKnowledge::Callable, 256> callable_slots(
    std::span<const std::string_view> names);

// The byte of EXTENDED_ARG in `names`, or -1.
int16_t extended_arg_opcode(std::span<const std::string_view> names);

}  // namespace aps::read
