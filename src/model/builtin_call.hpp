// The built-in a thread's innermost Python frame is calling ("time.sleep",
// "_socket.socket.recv"), read from the call instruction the frame is at and the callable on its
// evaluation stack: what names the synchronous call that holds a blocked event loop.
#pragma once

#include <string>

#include "model/remote_object.hpp"
#include "model/walk_context.hpp"

namespace aps::model {

// The qualified name of the built-in (a C function or a C type's method) that `frame`, running
// the code object at `code`, is calling; empty when it is at no call instruction, calls
// something else (Python code runs in a frame of its own) or anything read does not fit. Only a
// frame that is waiting for a call to return (the innermost Python frame of a thread) keeps its
// stack pointer at its call's inputs, so only such a frame is asked.
std::string builtin_call(WalkContext& ctx, RemoteMemory& memory, const RemoteObject& frame,
                         uint64_t code);

}  // namespace aps::model
