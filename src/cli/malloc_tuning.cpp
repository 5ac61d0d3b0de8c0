// malloc settings for aps's one short run (see malloc_tuning.hpp).
#include "cli/malloc_tuning.hpp"

#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#include <malloc.h>
#define APS_TUNE_GLIBC_MALLOC 1
#endif

namespace aps {

void keep_freed_memory_for_reuse() {
#ifdef APS_TUNE_GLIBC_MALLOC
    // By default glibc maps each allocation of 128 KiB or more on its own and unmaps it when freed:
    // a vector growing to 100 MB by doubling was faulted in page by page at every size. From the
    // heap, a freed buffer is memory the next allocations reuse without a fault. Either setting
    // also turns off glibc's adjustment of these thresholds at run time.
    constexpr int kOneGiB = 1 << 30;
    mallopt(M_MMAP_THRESHOLD, kOneGiB);
    mallopt(M_TRIM_THRESHOLD, kOneGiB);
#endif
}

}  // namespace aps
