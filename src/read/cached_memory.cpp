// CachedMemory: aligned blocks of the wrapped memory, fetched in runs, bounded by an LRU cap (see
// cached_memory.hpp). A block that cannot be read whole is read page by page; a
// request touching a page that could not be read is re-read exactly, so errors are unchanged.
#include "read/cached_memory.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <mutex>

namespace aps::read {
namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxBlock = 64 * kPage;  // one bit per page in Block::valid

uint64_t align_down(uint64_t v, uint64_t a) {
    return v & ~(a - 1);
}

uint64_t page_bits(uint64_t base, uint64_t a, uint64_t b) {  // pages of [a, b) as bits from base
    uint64_t first = (a - base) / kPage;
    uint64_t last = (b - 1 - base) / kPage;
    uint64_t count = last - first + 1;
    uint64_t mask = count >= 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
    return mask << first;
}

CacheOptions sanitized(CacheOptions o) {
    o.block_bytes = std::clamp<std::size_t>(std::bit_ceil(std::max<std::size_t>(o.block_bytes, 1)),
                                            kPage, kMaxBlock);
    o.run_blocks = std::max<std::size_t>(o.run_blocks, 1);
    // Room for one whole run plus the block in use, whatever the cap says.
    o.capacity_bytes = std::max(o.capacity_bytes, (o.run_blocks + 1) * o.block_bytes);
    return o;
}

}  // namespace

// The blocks one cache loaded most lately, for another cache to take instead of reading them
// again. Bounded: a block not taken before kSlots newer ones are offered is dropped.
class BlockExchange {
  public:
    void offer(uint64_t lo, uint64_t hi, std::shared_ptr<std::byte[]> data) {
        std::lock_guard lock(mutex_);
        slots_[next_] = {lo, hi, std::move(data)};
        next_ = (next_ + 1) % kSlots;
    }
    // The block [lo, hi) if it is on offer (then no longer), else null.
    std::shared_ptr<std::byte[]> take(uint64_t lo, uint64_t hi) {
        std::lock_guard lock(mutex_);
        for (Slot& slot : slots_) {
            if (slot.lo == lo && slot.hi == hi && slot.data) return std::move(slot.data);
        }
        return nullptr;
    }

  private:
    // The chain worker trails the walk by a few thousand tasks: a few dozen 64 KiB blocks.
    static constexpr std::size_t kSlots = 64;
    struct Slot {
        uint64_t lo = 0, hi = 0;
        std::shared_ptr<std::byte[]> data;
    };
    std::mutex mutex_;
    std::array<Slot, kSlots> slots_;
    std::size_t next_ = 0;
};

bool CachedMemory::Block::covers(uint64_t a, uint64_t b) const {
    if (a < lo || b > hi) return false;
    uint64_t need = page_bits(align_down(lo, kPage), a, b);
    return (valid & need) == need;
}

CachedMemory::CachedMemory(RemoteMemory& inner, CacheOptions options)
    : inner_(inner),
      options_(sanitized(options)),
      block_bytes_(options_.page_loads > 0 ? kPage : options_.block_bytes) {}

CachedMemory::CachedMemory(std::unique_ptr<RemoteMemory> inner, CacheOptions options)
    : owned_inner_(std::move(inner)),
      inner_(*owned_inner_),
      options_(sanitized(options)),
      block_bytes_(options_.page_loads > 0 ? kPage : options_.block_bytes) {}

std::unique_ptr<CachedMemory> CachedMemory::linked(std::unique_ptr<RemoteMemory> inner) {
    if (!inner) return nullptr;
    // Linked for a walk's second thread, which starts on a big target: whole blocks at once,
    // the size of the blocks it takes from this one.
    CacheOptions options = options_;
    options.page_loads = 0;
    auto other = std::make_unique<CachedMemory>(std::move(inner), options);
    other->ranges_ = ranges_;  // already sorted and merged
    offers_ = std::make_shared<BlockExchange>();
    other->takes_ = offers_;
    return other;
}

CachedMemory::~CachedMemory() = default;

void CachedMemory::clear() {
    for (auto& [lo, block] : blocks_) spare_.push_back(std::move(block.data));
    blocks_.clear();
    lru_.clear();
    cached_bytes_ = 0;
    recent_.fill(nullptr);
}

