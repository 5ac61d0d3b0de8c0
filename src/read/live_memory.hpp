// RemoteMemory for a live process: process_vm_readv, or pread on /proc/PID/mem when the syscall
// is unavailable or refused but the file is readable.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>

#include "aps/memory.hpp"

namespace aps::read {

class LiveMemory final : public RemoteMemory {
  public:
    explicit LiveMemory(pid_t pid) : pid_(pid) {}
    ~LiveMemory() override;
    LiveMemory(const LiveMemory&) = delete;
    LiveMemory& operator=(const LiveMemory&) = delete;

    Result<void> read(uint64_t addr, std::span<std::byte> out) override;
    // process_vm_readv stops at the first page it cannot read and says how far it got.
    std::size_t read_prefix(uint64_t addr, std::span<std::byte> out) override;
    Result<void> read_fresh_batch(std::span<const ReadRequest> requests) override;
    // Another reader of the same process, for another thread (it shares no state with this
    // one); none once reads fell back to /proc/PID/mem (that mode is rare and slow, and one
    // thread is enough for it).
    std::unique_ptr<LiveMemory> another() const;

  private:
    enum class Mode { VmReadv, ProcMem };

    Result<void> read_vm(uint64_t addr, std::span<std::byte> out, int& failed_errno);
    Result<void> read_vm(uint64_t addr, std::span<std::byte> out, int& failed_errno,
                         std::size_t& done);
    Result<void> read_mem(uint64_t addr, std::span<std::byte> out);
    Error error_for(int err, uint64_t addr, size_t size) const;

    pid_t pid_;
    Mode mode_ = Mode::VmReadv;
    int mem_fd_ = -1;
};

}  // namespace aps::read
