// Hooks that let integration tests hold aps at a chosen point, set from the environment; they
// stay at the CLI boundary and never reach the read, model or render code.
//
// They exist only in aps_test_hooks, an executable the test suite builds (CMake option
// APS_TEST_HOOKS, on with the tests) and never installs; aps itself is linked with
// test_hooks_off.cpp, whose hooks do nothing. Even in aps_test_hooks they are read with
// secure_getenv and ignored when the process runs with more privilege than its real user's: a
// copy given CAP_SYS_PTRACE with setcap must not let any user hold a root process stopped.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>

namespace aps {

// APS_TEST_HOLD_STOPPED_MS=N (0 < N <= 600000): with --stop, sleep N ms while the target is
// held stopped, so a test can kill aps at that moment. Empty when unset, not such a number, or
// the process is privileged (see above); always empty in aps.
std::function<void()> hold_while_stopped_hook();

// What the kernel says about this process's privileges.
struct Privileges {
    bool secure_exec = false;  // AT_SECURE: setuid, setgid or file capabilities at exec
    uid_t real_uid = 0;
    uid_t effective_uid = 0;
    gid_t real_gid = 0;
    gid_t effective_gid = 0;
    uint64_t effective_caps = 0;  // bit N: capability N
};

Privileges current_privileges();

// Whether `p` holds more than its real user has: AT_SECURE, effective ids that are not the real
// ones, or, for a user other than root, any effective capability (ambient capabilities do not
// set AT_SECURE).
bool elevated(const Privileges& p);

}  // namespace aps
