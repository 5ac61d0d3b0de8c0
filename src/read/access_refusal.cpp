// Why the kernel refuses a read of a process that runs as aps's own user; see access_refusal.hpp.
#include "read/access_refusal.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace aps::read {
namespace {

// Real, effective and saved ids from a "Uid:" or "Gid:" line of /proc/PID/status.
struct Ids {
    long real = -1;
    long effective = -1;
    long saved = -1;
};

bool read_ids(pid_t pid, Ids& uid, Ids& gid) {
    const std::string path = fmt::format("/proc/{}/status", pid);
    std::FILE* f = std::fopen(path.c_str(), "re");
    if (f == nullptr) return false;
    char line[256];
    int found = 0;
    while (found < 2 && std::fgets(line, sizeof line, f) != nullptr) {
        Ids* ids = std::strncmp(line, "Uid:", 4) == 0   ? &uid
                   : std::strncmp(line, "Gid:", 4) == 0 ? &gid
                                                        : nullptr;
        if (ids != nullptr &&
            std::sscanf(line + 4, "%ld %ld %ld", &ids->real, &ids->effective, &ids->saved) == 3) {
            ++found;
        }
    }
    std::fclose(f);
    return found == 2;
}

}  // namespace

std::optional<std::string> explain_access_refusal(pid_t pid) {
    const uid_t me = ::geteuid();
    // Root is refused only without CAP_SYS_PTRACE (a container), which the usual hint covers;
    // and /proc shows root as the owner of a root process either way.
    if (me == 0) return std::nullopt;
    Ids uid, gid;
    if (!read_ids(pid, uid, gid) || uid.real != static_cast<long>(me)) return std::nullopt;
    // The kernel gives the /proc files of a process that is not dumpable to root (the folder
    // /proc/PID itself may keep its owner); a setuid or setgid program is not dumpable, and runs
    // with ids that are not its user's anyway.
    struct stat st {};
    const std::string status = fmt::format("/proc/{}/status", pid);
    const bool owned_by_root = ::stat(status.c_str(), &st) == 0 && st.st_uid != me;
    const bool set_id = uid.effective != uid.real || uid.saved != uid.real ||
                        gid.effective != gid.real || gid.saved != gid.real;
    if (!owned_by_root && !set_id) return std::nullopt;
    return fmt::format(
        "cannot read process {}: it runs as your user (uid {}) but is not dumpable (it called "
        "prctl(PR_SET_DUMPABLE, 0), runs a setuid or setgid program, or is a hardened runtime), "
        "and the kernel lets only root or a process with CAP_SYS_PTRACE read such a process: run "
        "aps as root, or grant it CAP_SYS_PTRACE",
        pid, me);
}

}  // namespace aps::read
