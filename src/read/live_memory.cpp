// Reading a live process's memory without stopping it or writing to it: process_vm_readv first,
// /proc/PID/mem as the fallback, and errno turned into aps errors.
#include "read/live_memory.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <memory>

#include "aps/target.hpp"

namespace aps::read {

LiveMemory::~LiveMemory() {
    if (mem_fd_ >= 0) ::close(mem_fd_);
}

Error LiveMemory::error_for(int err, uint64_t addr, size_t size) const {
    switch (err) {
        case ESRCH:
            return {Errc::NoSuchProcess, fmt::format("process {} exited", pid_)};
        case EPERM:
        case EACCES:
            return {Errc::PermissionDenied,
                    fmt::format("permission denied reading the memory of process {}", pid_)};
        default:
            return {Errc::ReadFailed, fmt::format("cannot read {} bytes at {:#x} in process {}: {}",
                                                  size, addr, pid_, std::strerror(err))};
    }
}

// Loops over partial reads; a read that makes no progress is EFAULT at the first missing byte.
Result<void> LiveMemory::read_vm(uint64_t addr, std::span<std::byte> out, int& failed_errno) {
    size_t done = 0;
    while (done < out.size()) {
        iovec local{out.data() + done, out.size() - done};
        iovec remote{reinterpret_cast<void*>(addr + done), out.size() - done};
        ssize_t n = ::process_vm_readv(pid_, &local, 1, &remote, 1, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            failed_errno = n < 0 ? errno : EFAULT;
            return error_for(failed_errno, addr + done, out.size() - done);
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

Result<void> LiveMemory::read_mem(uint64_t addr, std::span<std::byte> out) {
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(mem_fd_, out.data() + done, out.size() - done, static_cast<off_t>(addr + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return error_for(errno, addr + done, out.size() - done);
        if (n == 0) {
            // End of file: the address is past the end of the address space, or the process
            // has gone (its mm was released).
            if (::kill(pid_, 0) != 0 && errno == ESRCH) return error_for(ESRCH, addr, out.size());
            return error_for(EIO, addr + done, out.size() - done);
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

Result<void> LiveMemory::read(uint64_t addr, std::span<std::byte> out) {
    if (out.empty()) return {};
    if (mode_ == Mode::ProcMem) return read_mem(addr, out);

    int failed_errno = 0;
    auto vm = read_vm(addr, out, failed_errno);
    if (vm || (failed_errno != ENOSYS && failed_errno != EPERM)) return vm;

    // process_vm_readv is missing or filtered (seccomp); /proc/PID/mem may still be allowed.
    std::string path = fmt::format("/proc/{}/mem", pid_);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT) return error_for(ESRCH, addr, out.size());
        return failed_errno == ENOSYS ? error_for(err, addr, out.size()) : vm;
    }
    mem_fd_ = fd;
    auto mem = read_mem(addr, out);
    if (mem || mem.error().code != Errc::PermissionDenied) {
        mode_ = Mode::ProcMem;
        return mem;
    }
    ::close(mem_fd_);
    mem_fd_ = -1;
    return failed_errno == ENOSYS ? mem : vm;
}

}  // namespace aps::read

namespace aps {

std::unique_ptr<RemoteMemory> open_live_memory(pid_t pid) {
    return std::make_unique<read::LiveMemory>(pid);
}

}  // namespace aps
