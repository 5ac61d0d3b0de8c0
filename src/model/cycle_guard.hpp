// Brent's cycle detection for walks over remote linked structures: O(1) memory, no extra reads,
// and a cycle is reported within a small multiple of its length after the walk enters it.
#pragma once

#include <cstdint>

namespace aps::model {

class CycleGuard {
  public:
    // Feed each visited address in walk order; true once an address repeats inside a cycle.
    bool revisits(uint64_t addr) {
        if (has_saved_ && addr == saved_) return true;
        if (++steps_ == power_) {
            saved_ = addr;
            has_saved_ = true;
            power_ *= 2;
            steps_ = 0;
        }
        return false;
    }

  private:
    uint64_t saved_ = 0;
    bool has_saved_ = false;
    uint64_t power_ = 1;
    uint64_t steps_ = 0;
};

}  // namespace aps::model
