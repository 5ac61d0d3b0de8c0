// Ctrl-Z while aps holds a target stopped (--stop): aps must not be suspended with the target
// frozen for as long as aps stays suspended.
#pragma once

#include <signal.h>

namespace aps::read {

// While alive, the job-control stop signals (SIGTSTP from Ctrl-Z, SIGTTIN, SIGTTOU) are blocked.
// One that arrives meanwhile stays pending; the destructor unblocks them, and it then takes its
// usual effect: aps stops, after the target runs again. Live for the milliseconds of the pause
// only. SIGSTOP cannot be blocked: `kill -STOP` on aps still holds the target until aps is
// continued (or killed: the kernel then lets the target go).
class JobControlHold {
  public:
    JobControlHold();
    ~JobControlHold();
    JobControlHold(const JobControlHold&) = delete;
    JobControlHold& operator=(const JobControlHold&) = delete;

  private:
    sigset_t old_mask_{};
};

}  // namespace aps::read
