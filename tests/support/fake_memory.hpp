// FakeMemory: a RemoteMemory made of byte regions at chosen addresses, for tests and fuzzing.
// A read must fall inside one region; anything else fails with ReadFailed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "aps/memory.hpp"

namespace aps::test {

class FakeMemory final : public RemoteMemory {
  public:
    Result<void> read(uint64_t addr, std::span<std::byte> out) override;
    // read() without counting: safe from several threads while nothing writes.
    Result<void> peek(uint64_t addr, std::span<std::byte> out) const;

    // From now on another() hands out readers of these regions for other threads (the walk's
    // chain worker); the test must not write or map while they read.
    void share_with_threads() { shared_ = true; }
    std::unique_ptr<RemoteMemory> another();

    // Maps a zero-filled region [addr, addr + size). Regions must not overlap.
    void map(uint64_t addr, uint64_t size);
    // Removes the region that starts at addr (reads of it then fail).
    void unmap(uint64_t addr);
    bool is_mapped(uint64_t addr, uint64_t size = 1) const;

    // Writes into mapped memory; aborts the test binary on a write outside every region.
    void write(uint64_t addr, std::span<const std::byte> bytes);
    template <class T>
    void put(uint64_t addr, T value) {
        static_assert(std::is_trivially_copyable_v<T>);
        std::byte buf[sizeof(T)];
        std::memcpy(buf, &value, sizeof(T));
        write(addr, buf);
    }
    template <class T>
    T get(uint64_t addr) {
        T value{};
        std::byte buf[sizeof(T)];
        if (read(addr, buf)) std::memcpy(&value, buf, sizeof(T));
        return value;
    }

    uint64_t reads() const { return reads_; }  // number of read() calls so far
    std::size_t regions() const { return regions_.size(); }
    // Start and size of every region, in address order (the fuzzer picks its targets here).
    std::vector<std::pair<uint64_t, uint64_t>> region_spans() const {
        std::vector<std::pair<uint64_t, uint64_t>> out;
        out.reserve(regions_.size());
        for (const auto& [addr, bytes] : regions_) out.emplace_back(addr, bytes.size());
        return out;
    }

  private:
    const std::vector<std::byte>* region_for(uint64_t addr, uint64_t size, uint64_t* offset) const;
    std::map<uint64_t, std::vector<std::byte>> regions_;
    uint64_t reads_ = 0;
    bool shared_ = false;
};

}  // namespace aps::test
