// Finding a thread by id (see thread_lookup.hpp).
#include "render/thread_lookup.hpp"

namespace aps::render {

const Thread* thread_with_stack(const Snapshot& s, uint64_t tid) {
    for (const Interpreter& interp : s.interpreters) {
        for (const Thread& t : interp.threads) {
            if (t.tid == tid && t.stack.read) return &t;
        }
    }
    return nullptr;
}

}  // namespace aps::render
