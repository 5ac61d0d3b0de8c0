// Whether a thread of a live process is on a CPU, as the kernel says in /proc (aps dump's
// "on CPU" and "idle" words).
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "aps/snapshot.hpp"

namespace aps::read {

// The state letter of /proc/PID/task/TID/stat: 'R' is Running; sleeping, stopped by a signal,
// a zombie or an idle kernel thread is Idle; anything else (traced, gone, unreadable) Unknown.
CpuState thread_cpu_state(pid_t pid, uint64_t tid);

}  // namespace aps::read
