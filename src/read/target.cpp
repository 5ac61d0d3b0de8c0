// STUB — replaced by the read-layer work.
#include "aps/target.hpp"
namespace aps {
std::unique_ptr<RemoteMemory> open_live_memory(pid_t) { return nullptr; }
Result<Target> open_target(pid_t, RemoteMemory&) { return Error{Errc::NotPython, "not implemented"}; }
}  // namespace aps
