// The walk's total budgets (see budget.hpp).
#include "model/budget.hpp"

#include <fmt/format.h>

namespace aps::model {
namespace {

Error over(const char* what, uint64_t budget) {
    return Error{Errc::TooLarge,
                 fmt::format("the target claims more than {} {} in all, more than aps reads in "
                             "one snapshot (a bound against garbage and hostile targets)",
                             budget, what)};
}

}  // namespace

Result<void> check_arrays(const WalkContext& ctx, std::size_t frames, std::size_t awaiters) {
    if (frames > ctx.limits.max_total_frames) {
        return over("coroutine frames", ctx.limits.max_total_frames);
    }
    if (awaiters > ctx.limits.max_total_awaiters) {
        return over("awaiter links", ctx.limits.max_total_awaiters);
    }
    return {};
}

Result<void> check_budget(const WalkContext& ctx) {
    if (auto r = check_arrays(ctx, ctx.snapshot.frames.size(), ctx.awaiter_links); !r) {
        return r;
    }
    if (ctx.string_bytes > ctx.limits.max_total_string_bytes) {
        return over("bytes of names", ctx.limits.max_total_string_bytes);
    }
    return {};
}

}  // namespace aps::model
