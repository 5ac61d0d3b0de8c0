// How aps asks malloc to treat its memory: one short run that fills tens to hundreds of megabytes
// and frees most of it only at exit, where every first touch of a page is a fault.
#pragma once

namespace aps {

// Keeps memory freed during the run for reuse: big vectors come from the heap rather than from
// a mapping each (unmapped when freed, faulted in again for the next), and the heap's free top
// is not returned to the kernel. Call once, first thing in main; a no-op outside glibc and under
// a sanitizer's allocator.
void keep_freed_memory_for_reuse();

}  // namespace aps
