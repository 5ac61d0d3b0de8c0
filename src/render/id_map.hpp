// A compact open-addressing hash map from 64-bit keys (task ids, packed pairs) to 32-bit values,
// for the render layer's million-task indexes; std::unordered_map's node per entry is the cost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace aps::render {

class IdMap {
  public:
    explicit IdMap(std::size_t expected = 0) { reserve(expected); }

    void reserve(std::size_t expected) {
        std::size_t want = 16;
        while (want < expected * 2) want <<= 1;
        if (want > keys_.size()) rehash(want);
    }

    // Inserts key → value unless present; returns the stored value and whether it was inserted.
    std::pair<uint32_t, bool> try_emplace(uint64_t key, uint32_t value) {
        if ((size_ + 1) * 2 > keys_.size()) rehash(keys_.size() * 2);
        std::size_t i = slot(key);
        while (full_[i]) {
            if (keys_[i] == key) return {values_[i], false};
            i = (i + 1) & mask_;
        }
        full_[i] = 1;
        keys_[i] = key;
        values_[i] = value;
        ++size_;
        return {value, true};
    }

    // The value stored for key, or `missing`.
    uint32_t find(uint64_t key, uint32_t missing) const {
        std::size_t i = slot(key);
        while (full_[i]) {
            if (keys_[i] == key) return values_[i];
            i = (i + 1) & mask_;
        }
        return missing;
    }

    std::size_t size() const { return size_; }

  private:
    std::size_t slot(uint64_t key) const {
        // splitmix64 finalizer: task addresses share their low bits.
        key ^= key >> 30;
        key *= 0xbf58476d1ce4e5b9u;
        key ^= key >> 27;
        key *= 0x94d049bb133111ebu;
        key ^= key >> 31;
        return static_cast<std::size_t>(key) & mask_;
    }

    void rehash(std::size_t capacity) {
        std::vector<uint64_t> keys(capacity);
        std::vector<uint32_t> values(capacity);
        std::vector<uint8_t> full(capacity, 0);
        keys.swap(keys_);
        values.swap(values_);
        full.swap(full_);
        mask_ = capacity - 1;
        size_ = 0;
        for (std::size_t i = 0; i < full.size(); ++i) {
            if (full[i]) try_emplace(keys[i], values[i]);
        }
    }

    std::vector<uint64_t> keys_;
    std::vector<uint32_t> values_;
    std::vector<uint8_t> full_;
    std::size_t mask_ = 0;
    std::size_t size_ = 0;
};

}  // namespace aps::render
