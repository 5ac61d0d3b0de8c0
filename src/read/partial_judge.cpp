// Settling partial snapshots (see partial_judge.hpp).
#include "read/partial_judge.hpp"

#include <algorithm>

namespace aps::read {

bool PartialJudge::take(const Snapshot& snapshot, bool held_still) {
    const bool only_cut = std::all_of(snapshot.problems.begin(), snapshot.problems.end(),
                                      [](const Problem& p) { return p.cut; });
    if (only_cut || held_still) return true;
    std::vector<std::pair<uint64_t, Problem::Part>> places;
    places.reserve(snapshot.problems.size());
    for (const Problem& p : snapshot.problems) places.emplace_back(p.task, p.part);
    std::sort(places.begin(), places.end());
    const bool again = missed_before_ && *missed_before_ == places;
    missed_before_ = std::move(places);
    return again;
}

}  // namespace aps::read
