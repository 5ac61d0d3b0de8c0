// Native stacks of a held process (aps dump --native-frames): elfutils' libdwfl unwinds each
// stopped thread from its registers through the mapped files' call frame information, and names
// each frame from their symbol tables. The read layer's only user of libdw.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps::read {

struct UnwindLimits {
    std::size_t max_frames = 1024;   // per thread: a deeper stack ends cut (NativeStack::cut)
    std::size_t max_threads = 4096;  // threads unwound; the rest get a NativeStack with an error
};

// Unwinds every thread of `tids`, which the caller holds in a ptrace stop (ProcessFreezer) from
// this same OS thread: libdwfl reads their registers and memory with ptrace and never attaches
// or detaches itself. One NativeStack per tid, in order. Never fails as a whole: a thread that
// cannot be unwound (or all of them, when the process's mappings cannot be reported) keeps the
// frames found before the failure and says why in NativeStack::error. `after_first` (if set) runs
// once the first thread is unwound: a test holds aps there, mid-unwind (tests/integration).
std::vector<NativeStack> unwind_native_stacks(pid_t pid, const std::vector<pid_t>& tids,
                                              const UnwindLimits& limits = {},
                                              const std::function<void()>& after_first = {});

}  // namespace aps::read
