// aps dump --format json's second look at the target: the blocked-loop verdict needs two
// snapshots, a loop held the same way in both being blocked for at least the time between.
#pragma once

#include <chrono>
#include <vector>

#include "aps/loop_state.hpp"
#include "aps/target.hpp"

namespace aps {

// How long after the first snapshot the second is taken: long enough that a healthy loop has
// run many steps in between, short enough for a command a person waits for.
inline constexpr std::chrono::milliseconds kSecondLookAfter{200};

struct SecondLook {
    Snapshot snapshot;              // the second snapshot: the one printed
    std::vector<ThreadLoop> loops;  // its threads' loop states, blocked ones with their time
};

// Takes the second snapshot of `target` kSecondLookAfter after `first` was taken (now).
Result<SecondLook> second_look(Target& target, const Snapshot& first);

}  // namespace aps
