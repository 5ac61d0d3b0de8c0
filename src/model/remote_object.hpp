// Copy-then-view access to remote objects: read an object once into a local buffer, then pull
// typed fields out of it with memcpy. Also owns pointer untagging and hex formatting for messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"

namespace aps::model {

// Object pointers and _PyStackRefs carry tag bits in their low 2 bits (Py_TAG_BITS = 3).
inline constexpr uint64_t untag(uint64_t p) {
    return p & ~uint64_t{3};
}

// Largest object the walker copies in one piece; the offsets tables are validated by the read
// layer, this only guards against a garbage size reaching an allocation.
inline constexpr uint64_t kMaxObjectBytes = uint64_t{1} << 20;

// Reads a T at `offset` of `bytes`; a field that does not fit in `bytes` reads as T{}.
template <class T>
T field(std::span<const std::byte> bytes, uint64_t offset) {
    static_assert(std::is_trivially_copyable_v<T>);
    T value{};
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) return value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

std::string hex(uint64_t value);  // "0x7f…", like Python's hex()

// "reading <what> at 0x…" context for an error.
Error reading_error(Error e, std::string_view what, uint64_t addr);

class RemoteObject {
  public:
    // Copies `size` bytes at `addr`. NULL addresses and absurd sizes are CorruptData; failed
    // reads keep their code and gain the context "reading <what> at 0x…".
    static Result<RemoteObject> read(RemoteMemory& memory, uint64_t addr, uint64_t size,
                                     std::string_view what);

    uint64_t address() const { return addr_; }
    std::span<const std::byte> bytes() const {
        return {heap_.empty() ? inline_ : heap_.data(), size_};
    }

    template <class T>
    T get(uint64_t offset) const {
        return field<T>(bytes(), offset);
    }
    uint64_t ptr(uint64_t offset) const { return untag(get<uint64_t>(offset)); }

    RemoteObject(const RemoteObject& o) : addr_(o.addr_), size_(o.size_), heap_(o.heap_) {
        if (heap_.empty()) std::memcpy(inline_, o.inline_, size_);  // only the bytes in use
    }
    RemoteObject& operator=(const RemoteObject&) = delete;

  private:
    // Objects up to kInlineBytes (tasks, coroutines, sets, str headers) need no allocation.
    static constexpr uint64_t kInlineBytes = 512;
    RemoteObject(uint64_t addr, uint64_t size) : addr_(addr), size_(size) {
        if (size > kInlineBytes) heap_.resize(size);
    }
    std::span<std::byte> storage() { return {heap_.empty() ? inline_ : heap_.data(), size_}; }
    uint64_t addr_;
    uint64_t size_;
    std::vector<std::byte> heap_;
    std::byte inline_[kInlineBytes];
};

// Reads one trivially copyable value at addr (with the "reading <what>" context on failure).
template <class T>
Result<T> read_value(RemoteMemory& memory, uint64_t addr, std::string_view what) {
    static_assert(std::is_trivially_copyable_v<T>);
    std::byte buf[sizeof(T)];
    if (auto r = memory.read(addr, buf); !r) return reading_error(std::move(r).error(), what, addr);
    T value;
    std::memcpy(&value, buf, sizeof(T));
    return value;
}

// Reads an object pointer at addr and clears its tag bits.
Result<uint64_t> read_ptr(RemoteMemory& memory, uint64_t addr, std::string_view what);

}  // namespace aps::model
