// How long each task of a snapshot has been parked at the same await: the value the park tracker
// (src/model) computes from successive snapshots and the watch view (src/render) prints.
#pragma once

#include <chrono>

namespace aps {

struct ParkTime {
    // Time since the first sample that saw the task where it is now (same name, same coroutine
    // stack, same lines). A lower bound: the task got there at most one interval earlier.
    std::chrono::nanoseconds parked{0};
    // The task was already there at the first sample, so it has been parked for longer still.
    bool before_first_sample = false;
};

}  // namespace aps
