// Problems and marker frames (see problems.hpp).
#include "model/problems.hpp"

#include <utility>

namespace aps::model {

void record_problem(WalkContext& ctx, uint64_t task, Problem::Part part, bool cut,
                    std::string what) {
    if (!ctx.problem_keys.emplace(task, part).second) return;
    Snapshot& s = ctx.snapshot;
    if (s.problems.size() >= Snapshot::kMaxProblems) {
        ++s.problems_left_out;
        return;
    }
    s.problems.push_back(Problem{task, part, cut, std::move(what)});
}

Frame marker_frame(WalkContext& ctx, bool cut) {
    // Keyed in the code table by an address no code object has (objects are 4-byte aligned and
    // never at 0), so that each marker is one code however often it is used.
    const uint64_t key = cut ? 1 : 0;
    auto it = ctx.codes.find(key);
    if (it == ctx.codes.end()) {
        CodeInfo info;
        info.index = static_cast<uint32_t>(ctx.snapshot.codes.size());
        Code marker;
        marker.function = cut ? Snapshot::kCut : Snapshot::kUnreadable;
        marker.kind = Code::Kind::Marker;
        ctx.snapshot.codes.push_back(std::move(marker));
        it = ctx.codes.emplace(key, std::move(info)).first;
    }
    Frame frame;
    frame.code = it->second.index;
    frame.line = 0;  // with no file, the tree prints the name alone
    return frame;
}

}  // namespace aps::model
