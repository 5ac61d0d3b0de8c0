// Maps typed errors to the exit codes (README, "Exit codes") and one-line explanations with
// their fixes.
#include "cli/exit_status.hpp"

#include <fmt/format.h>

namespace aps {

int exit_code_for(Errc code) {
    switch (code) {
        case Errc::NoSuchProcess:
            return kExitNoSuchProcess;
        case Errc::PermissionDenied:
        case Errc::StopRefused:  // EPERM from ptrace; the message names the cause and the fix
            return kExitPermission;
        case Errc::NotPython:
        case Errc::UnsupportedVersion:
        case Errc::InvalidOffsets:
        case Errc::BadImage:
            return kExitNotSupported;
        case Errc::ReadFailed:
        case Errc::CorruptData:
        case Errc::TooLarge:
        case Errc::StopFailed:  // --stop could not hold the target still: no consistent read
            return kExitInconsistent;
        case Errc::BadCore:
            return kExitBadCore;
        case Errc::FileMismatch:
            return kExitFileMismatch;
    }
    return kExitInconsistent;
}

std::string describe_error(const Error& error) {
    if (error.code == Errc::PermissionDenied) {
        return fmt::format(
            "aps: {}: run aps as the target's user or as root, or grant it CAP_SYS_PTRACE; with "
            "kernel.yama.ptrace_scope above 1 only root can read (sysctl "
            "kernel.yama.ptrace_scope); "
            "in Kubernetes use 'kubectl debug --profile=general'\n",
            error.message);
    }
    return fmt::format("aps: {}\n", error.message);
}

}  // namespace aps
