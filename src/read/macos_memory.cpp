// RemoteMemory for a live macOS process: a task port from task_for_pid, read with
// mach_vm_read_overwrite. Built only on Apple systems (CMake picks it instead of live_memory.cpp);
// it has never been compiled on the Linux machines aps is developed on (see docs/macos.md).
#ifdef __APPLE__

#include <fmt/format.h>
#include <mach/mach.h>
#include <mach/mach_error.h>
#include <mach/mach_vm.h>
#include <signal.h>

#include <cerrno>
#include <memory>

#include "aps/memory.hpp"
#include "read/live_platform.hpp"

namespace aps::read {
namespace {

class MachMemory final : public RemoteMemory {
  public:
    explicit MachMemory(pid_t pid) : pid_(pid) {
        open_result_ = task_for_pid(mach_task_self(), pid, &task_);
        if (open_result_ != KERN_SUCCESS) task_ = MACH_PORT_NULL;
    }
    ~MachMemory() override {
        if (task_ != MACH_PORT_NULL) mach_port_deallocate(mach_task_self(), task_);
    }
    MachMemory(const MachMemory&) = delete;
    MachMemory& operator=(const MachMemory&) = delete;

    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        if (task_ == MACH_PORT_NULL) return open_error();
        if (out.empty()) return {};
        if (addr + out.size() < addr) return unreadable(addr, out.size(), KERN_INVALID_ADDRESS);
        mach_vm_size_t got = 0;
        kern_return_t kr = mach_vm_read_overwrite(
            task_, addr, out.size(), reinterpret_cast<mach_vm_address_t>(out.data()), &got);
        if (kr == KERN_SUCCESS && got == out.size()) return {};
        if (kr == KERN_SUCCESS) kr = KERN_INVALID_ADDRESS;  // a short copy: the rest is unmapped
        if (!alive()) return Error{Errc::NoSuchProcess, fmt::format("process {} exited", pid_)};
        return unreadable(addr, out.size(), kr);
    }

  private:
    // kill(pid, 0) sends nothing; ESRCH says the pid is gone (a reused pid is not our task).
    bool alive() const { return ::kill(pid_, 0) == 0 || errno != ESRCH; }

    Error open_error() const {
        if (!alive()) return {Errc::NoSuchProcess, fmt::format("no process {}", pid_)};
        return {Errc::PermissionDenied,
                fmt::format("task_for_pid({}) was refused ({}): run aps as root, signed with the "
                            "com.apple.security.cs.debugger entitlement; see docs/macos.md",
                            pid_, mach_error_string(open_result_))};
    }

    Error unreadable(uint64_t addr, size_t size, kern_return_t kr) const {
        return {Errc::ReadFailed, fmt::format("cannot read {} bytes at {:#x} in process {}: {}",
                                              size, addr, pid_, mach_error_string(kr))};
    }

    pid_t pid_;
    mach_port_t task_ = MACH_PORT_NULL;
    kern_return_t open_result_ = KERN_SUCCESS;
};

}  // namespace

std::unique_ptr<RemoteMemory> open_live_memory(pid_t pid) {
    return std::make_unique<MachMemory>(pid);
}

std::unique_ptr<RemoteMemory> another_live_reader(RemoteMemory&) {
    return nullptr;  // one thread until the macOS reader is used for real
}

}  // namespace aps::read

#endif  // __APPLE__
