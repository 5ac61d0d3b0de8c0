// Pure decoder of CPython's co_linetable (Objects/locations.md): maps a code-unit index to its
// start line. No remote reads; every loop is bounded by the table's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace aps::model {

// The start line of the entry that covers code unit `code_unit_index`, or nullopt when the entry
// is a NONE (no location) entry, the table ends first, or the table is malformed. Lines are
// CPython's: any 32-bit value, negative ones included, wrapping around as CPython's int does.
std::optional<int> line_for_instruction(std::span<const std::byte> table, int firstlineno,
                                        uint64_t code_unit_index);

}  // namespace aps::model
