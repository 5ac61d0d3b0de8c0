// Native stacks of a held process (aps dump --native-frames): elfutils' libdwfl unwinds each
// stopped thread from its registers through the mapped files' call frame information, and names
// each frame from their symbol tables (or their debug files': read/debug_file.hpp). With
// debug_file.cpp, the read layer's only user of libdw.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps::read {

struct UnwindLimits {
    std::size_t max_frames = 1024;   // per thread: a deeper stack ends cut (NativeStack::cut)
    std::size_t max_threads = 4096;  // threads unwound; the rest get a NativeStack with an error
};

// One process's mapped files, made ready to unwind its threads. Made before the threads are
// stopped (reporting the mappings, loading each file's symbol table and call frame information:
// most of the work), so that the stop lasts only for the walk itself. A file mapped after
// prepare() is unknown to the unwind: its frames get no name, and the unwind may end there.
class NativeUnwinder {
  public:
    // Never fails: what went wrong is kept and becomes every thread's NativeStack::error.
    static NativeUnwinder prepare(pid_t pid);

    NativeUnwinder(NativeUnwinder&&) noexcept;
    NativeUnwinder& operator=(NativeUnwinder&&) noexcept;
    ~NativeUnwinder();

    // Unwinds every thread of `tids`, which the caller holds in a ptrace stop (ProcessFreezer)
    // from this same OS thread: libdwfl reads their registers and memory with ptrace and never
    // attaches or detaches itself. One NativeStack per tid, in order; a thread that cannot be
    // unwound keeps the frames found before the failure and says why in NativeStack::error.
    // `after_first` (if set) runs once the first thread is unwound: a test holds aps there,
    // mid-unwind (tests/integration/native_frames.py). Call once. The frames have their
    // addresses only: name_frames() names them, after the target is let go.
    std::vector<NativeStack> unwind(const std::vector<pid_t>& tids, const UnwindLimits& limits = {},
                                    const std::function<void()>& after_first = {});

    // Fills each frame's function, library and offset from the mapped files (no access to the
    // target: call it once the threads run again). `stacks` is what unwind() returned.
    void name_frames(std::vector<NativeStack>& stacks) const;

  private:
    struct State;
    explicit NativeUnwinder(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace aps::read
