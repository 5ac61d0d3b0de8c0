// FakeMemory: byte regions at chosen addresses (see fake_memory.hpp).
#include "support/fake_memory.hpp"

#include <cstdio>
#include <cstdlib>

namespace aps::test {

namespace {

class SharedReader final : public RemoteMemory {
  public:
    explicit SharedReader(const FakeMemory& memory) : memory_(memory) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        return memory_.peek(addr, out);
    }

  private:
    const FakeMemory& memory_;
};

}  // namespace

const std::vector<std::byte>* FakeMemory::region_for(uint64_t addr, uint64_t size,
                                                     uint64_t* offset) const {
    auto it = regions_.upper_bound(addr);
    if (it == regions_.begin()) return nullptr;
    --it;
    uint64_t off = addr - it->first;
    if (off > it->second.size() || it->second.size() - off < size) return nullptr;
    *offset = off;
    return &it->second;
}

Result<void> FakeMemory::read(uint64_t addr, std::span<std::byte> out) {
    ++reads_;
    return peek(addr, out);
}

std::unique_ptr<RemoteMemory> FakeMemory::another() {
    if (!shared_) return nullptr;
    return std::make_unique<SharedReader>(*this);
}

Result<void> FakeMemory::peek(uint64_t addr, std::span<std::byte> out) const {
    uint64_t off = 0;
    auto* region = region_for(addr, out.size(), &off);
    if (region == nullptr) {
        char msg[96];
        std::snprintf(msg, sizeof msg, "no fake memory at 0x%llx (%zu bytes)",
                      static_cast<unsigned long long>(addr), out.size());
        return Error{Errc::ReadFailed, msg};
    }
    if (!out.empty()) std::memcpy(out.data(), region->data() + off, out.size());
    return {};
}

void FakeMemory::map(uint64_t addr, uint64_t size) {
    regions_[addr] = std::vector<std::byte>(size);
}

void FakeMemory::unmap(uint64_t addr) {
    regions_.erase(addr);
}

bool FakeMemory::is_mapped(uint64_t addr, uint64_t size) const {
    uint64_t off = 0;
    return region_for(addr, size, &off) != nullptr;
}

void FakeMemory::write(uint64_t addr, std::span<const std::byte> bytes) {
    uint64_t off = 0;
    auto* region = const_cast<std::vector<std::byte>*>(region_for(addr, bytes.size(), &off));
    if (region == nullptr) {
        std::fprintf(stderr, "FakeMemory: write outside any region at 0x%llx\n",
                     static_cast<unsigned long long>(addr));
        std::abort();
    }
    if (!bytes.empty()) std::memcpy(region->data() + off, bytes.data(), bytes.size());
}

}  // namespace aps::test
