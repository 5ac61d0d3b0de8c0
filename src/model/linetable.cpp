// Pure decoder of co_linetable (see linetable.hpp and docs/design.md, "Code objects and lines").
//
// It reads the table as CPython does, one entry after the other, for every line an `int` can hold:
// lines are 32-bit and wrap around (CPython adds the deltas to an int and is built with -fwrapv),
// and varints are accumulated in 32 unsigned bits, so that the sixth 6-bit group (bits 30 and 31)
// counts. Where CPython's decoders disagree on bytes its compiler never writes, this one follows
// the 3.15 reference: a zero byte ends the table, a SHORT entry's byte with bit 7 set and a seventh
// varint group make the table malformed.
#include "model/linetable.hpp"

namespace aps::model {
namespace {

enum : unsigned {
    kOneLine0 = 10,
    kOneLine2 = 12,
    kNoColumns = 13,
    kLong = 14,
    kNone = 15,
};

class Cursor {
  public:
    explicit Cursor(std::span<const std::byte> t) : t_(t) {}
    // A zero byte ends the table like its end does (CPython's decoders stop at either).
    bool at_end() const { return pos_ >= t_.size() || t_[pos_] == std::byte{0}; }
    unsigned byte() { return static_cast<unsigned>(t_[pos_++]); }

    // The next byte, whatever its value (ONE_LINE columns, varint groups).
    std::optional<unsigned> any_byte() {
        if (pos_ >= t_.size()) return std::nullopt;
        return byte();
    }

    // Little-endian groups of 6 bits, bit 6 = more follow; bit 7 is not looked at. The sixth
    // group holds bits 30 and 31, and its higher bits are dropped, as C's unsigned shift drops
    // them. A seventh group would need a shift by 36, which C leaves undefined: CPython's compiler
    // never writes one (6 groups hold 32 bits), the 3.15 reference rejects it, and so do we.
    std::optional<uint32_t> varint() {
        uint32_t value = 0;
        for (unsigned shift = 0; shift <= 30; shift += 6) {
            auto b = any_byte();
            if (!b) return std::nullopt;
            value |= static_cast<uint32_t>(*b & 63u) << shift;
            if (!(*b & 64u)) return value;
        }
        return std::nullopt;
    }

    // Bit 0 is the sign, the rest the magnitude (at most 2^31 - 1), returned as the two's
    // complement the line adds in 32 unsigned bits.
    std::optional<uint32_t> svarint() {
        auto u = varint();
        if (!u) return std::nullopt;
        const uint32_t magnitude = *u >> 1;
        return (*u & 1) ? 0u - magnitude : magnitude;
    }

  private:
    std::span<const std::byte> t_;
    std::size_t pos_ = 0;
};

}  // namespace

std::optional<Location> location_for_instruction(std::span<const std::byte> table, int firstlineno,
                                                 uint64_t code_unit_index) {
    Cursor cur(table);
    uint32_t line = static_cast<uint32_t>(firstlineno);  // wraps as CPython's int does
    uint64_t addr = 0;
    auto as_int = [](uint32_t v) { return static_cast<int>(static_cast<int32_t>(v)); };
    // Each entry consumes at least one byte, so the loop runs at most table.size() times.
    while (!cur.at_end()) {
        unsigned first = cur.byte();
        unsigned code = (first >> 3) & 15u;
        uint64_t length = (first & 7u) + 1;
        bool has_line = true;
        uint32_t end_line_delta = 0;
        int column = -1, end_column = -1;

        if (code == kNone) {
            has_line = false;
        } else if (code == kLong) {
            auto delta = cur.svarint();
            if (!delta) return std::nullopt;
            auto end = cur.varint();
            auto col = end ? cur.varint() : std::nullopt;
            auto end_col = col ? cur.varint() : std::nullopt;
            if (!end_col) return std::nullopt;
            line += *delta;
            end_line_delta = *end;
            column = as_int(*col - 1);
            end_column = as_int(*end_col - 1);
        } else if (code == kNoColumns) {
            auto delta = cur.svarint();
            if (!delta) return std::nullopt;
            line += *delta;
        } else if (code >= kOneLine0 && code <= kOneLine2) {
            auto col = cur.any_byte();
            auto end_col = col ? cur.any_byte() : std::nullopt;
            if (!end_col) return std::nullopt;
            line += code - kOneLine0;
            column = static_cast<int>(*col);
            end_column = static_cast<int>(*end_col);
        } else {  // SHORT0..SHORT9: one column byte with bit 7 clear, same line
            auto b = cur.any_byte();
            if (!b || (*b & 0x80u)) return std::nullopt;
            column = static_cast<int>((code << 3) | (*b >> 4));
            end_column = column + static_cast<int>(*b & 15u);
        }

        if (code_unit_index >= addr && code_unit_index - addr < length) {
            if (!has_line) return std::nullopt;
            return Location{as_int(line), as_int(line + end_line_delta), column, end_column};
        }
        addr += length;
    }
    return std::nullopt;
}

std::optional<int> line_for_instruction(std::span<const std::byte> table, int firstlineno,
                                        uint64_t code_unit_index) {
    auto location = location_for_instruction(table, firstlineno, code_unit_index);
    if (!location) return std::nullopt;
    return location->line;
}

}  // namespace aps::model
