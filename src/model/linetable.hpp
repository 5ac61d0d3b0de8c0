// Pure decoder of CPython's co_linetable (Objects/locations.md): maps a code-unit index to its
// start line. No remote reads; every loop is bounded by the table's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace aps::model {

// Where an instruction is in the source: its entry's line range and column range (columns are
// UTF-8 byte offsets in the line, -1 when the entry has none).
struct Location {
    int line = 0;
    int end_line = 0;
    int column = -1;
    int end_column = -1;
};

// The location of code unit `code_unit_index`, or nullopt when its entry is a NONE (no location)
// entry, the table ends first, or the table is malformed; the columns as the 3.15 reference
// decodes them (a LONG entry's stored values minus one, a NO_COLUMNS entry's -1).
std::optional<Location> location_for_instruction(std::span<const std::byte> table, int firstlineno,
                                                 uint64_t code_unit_index);

// The start line of the entry that covers code unit `code_unit_index`, or nullopt when the entry
// is a NONE (no location) entry, the table ends first, or the table is malformed. Lines are
// CPython's: any 32-bit value, negative ones included, wrapping around as CPython's int does.
std::optional<int> line_for_instruction(std::span<const std::byte> table, int firstlineno,
                                        uint64_t code_unit_index);

}  // namespace aps::model
