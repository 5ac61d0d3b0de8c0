// Why the kernel refused to let aps read a process of aps's own user.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace aps::read {

// After the kernel refused to let aps read `pid`: the reason, with what works, when the target
// runs as aps's own user (the usual advice, to run aps as the target's user, would be wrong):
// it is not dumpable (prctl(PR_SET_DUMPABLE, 0), a setuid or setgid program, a hardened
// runtime), so only root or CAP_SYS_PTRACE can read it. Empty otherwise.
std::optional<std::string> explain_access_refusal(pid_t pid);

}  // namespace aps::read
