// STUB — replaced by the model work.
#include "aps/walker.hpp"
namespace aps {
Result<Snapshot> walk_snapshot(RemoteMemory&, const WalkInput&, const WalkLimits&) {
    return Error{Errc::CorruptData, "not implemented"};
}
}  // namespace aps
