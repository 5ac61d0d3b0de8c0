// Blocking the job-control stop signals around a --stop pause; see job_control_hold.hpp.
#include "read/job_control_hold.hpp"

#include <initializer_list>

namespace aps::read {

JobControlHold::JobControlHold() {
    sigset_t stops;
    sigemptyset(&stops);
    for (int signo : {SIGTSTP, SIGTTIN, SIGTTOU}) sigaddset(&stops, signo);
    sigprocmask(SIG_BLOCK, &stops, &old_mask_);
}

JobControlHold::~JobControlHold() {
    // A stop that came while the target was held is delivered here, once it runs again.
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
}

}  // namespace aps::read
