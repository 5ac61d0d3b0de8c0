// Task names: a str (given name) or an int (the default counter, shown as `Task-N`).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "aps/error.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// A PyLong with more digits than this is garbage (the counter fits in one or two digits).
inline constexpr uint64_t kMaxLongDigits = 64;

// Decimal text of Σ digits[i]·2^(30·i), with a leading '-' when negative. Pure.
std::string long_to_decimal(std::span<const uint32_t> digits, bool negative);

// Reads the int at addr through `memory` and formats it in decimal. CorruptData for absurd digit
// counts or an invalid sign.
Result<std::string> read_long_decimal(const WalkContext& ctx, RemoteMemory& memory, uint64_t addr);

// The task's name: `Task-N` for an int, the string (up to limits.max_string_code_points) for a str,
// CorruptData ("invalid task name object") for anything else. The name object is read through
// `memory` (the walk reads it fresh, or records it for the torn-read check); its type through
// ctx's cache.
Result<std::string> read_task_name(WalkContext& ctx, RemoteMemory& memory, uint64_t name_addr);
inline Result<std::string> read_task_name(WalkContext& ctx, uint64_t name_addr) {
    return read_task_name(ctx, ctx.memory, name_addr);
}

}  // namespace aps::model
