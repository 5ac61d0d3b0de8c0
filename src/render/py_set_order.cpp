// CPython set iteration order emulation (see py_set_order.hpp).
#include "render/py_set_order.hpp"

namespace aps::render {
namespace {

constexpr std::size_t kMinSize = 8;                         // PySet_MINSIZE
constexpr std::size_t kLinearProbes = 9;                    // LINEAR_PROBES
constexpr unsigned kPerturbShift = 5;                       // PERTURB_SHIFT
constexpr uint64_t kHashModulus = (uint64_t{1} << 61) - 1;  // _PyHASH_MODULUS (64-bit)

}  // namespace

uint64_t py_int_hash(uint64_t value) {
    return value % kHashModulus;
}

PyIntSet::PyIntSet() {
    clear();
}

void PyIntSet::clear() {
    table_.assign(kMinSize, Slot{0, 0, false});
    mask_ = kMinSize - 1;
    fill_ = 0;
    used_ = 0;
}

void PyIntSet::add(uint64_t value) {
    const uint64_t hash = py_int_hash(value);
    std::size_t perturb = hash;
    std::size_t i = hash & mask_;
    // No entry is ever deleted, so there are no dummy slots to reuse.
    while (true) {
        std::size_t probes = (i + kLinearProbes <= mask_) ? kLinearProbes : 0;
        std::size_t j = i;
        while (true) {
            Slot& slot = table_[j];
            if (!slot.full) {
                slot = Slot{value, hash, true};
                ++fill_;
                ++used_;
                if (fill_ * 5 >= mask_ * 3) resize(used_ > 50000 ? used_ * 2 : used_ * 4);
                return;
            }
            if (slot.hash == hash && slot.key == value) return;
            if (probes-- == 0) break;
            ++j;
        }
        perturb >>= kPerturbShift;
        i = (i * 5 + 1 + perturb) & mask_;
    }
}

void PyIntSet::insert_clean(std::vector<Slot>& table, std::size_t mask, uint64_t key,
                            uint64_t hash) {
    std::size_t perturb = hash;
    std::size_t i = hash & mask;
    while (true) {
        if (!table[i].full) {
            table[i] = Slot{key, hash, true};
            return;
        }
        if (i + kLinearProbes <= mask) {
            for (std::size_t j = 1; j <= kLinearProbes; ++j) {
                if (!table[i + j].full) {
                    table[i + j] = Slot{key, hash, true};
                    return;
                }
            }
        }
        perturb >>= kPerturbShift;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

void PyIntSet::resize(std::size_t min_used) {
    std::size_t new_size = kMinSize;
    while (new_size <= min_used) new_size <<= 1;
    std::vector<Slot> fresh(new_size, Slot{0, 0, false});
    const std::size_t new_mask = new_size - 1;
    for (const Slot& slot : table_) {
        if (slot.full) insert_clean(fresh, new_mask, slot.key, slot.hash);
    }
    table_.swap(fresh);
    mask_ = new_mask;
    fill_ = used_;
}

PyIntSet PyIntSet::copied() const {
    PyIntSet copy;
    // set_merge: an empty 8-slot set first grows to fit twice the elements when they would fill
    // it past 3/5; the same table size with no deleted slot is copied slot for slot, any other
    // is filled by clean inserts in this table's slot order.
    if (used_ * 5 >= copy.mask_ * 3) copy.resize(used_ * 2);
    if (copy.mask_ == mask_ && fill_ == used_) {
        copy.table_ = table_;
    } else {
        for (const Slot& slot : table_) {
            if (slot.full) insert_clean(copy.table_, copy.mask_, slot.key, slot.hash);
        }
    }
    copy.fill_ = used_;
    copy.used_ = used_;
    return copy;
}

void PyIntSet::append_in_iteration_order(std::vector<uint64_t>& out) const {
    for (const Slot& slot : table_) {
        if (slot.full) out.push_back(slot.key);
    }
}

}  // namespace aps::render
