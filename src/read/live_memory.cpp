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
#include <vector>

#include "read/live_platform.hpp"

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
// `done`: how many bytes from the start were read.
Result<void> LiveMemory::read_vm(uint64_t addr, std::span<std::byte> out, int& failed_errno,
                                 std::size_t& done) {
    done = 0;
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

Result<void> LiveMemory::read_vm(uint64_t addr, std::span<std::byte> out, int& failed_errno) {
    std::size_t done = 0;
    return read_vm(addr, out, failed_errno, done);
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

std::size_t LiveMemory::read_prefix(uint64_t addr, std::span<std::byte> out) {
    if (mode_ == Mode::VmReadv && !out.empty()) {
        int failed_errno = 0;
        std::size_t done = 0;
        if (read_vm(addr, out, failed_errno, done)) return out.size();
        if (failed_errno != ENOSYS && failed_errno != EPERM) return done;
    }
    return RemoteMemory::read_prefix(addr, out);  // read() finds the way that works
}

// Up to IOV_MAX requests per process_vm_readv; a batch that comes back short (a request crosses
// unmapped memory) is finished request by request, so the error names the request that failed.
Result<void> LiveMemory::read_fresh_batch(std::span<const ReadRequest> requests) {
    constexpr std::size_t kMaxIov = 1024;
    std::vector<iovec> local, remote;
    std::size_t i = 0;
    while (i < requests.size()) {
        if (mode_ != Mode::VmReadv) break;
        local.clear();
        remote.clear();
        std::size_t expected = 0;
        for (std::size_t j = i; j < requests.size() && local.size() < kMaxIov; ++j) {
            const ReadRequest& r = requests[j];
            if (r.out.empty()) continue;
            local.push_back({r.out.data(), r.out.size()});
            remote.push_back({reinterpret_cast<void*>(r.addr), r.out.size()});
            expected += r.out.size();
        }
        std::size_t end = i;
        for (std::size_t seen = 0; end < requests.size() && seen < local.size(); ++end) {
            if (!requests[end].out.empty()) ++seen;
        }
        if (local.empty()) return {};
        ssize_t n =
            ::process_vm_readv(pid_, local.data(), local.size(), remote.data(), remote.size(), 0);
        if (n < 0 || static_cast<std::size_t>(n) != expected) break;  // finish one by one
        i = end;
    }
    for (; i < requests.size(); ++i) {
        if (auto ok = read(requests[i].addr, requests[i].out); !ok) return ok;
    }
    return {};
}

std::unique_ptr<LiveMemory> LiveMemory::another() const {
    if (mode_ != Mode::VmReadv) return nullptr;
    return std::make_unique<LiveMemory>(pid_);
}

std::unique_ptr<RemoteMemory> open_live_memory(pid_t pid) {
    return std::make_unique<LiveMemory>(pid);
}

std::unique_ptr<RemoteMemory> another_live_reader(RemoteMemory& live) {
    // open_live_memory makes nothing else on Linux.
    return static_cast<LiveMemory&>(live).another();
}

}  // namespace aps::read
