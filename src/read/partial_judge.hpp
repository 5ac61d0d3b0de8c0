// Settling a snapshot of a live target that could not read some tasks whole: the answer, or a
// reason to read the target again.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps::read {

// Whole, or missing only stacks cut at the depth bound (which no re-read brings), a snapshot is
// the answer; read while the target was held still, it is too (it would read the same again). A
// running target may have been caught mid-change: the answer is the second of two attempts in a
// row that could not read the same parts of the same tasks, broken for good, not moving.
class PartialJudge {
  public:
    bool take(const Snapshot& snapshot, bool held_still);
    // The attempt in between gave no snapshot: the next one starts a new pair.
    void forget() { missed_before_.reset(); }

  private:
    std::optional<std::vector<std::pair<uint64_t, Problem::Part>>> missed_before_;
};

}  // namespace aps::read
