// CachedMemory: a RemoteMemory decorator that serves small reads from aligned blocks of the
// wrapped memory, each fetched once (several blocks per inner read when they are contiguous), with
// a bounded, least-recently-used set of blocks. One CachedMemory lives for one snapshot attempt.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "aps/error.hpp"
#include "aps/memory.hpp"

namespace aps::read {

struct CacheOptions {
    std::size_t block_bytes = 64 * 1024;           // power of two, 4 KiB .. 256 KiB
    std::size_t run_blocks = 1;                    // blocks fetched by one inner read on a miss
    std::size_t capacity_bytes = 4 * 1024 * 1024;  // cap on cached block bytes
    // The first page_loads misses load one page each; then the cache starts over with blocks of
    // block_bytes. A small target (a few dozen objects, on as many pages) is so read without
    // 64 KiB buffers, copies and the page faults behind them, most of a 1-task `aps ps`; a big
    // target soon passes page_loads and pays a few dozen pages read twice.
    std::size_t page_loads = 64;
};

class BlockExchange;

class CachedMemory final : public RemoteMemory {
  public:
    explicit CachedMemory(RemoteMemory& inner, CacheOptions options = {});
    // Owns its inner memory (see linked()).
    CachedMemory(std::unique_ptr<RemoteMemory> inner, CacheOptions options);
    ~CachedMemory() override;
    CachedMemory(const CachedMemory&) = delete;
    CachedMemory& operator=(const CachedMemory&) = delete;

    // Same contract as the wrapped memory: a read that the inner memory would fail fails with the
    // inner memory's error (an unreadable part of a block is always re-read exactly).
    Result<void> read(uint64_t addr, std::span<std::byte> out) override;
    Result<void> read_fresh(uint64_t addr, std::span<std::byte> out) override {
        return inner_.read(addr, out);
    }
    Result<void> read_fresh_batch(std::span<const ReadRequest> requests) override {
        return inner_.read_fresh_batch(requests);
    }

    // Bounds blocks by the target's readable ranges (sorted and merged here), so that a block
    // never straddles unmapped memory; reads outside every range go to the inner memory
    // uncached. Clears.
    void set_readable_ranges(std::vector<AddressRange> ranges);
    void clear();

    // An empty cache with the same options and readable ranges over `inner`, another reader of
    // the same memory for another thread (null: none). The new cache takes, instead of reading
    // them again, the blocks this one loaded lately: the walk's second thread reads the
    // coroutines that lie next to the tasks its first thread has just read.
    std::unique_ptr<CachedMemory> linked(std::unique_ptr<RemoteMemory> inner);

    struct Stats {
        uint64_t reads = 0;        // read() calls
        uint64_t inner_reads = 0;  // reads issued to the wrapped memory
        uint64_t bypasses = 0;     // reads served by an exact inner read (large, unmapped, holes)
        uint64_t evictions = 0;    // blocks dropped to respect the cap
        uint64_t taken = 0;        // blocks taken from the cache this one was opened from
    };
    const Stats& stats() const { return stats_; }
    std::size_t cached_bytes() const { return cached_bytes_; }  // blocks x block_bytes
    std::size_t cached_blocks() const { return blocks_.size(); }

  private:
    struct Block {
        uint64_t lo = 0, hi = 0;  // bytes [lo, hi) of the target
        uint64_t valid = 0;       // bit i: page i (from align_down(lo, 4 KiB)) was read
        uint64_t all = 0;         // the bits of every page of [lo, hi)
        // Shared with the cache the block is offered to: never written once loaded, and reused
        // for another block only when no one else holds it.
        std::shared_ptr<std::byte[]> data;
        std::list<uint64_t>::iterator lru;
        bool covers(uint64_t a, uint64_t b) const;  // [a, b) inside and every page valid
    };

    Block* block_for(uint64_t addr);
    Block* recent_block(uint64_t addr);  // moved to the front of recent_ when found
    void remember(Block* block);
    bool bounds_for(uint64_t addr, uint64_t& lo, uint64_t& hi) const;
    Block* load(uint64_t lo, uint64_t hi);
    // A new block with a copy of `bytes` (if not null) in a buffer of its own, or with `data`.
    Block& insert(uint64_t lo, uint64_t hi, const std::byte* bytes, uint64_t valid,
                  std::shared_ptr<std::byte[]> data = nullptr);
    void evict_to_cap();
    Result<void> inner_read(uint64_t addr, std::span<std::byte> out);
    void count_load();  // past page_loads, drops the page blocks for whole ones

    std::unique_ptr<RemoteMemory> owned_inner_;  // when made by linked()
    RemoteMemory& inner_;
    CacheOptions options_;
    std::vector<AddressRange> ranges_;
    std::unordered_map<uint64_t, Block> blocks_;  // keyed by Block::lo
    std::list<uint64_t> lru_;                     // most recent first
    std::vector<std::byte> scratch_;
    std::vector<std::shared_ptr<std::byte[]>> spare_;  // buffers of evicted blocks
    std::shared_ptr<BlockExchange> offers_;  // where this cache offers the blocks it loads
    std::shared_ptr<BlockExchange> takes_;   // where it takes blocks before reading them
    std::size_t cached_bytes_ = 0;
    std::size_t loads_ = 0;     // blocks loaded by inner reads
    std::size_t block_bytes_;   // of the blocks now: a page, then options_.block_bytes
    bool grow_blocks_ = false;  // page_loads reached: the next read() starts over
    // The blocks of the latest reads, most recent first: a walk alternates between a few pools
    // (tasks, coroutines, strings, types), and this saves the hash lookup for each of them.
    std::array<Block*, 8> recent_{};
    Stats stats_;
};

}  // namespace aps::read
