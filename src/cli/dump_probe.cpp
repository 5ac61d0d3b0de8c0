// The second look of aps dump --format json (see dump_probe.hpp).
#include "cli/dump_probe.hpp"

#include <thread>

namespace aps {

Result<SecondLook> second_look(Target& target, const Snapshot& first) {
    const auto start = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(kSecondLookAfter);
    // A lower bound: the first snapshot was read before `start`, the second is read after.
    const std::chrono::duration<double> between = std::chrono::steady_clock::now() - start;
    auto snapshot = target.snapshot();
    if (!snapshot) return std::move(snapshot).error();
    SecondLook out;
    out.loops = thread_loops(*snapshot, &first, between.count());
    out.snapshot = std::move(*snapshot);
    return out;
}

}  // namespace aps
