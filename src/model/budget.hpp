// The walk's total budgets (WalkLimits::max_total_*): what a snapshot may hold in all, however
// many times a target shares one object among its tasks.
#pragma once

#include <cstddef>

#include "aps/error.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// Errc::TooLarge, naming the budget, once the snapshot holds more than one allows.
Result<void> check_budget(const WalkContext& ctx);

// The same for the frames of the arrays being read into and the awaiter links read (into the
// snapshot, or into a chain worker's batch, which has its share of ctx.limits).
Result<void> check_arrays(const WalkContext& ctx, std::size_t frames, std::size_t awaiters);

}  // namespace aps::model