void CachedMemory::set_readable_ranges(std::vector<AddressRange> ranges) {
    clear();
    std::erase_if(ranges, [](const AddressRange& r) { return r.end <= r.start; });
    std::sort(ranges.begin(), ranges.end(),
              [](const AddressRange& a, const AddressRange& b) { return a.start < b.start; });
    ranges_.clear();
    for (const auto& r : ranges) {
        if (!ranges_.empty() && r.start <= ranges_.back().end) {
            ranges_.back().end = std::max(ranges_.back().end, r.end);
        } else {
            ranges_.push_back(r);
        }
    }
}

void CachedMemory::count_load() {
    if (++loads_ == options_.page_loads && block_bytes_ != options_.block_bytes) {
        grow_blocks_ = true;
    }
}

Result<void> CachedMemory::inner_read(uint64_t addr, std::span<std::byte> out) {
    ++stats_.inner_reads;
    return inner_.read(addr, out);
}

// The block that holds addr: the aligned block, clipped to the readable range around addr.
bool CachedMemory::bounds_for(uint64_t addr, uint64_t& lo, uint64_t& hi) const {
    const uint64_t size = block_bytes_;
    lo = align_down(addr, size);
    hi = lo + size < lo ? ~uint64_t{0} : lo + size;
    if (ranges_.empty()) return true;
    auto it = std::upper_bound(ranges_.begin(), ranges_.end(), addr,
                               [](uint64_t a, const AddressRange& r) { return a < r.start; });
    if (it == ranges_.begin()) return false;
    --it;
    if (addr >= it->end) return false;
    lo = std::max(lo, it->start);
    hi = std::min(hi, it->end);
    return true;
}

CachedMemory::Block& CachedMemory::insert(uint64_t lo, uint64_t hi, const std::byte* bytes,
                                          uint64_t valid, std::shared_ptr<std::byte[]> data) {
    Block block;
    block.lo = lo;
    block.hi = hi;
    block.valid = valid;
    block.all = page_bits(align_down(lo, kPage), lo, hi);
    // Every buffer is block_bytes long, so evicted ones can be reused for any block; not one
    // that another cache still holds (use_count 1: no one else has it, nor can get it).
    while (!spare_.empty() && spare_.back().use_count() > 1) spare_.pop_back();
    if (data) {
        block.data = std::move(data);
    } else if (spare_.empty()) {
        block.data = std::make_shared_for_overwrite<std::byte[]>(block_bytes_);
    } else {
        block.data = std::move(spare_.back());
        spare_.pop_back();
    }
    if (bytes != nullptr) std::memcpy(block.data.get(), bytes, hi - lo);
    lru_.push_front(lo);
    block.lru = lru_.begin();
    cached_bytes_ += block_bytes_;
    return blocks_.insert_or_assign(lo, std::move(block)).first->second;
}

void CachedMemory::evict_to_cap() {
    while (cached_bytes_ > options_.capacity_bytes && lru_.size() > 1) {
        auto it = blocks_.find(lru_.back());
        cached_bytes_ -= block_bytes_;
        std::replace(recent_.begin(), recent_.end(), &it->second, static_cast<Block*>(nullptr));
        spare_.push_back(std::move(it->second.data));
        blocks_.erase(it);
        lru_.pop_back();
        ++stats_.evictions;
    }
}

