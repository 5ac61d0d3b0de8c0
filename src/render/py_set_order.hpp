// Emulation of the iteration order of a CPython 3.14/3.15 `set` of non-negative ints that was
// filled by add() calls only (Objects/setobject.c: open addressing, 8 slots to start, 9 linear
// probes then perturbation, growth when fill*5 >= mask*3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace aps::render {

// hash(int) for a non-negative Python int: value mod (2**61 - 1).
uint64_t py_int_hash(uint64_t value);

class PyIntSet {
  public:
    PyIntSet();

    // set.add(value); a value already present is ignored.
    void add(uint64_t value);

    // Empties the set back to its initial 8-slot table, as a new set().
    void clear();

    std::size_t size() const { return used_; }

    // set(s) or s.copy(): a new set filled from this one's table in slot order (Objects/
    // setobject.c, set_merge into an empty set), which may order the elements differently.
    PyIntSet copied() const;

    // Appends the elements in the order `for x in s` yields them.
    void append_in_iteration_order(std::vector<uint64_t>& out) const;

  private:
    struct Slot {
        uint64_t key;
        uint64_t hash;
        bool full;
    };

    void resize(std::size_t min_used);
    static void insert_clean(std::vector<Slot>& table, std::size_t mask, uint64_t key,
                             uint64_t hash);

    std::vector<Slot> table_;
    std::size_t mask_ = 0;
    std::size_t fill_ = 0;
    std::size_t used_ = 0;
};

}  // namespace aps::render
