// ChangingMemory: a FakeMemory reader that changes the image once, right after a chosen read, to
// play a target that changes while aps reads it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <utility>

#include "aps/memory.hpp"
#include "support/fake_memory.hpp"

namespace aps::test {

// Reads a FakeMemory and, right after the first read that covers `at`, runs `change` once.
// Readers for other threads (FakeMemory::another) read the same image and never trigger the
// change.
class ChangingMemory final : public RemoteMemory {
  public:
    explicit ChangingMemory(FakeMemory& inner) : inner_(inner) {}
    void after_read_of(uint64_t at, std::function<void()> change) {
        at_ = at;
        change_ = std::move(change);
    }
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        auto r = inner_.read(addr, out);
        if (change_ && addr <= at_ && at_ < addr + out.size()) {
            auto change = std::move(change_);
            change_ = nullptr;
            change();
        }
        return r;
    }
    bool changed() const { return !change_; }

  private:
    FakeMemory& inner_;
    uint64_t at_ = 0;
    std::function<void()> change_;
};

}  // namespace aps::test