// Loads block [lo, hi): first as a run with the following uncached blocks of the same range (one
// inner read), then alone, then page by page.
CachedMemory::Block* CachedMemory::load(uint64_t lo, uint64_t hi) {
    uint64_t run_end = hi;
    std::vector<std::pair<uint64_t, uint64_t>> run{{lo, hi}};
    while (run.size() < options_.run_blocks && run_end == align_down(run_end, block_bytes_)) {
        uint64_t next_lo, next_hi;
        if (run_end == 0 || !bounds_for(run_end, next_lo, next_hi) || next_lo != run_end ||
            blocks_.contains(next_lo)) {
            break;
        }
        run.emplace_back(next_lo, next_hi);
        run_end = next_hi;
    }
    const uint64_t all_pages = page_bits(align_down(lo, kPage), lo, hi);
    if (takes_ && run.size() == 1) {
        if (std::shared_ptr<std::byte[]> data = takes_->take(lo, hi)) {
            ++stats_.taken;
            Block& block = insert(lo, hi, nullptr, all_pages, std::move(data));
            Block* result = &block;
            evict_to_cap();
            return result;
        }
    }
    count_load();
    if (run.size() > 1) {
        scratch_.resize(run_end - lo);
        if (inner_read(lo, scratch_)) {
            Block* first = nullptr;
            // Insert the later blocks first so that the requested one is the most recent.
            for (auto it = run.rbegin(); it != run.rend(); ++it) {
                Block& b = insert(it->first, it->second, scratch_.data() + (it->first - lo),
                                  page_bits(align_down(it->first, kPage), it->first, it->second));
                if (offers_) offers_->offer(b.lo, b.hi, b.data);
                first = &b;
            }
            evict_to_cap();
            return first;
        }
    }
    // What can be read of it: each read runs up to a page the target cannot read (a guard page
    // that /proc/PID/maps does not show apart, as between the thread stacks of a 3.15 target
    // with 50 threads), which is left out; the read goes on after it.
    Block& block = insert(lo, hi, nullptr, 0);
    for (uint64_t a = lo; a < hi;) {
        ++stats_.inner_reads;
        const std::size_t got =
            inner_.read_prefix(a, std::span(block.data.get() + (a - lo), hi - a));
        if (a + got >= hi) {
            block.valid |= page_bits(align_down(lo, kPage), a, hi);
            break;
        }
        const uint64_t whole_end = align_down(a + got, kPage);  // the pages read whole
        if (whole_end > a) block.valid |= page_bits(align_down(lo, kPage), a, whole_end);
        a = whole_end + kPage;
    }
    if (block.valid == all_pages && offers_) offers_->offer(lo, hi, block.data);
    Block* result = &block;
    evict_to_cap();
    return result;
}

CachedMemory::Block* CachedMemory::recent_block(uint64_t addr) {
    for (std::size_t i = 0; i < recent_.size(); ++i) {
        Block* b = recent_[i];
        if (b != nullptr && addr >= b->lo && addr < b->hi) {
            std::copy_backward(recent_.begin(), recent_.begin() + i, recent_.begin() + i + 1);
            recent_[0] = b;
            return b;
        }
    }
    return nullptr;
}

void CachedMemory::remember(Block* block) {
    std::copy_backward(recent_.begin(), recent_.end() - 1, recent_.end());
    recent_[0] = block;
}

CachedMemory::Block* CachedMemory::block_for(uint64_t addr) {
    if (Block* b = recent_block(addr)) return b;
    uint64_t lo, hi;
    if (!bounds_for(addr, lo, hi)) return nullptr;
    Block* block;
    if (auto it = blocks_.find(lo); it != blocks_.end()) {
        block = &it->second;
        lru_.splice(lru_.begin(), lru_, block->lru);
    } else {
        block = load(lo, hi);
    }
    if (block != nullptr) remember(block);
    return block;
}

Result<void> CachedMemory::read(uint64_t addr, std::span<std::byte> out) {
    ++stats_.reads;
    if (grow_blocks_) {
        // Between reads, where no block is in use: the page blocks and their buffers go, and
        // whole blocks come in as they are needed.
        grow_blocks_ = false;
        clear();
        spare_.clear();
        block_bytes_ = options_.block_bytes;
    }
    const uint64_t n = out.size();
    if (n == 0) return {};
    // Most reads land in a block of the last few reads: a few compares and a copy.
    if (Block* b = recent_block(addr); b != nullptr && b->valid == b->all && n <= b->hi - addr) {
        std::memcpy(out.data(), b->data.get() + (addr - b->lo), n);
        return {};
    }
    if (n > block_bytes_ || addr + n < addr) {
        ++stats_.bypasses;
        return inner_read(addr, out);
    }
    const uint64_t end = addr + n;
    for (uint64_t cur = addr; cur < end;) {
        Block* block = block_for(cur);
        uint64_t piece_end = block ? std::min(end, block->hi) : end;
        if (block == nullptr || !block->covers(cur, piece_end)) {
            ++stats_.bypasses;
            return inner_read(addr, out);
        }
        std::memcpy(out.data() + (cur - addr), block->data.get() + (cur - block->lo),
                    piece_end - cur);
        cur = piece_end;
    }
    return {};
}

}  // namespace aps::read
