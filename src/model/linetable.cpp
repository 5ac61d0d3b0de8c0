// Pure decoder of co_linetable (see linetable.hpp and internals §6).
#include "model/linetable.hpp"

#include <climits>

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
    bool at_end() const { return pos_ >= t_.size(); }
    unsigned byte() { return static_cast<unsigned>(t_[pos_++]); }

    // One byte of an entry's body: present, with bit 7 clear (bit 7 starts an entry).
    std::optional<unsigned> body_byte() {
        if (at_end()) return std::nullopt;
        unsigned b = static_cast<unsigned>(t_[pos_]);
        if (b & 0x80) return std::nullopt;
        ++pos_;
        return b;
    }

    // Little-endian groups of 6 bits, bit 6 = more follow.
    std::optional<uint64_t> varint() {
        uint64_t value = 0;
        for (unsigned shift = 0;; shift += 6) {
            if (shift > 28) return std::nullopt;
            auto b = body_byte();
            if (!b) return std::nullopt;
            value |= uint64_t{*b & 63u} << shift;
            if (!(*b & 64u)) return value;
        }
    }

    std::optional<int64_t> svarint() {
        auto u = varint();
        if (!u) return std::nullopt;
        int64_t magnitude = static_cast<int64_t>(*u >> 1);
        return (*u & 1) ? -magnitude : magnitude;
    }

  private:
    std::span<const std::byte> t_;
    std::size_t pos_ = 0;
};

}  // namespace

std::optional<int> line_for_instruction(std::span<const std::byte> table, int firstlineno,
                                        uint64_t code_unit_index) {
    Cursor cur(table);
    int64_t line = firstlineno;
    uint64_t addr = 0;
    // Each entry consumes at least one byte, so the loop runs at most table.size() times.
    while (!cur.at_end()) {
        unsigned first = cur.byte();
        if (!(first & 0x80)) return std::nullopt;  // not an entry start (incl. the 0 terminator)
        unsigned code = (first >> 3) & 15u;
        uint64_t length = (first & 7u) + 1;
        bool has_line = true;

        if (code == kNone) {
            has_line = false;
        } else if (code == kLong) {
            auto delta = cur.svarint();
            if (!delta || !cur.varint() || !cur.varint() || !cur.varint()) return std::nullopt;
            line += *delta;
        } else if (code == kNoColumns) {
            auto delta = cur.svarint();
            if (!delta) return std::nullopt;
            line += *delta;
        } else if (code >= kOneLine0 && code <= kOneLine2) {
            if (!cur.body_byte() || !cur.body_byte()) return std::nullopt;
            line += code - kOneLine0;
        } else {  // SHORT0..SHORT9: one column byte, same line
            if (!cur.body_byte()) return std::nullopt;
        }
        if (line < INT_MIN || line > INT_MAX) return std::nullopt;

        if (code_unit_index >= addr && code_unit_index - addr < length) {
            if (!has_line) return std::nullopt;
            return static_cast<int>(line);
        }
        addr += length;
    }
    return std::nullopt;
}

}  // namespace aps::model
