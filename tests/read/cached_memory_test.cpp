// Tests for CachedMemory over a FakeMemory: bytes equal to the wrapped memory's at block edges and
// across blocks, unmapped holes still fail with the inner error, readable ranges bound blocks, the
// cap on cached bytes holds, a cleared cache re-reads, and a second cache takes the first's blocks.
#include "read/cached_memory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "support/fake_memory.hpp"

namespace aps {
namespace {

using read::CachedMemory;
using read::CacheOptions;
using test::FakeMemory;

constexpr uint64_t kBase = 0x7f0000000000;
constexpr std::size_t kBlock = 16 * 1024;

CacheOptions small_blocks(std::size_t capacity = 1 << 20) {
    CacheOptions o;
    o.block_bytes = kBlock;
    o.run_blocks = 1;
    o.capacity_bytes = capacity;
    o.page_loads = 0;  // whole blocks from the first miss
    return o;
}

// Maps [addr, addr + size) filled with a position-dependent pattern.
void map_pattern(FakeMemory& mem, uint64_t addr, uint64_t size) {
    mem.map(addr, size);
    std::vector<std::byte> bytes(size);
    for (uint64_t i = 0; i < size; ++i) bytes[i] = static_cast<std::byte>(((addr + i) * 131) >> 3);
    mem.write(addr, bytes);
}

std::vector<std::byte> expected(uint64_t addr, uint64_t size) {
    std::vector<std::byte> bytes(size);
    for (uint64_t i = 0; i < size; ++i) bytes[i] = static_cast<std::byte>(((addr + i) * 131) >> 3);
    return bytes;
}

TEST(CachedMemory, ReadsEqualInnerBytesAtBlockEdges) {
    FakeMemory mem;
    map_pattern(mem, kBase, 8 * kBlock);
    CachedMemory cached(mem, small_blocks());
    for (uint64_t edge = kBase + kBlock; edge < kBase + 8 * kBlock; edge += kBlock) {
        for (uint64_t before : {1, 7, 8, 100}) {
            for (uint64_t size : {1, 8, 200, 4096}) {
                uint64_t addr = edge - before;
                std::vector<std::byte> out(size);
                auto r = cached.read(addr, out);
                ASSERT_TRUE(r) << r.error().message;
                EXPECT_EQ(out, expected(addr, size)) << std::hex << addr << " " << size;
            }
        }
    }
}

TEST(CachedMemory, ServesRepeatedSmallReadsFromOneInnerRead) {
    FakeMemory mem;
    map_pattern(mem, kBase, kBlock);
    CachedMemory cached(mem, small_blocks());
    std::vector<std::byte> out(16);
    for (uint64_t off = 0; off + 16 <= kBlock; off += 16)
        ASSERT_TRUE(cached.read(kBase + off, out));
    EXPECT_EQ(mem.reads(), 1u);
    EXPECT_EQ(cached.stats().inner_reads, 1u);
}

TEST(CachedMemory, RandomReadsMatchInnerMemory) {
    FakeMemory mem;
    map_pattern(mem, kBase, 64 * kBlock);
    CachedMemory cached(mem, small_blocks(4 * kBlock));
    std::mt19937_64 rng(42);
    for (int i = 0; i < 20000; ++i) {
        uint64_t size = 1 + rng() % (2 * kBlock);
        uint64_t addr = kBase + rng() % (64 * kBlock - size);
        std::vector<std::byte> out(size);
        auto r = cached.read(addr, out);
        ASSERT_TRUE(r) << r.error().message;
        ASSERT_EQ(out, expected(addr, size));
    }
    EXPECT_LE(cached.cached_bytes(), 4 * kBlock);
    EXPECT_GT(cached.stats().evictions, 0u);
}

TEST(CachedMemory, UnmappedMemoryStillFailsWithInnerError) {
    FakeMemory mem;
    CachedMemory cached(mem, small_blocks());
    std::vector<std::byte> out(8);
    auto r = cached.read(kBase, out);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::ReadFailed);
}

TEST(CachedMemory, HoleInsideABlockFailsOnlyForReadsThatTouchIt) {
    FakeMemory mem;
    // Two pages mapped, one page hole, one page mapped, all in one block.
    map_pattern(mem, kBase, 2 * 4096);
    map_pattern(mem, kBase + 3 * 4096, 4096);
    CachedMemory cached(mem, small_blocks());
    std::vector<std::byte> out(64);
    ASSERT_TRUE(cached.read(kBase + 4096 - 32, out));
    EXPECT_EQ(out, expected(kBase + 4096 - 32, 64));
    ASSERT_TRUE(cached.read(kBase + 3 * 4096 + 8, out));
    EXPECT_EQ(out, expected(kBase + 3 * 4096 + 8, 64));
    auto in_hole = cached.read(kBase + 2 * 4096 + 8, out);
    ASSERT_FALSE(in_hole);
    EXPECT_EQ(in_hole.error().code, Errc::ReadFailed);
    auto across_hole = cached.read(kBase + 2 * 4096 - 8, out);
    EXPECT_FALSE(across_hole);
}

// A source that reads as process_vm_readv does: up to the first page it cannot read, saying how
// far it got; it counts its calls.
class PrefixReader final : public RemoteMemory {
  public:
    explicit PrefixReader(FakeMemory& inner) : inner_(inner) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        ++calls;
        return inner_.read(addr, out);
    }
    std::size_t read_prefix(uint64_t addr, std::span<std::byte> out) override {
        ++calls;
        std::size_t done = 0;
        while (done < out.size()) {
            const std::size_t n =
                std::min<uint64_t>(4096 - (addr + done) % 4096, out.size() - done);
            if (!inner_.read(addr + done, out.subspan(done, n))) break;
            done += n;
        }
        return done;
    }
    int calls = 0;

  private:
    FakeMemory& inner_;
};

// A guard page inside a block (between two thread stacks, which /proc/PID/maps shows as one
// mapping) costs one more read, for the pages after it, not one read per page.
TEST(CachedMemory, APageThatCannotBeReadIsSkippedNotReadAroundPageByPage) {
    FakeMemory mem;
    map_pattern(mem, kBase, 2 * 4096);
    map_pattern(mem, kBase + 3 * 4096, 4096);  // kBlock is 4 pages: the third is the hole
    PrefixReader reader(mem);
    CachedMemory cached(reader, small_blocks());
    std::vector<std::byte> out(64);
    ASSERT_TRUE(cached.read(kBase + 4096 - 32, out));
    EXPECT_EQ(out, expected(kBase + 4096 - 32, 64));
    EXPECT_EQ(reader.calls, 2);  // the pages before the hole, then the page after it
    ASSERT_TRUE(cached.read(kBase + 3 * 4096 + 8, out));
    EXPECT_EQ(out, expected(kBase + 3 * 4096 + 8, 64));
    ASSERT_TRUE(cached.read(kBase + 8, out));
    EXPECT_EQ(reader.calls, 2);  // all from the cache
    auto in_hole = cached.read(kBase + 2 * 4096 + 8, out);
    ASSERT_FALSE(in_hole);
    EXPECT_EQ(in_hole.error().code, Errc::ReadFailed);
    EXPECT_FALSE(cached.read(kBase + 2 * 4096 - 8, out));
}

TEST(CachedMemory, AHoleAtABlocksStartIsSkippedToo) {
    FakeMemory mem;
    map_pattern(mem, kBase + 4096, 3 * 4096);
    PrefixReader reader(mem);
    CachedMemory cached(reader, small_blocks());
    std::vector<std::byte> out(64);
    ASSERT_TRUE(cached.read(kBase + 2 * 4096, out));
    EXPECT_EQ(out, expected(kBase + 2 * 4096, 64));
    EXPECT_EQ(reader.calls, 2);  // nothing at the start, then the three pages after it
    EXPECT_FALSE(cached.read(kBase, out));
}

TEST(CachedMemory, RegionSmallerThanAPageIsReadExactly) {
    FakeMemory mem;
    map_pattern(mem, kBase + 100, 50);
    CachedMemory cached(mem, small_blocks());
    std::vector<std::byte> out(50);
    ASSERT_TRUE(cached.read(kBase + 100, out));
    EXPECT_EQ(out, expected(kBase + 100, 50));
    std::vector<std::byte> past(51);
    EXPECT_FALSE(cached.read(kBase + 100, past));
}

TEST(CachedMemory, ReadableRangesBoundBlocks) {
    FakeMemory mem;
    // A readable range that starts and ends inside blocks, with unmapped memory around it.
    uint64_t start = kBase + kBlock - 4096, end = kBase + 2 * kBlock + 4096;
    map_pattern(mem, start, end - start);
    CachedMemory cached(mem, small_blocks());
    cached.set_readable_ranges({{start, end}});
    std::vector<std::byte> out(8192);
    ASSERT_TRUE(cached.read(start, out));
    EXPECT_EQ(out, expected(start, out.size()));
    std::vector<std::byte> tail(4096);
    ASSERT_TRUE(cached.read(end - 4096, tail));
    EXPECT_EQ(tail, expected(end - 4096, 4096));
    // Every block read whole: no page-by-page fallback was needed.
    EXPECT_EQ(cached.stats().bypasses, 0u);
    EXPECT_EQ(mem.reads(), 3u);
    std::vector<std::byte> outside(8);
    EXPECT_FALSE(cached.read(end, outside));
    EXPECT_FALSE(cached.read(start - 8, outside));
}

TEST(CachedMemory, AdjacentRangesMergeIntoOneBlock) {
    FakeMemory mem;
    map_pattern(mem, kBase, kBlock);
    CachedMemory cached(mem, small_blocks());
    cached.set_readable_ranges({{kBase + 4096, kBase + kBlock}, {kBase, kBase + 4096}});
    std::vector<std::byte> out(64);
    ASSERT_TRUE(cached.read(kBase + 4096 - 32, out));
    EXPECT_EQ(out, expected(kBase + 4096 - 32, 64));
    EXPECT_EQ(mem.reads(), 1u);
}

TEST(CachedMemory, LargeReadsBypassTheCache) {
    FakeMemory mem;
    map_pattern(mem, kBase, 4 * kBlock);
    CachedMemory cached(mem, small_blocks());
    std::vector<std::byte> out(3 * kBlock);
    ASSERT_TRUE(cached.read(kBase + 5, out));
    EXPECT_EQ(out, expected(kBase + 5, out.size()));
    EXPECT_EQ(cached.cached_blocks(), 0u);
}

TEST(CachedMemory, CapIsRespected) {
    FakeMemory mem;
    map_pattern(mem, kBase, 32 * kBlock);
    CachedMemory cached(mem, small_blocks(3 * kBlock));
    std::vector<std::byte> out(8);
    for (uint64_t b = 0; b < 32; ++b) {
        ASSERT_TRUE(cached.read(kBase + b * kBlock, out));
        EXPECT_LE(cached.cached_bytes(), 3 * kBlock);
    }
    EXPECT_EQ(cached.cached_blocks(), 3u);
    // The most recent blocks stay; the first one was evicted and is read again.
    uint64_t before = mem.reads();
    ASSERT_TRUE(cached.read(kBase + 31 * kBlock, out));
    EXPECT_EQ(mem.reads(), before);
    ASSERT_TRUE(cached.read(kBase, out));
    EXPECT_EQ(mem.reads(), before + 1);
}

TEST(CachedMemory, RunsFetchFollowingBlocksInOneRead) {
    FakeMemory mem;
    map_pattern(mem, kBase, 8 * kBlock);
    CacheOptions o = small_blocks();
    o.run_blocks = 4;
    CachedMemory cached(mem, o);
    cached.set_readable_ranges({{kBase, kBase + 8 * kBlock}});
    std::vector<std::byte> out(8);
    for (uint64_t b = 0; b < 8; ++b) {
        ASSERT_TRUE(cached.read(kBase + b * kBlock + 3, out));
        EXPECT_EQ(out, expected(kBase + b * kBlock + 3, 8));
    }
    EXPECT_EQ(mem.reads(), 2u);
}

TEST(CachedMemory, ClearForgetsCachedBytes) {
    FakeMemory mem;
    map_pattern(mem, kBase, kBlock);
    CachedMemory cached(mem, small_blocks());
    std::vector<std::byte> out(8);
    ASSERT_TRUE(cached.read(kBase, out));
    mem.put<uint64_t>(kBase, 0x1122334455667788);
    ASSERT_TRUE(cached.read(kBase, out));
    EXPECT_EQ(out, expected(kBase, 8));  // still the cached bytes
    cached.clear();
    ASSERT_TRUE(cached.read(kBase, out));
    uint64_t v;
    std::memcpy(&v, out.data(), 8);
    EXPECT_EQ(v, 0x1122334455667788u);
    EXPECT_EQ(cached.cached_bytes(), kBlock);
}

TEST(CachedMemory, AnotherCacheTakesTheBlocksThisOneLoaded) {
    FakeMemory mem;
    map_pattern(mem, kBase, 4 * kBlock);
    mem.share_with_threads();
    CachedMemory first(mem, small_blocks());
    std::unique_ptr<CachedMemory> opened = first.linked(mem.another());
    ASSERT_NE(opened, nullptr);
    auto& second = *opened;
    std::vector<std::byte> out(64);
    ASSERT_TRUE(first.read(kBase + 5, out));
    ASSERT_TRUE(second.read(kBase + 100, out));  // block 0: taken, not read again
    EXPECT_EQ(out, expected(kBase + 100, out.size()));
    EXPECT_EQ(second.stats().taken, 1u);
    EXPECT_EQ(second.stats().inner_reads, 0u);
    ASSERT_TRUE(second.read(kBase + kBlock + 7, out));  // block 1: never loaded by the first
    EXPECT_EQ(out, expected(kBase + kBlock + 7, out.size()));
    EXPECT_EQ(second.stats().taken, 1u);
    EXPECT_EQ(second.stats().inner_reads, 1u);
}

TEST(CachedMemory, ABlockOnOfferKeepsItsBytesWhenItsCacheEvictsIt) {
    FakeMemory mem;
    map_pattern(mem, kBase, 8 * kBlock);
    // The pattern repeats every block: mark each block with its number.
    for (uint64_t b = 0; b < 8; ++b) mem.put<uint64_t>(kBase + b * kBlock + 8, b + 1);
    mem.share_with_threads();
    CachedMemory first(mem, small_blocks(2 * kBlock));
    std::unique_ptr<CachedMemory> opened = first.linked(mem.another());
    ASSERT_NE(opened, nullptr);
    auto& second = *opened;
    std::vector<std::byte> out(8);
    // Blocks 0..7 through a cache of two: block 0's buffer is evicted early, and must not be
    // reused for a later block while it is still on offer.
    for (uint64_t b = 0; b < 8; ++b) ASSERT_TRUE(first.read(kBase + b * kBlock, out));
    ASSERT_TRUE(second.read(kBase + 8, out));
    EXPECT_EQ(second.stats().taken, 1u);
    uint64_t mark = 0;
    std::memcpy(&mark, out.data(), sizeof mark);
    EXPECT_EQ(mark, 1u);
}

TEST(CachedMemory, EmptyReadSucceedsWithoutInnerRead) {
    FakeMemory mem;
    CachedMemory cached(mem, small_blocks());
    EXPECT_TRUE(cached.read(0, {}));
    EXPECT_EQ(mem.reads(), 0u);
}

// The sizes of the reads that reach the wrapped memory.
class SizeLog final : public RemoteMemory {
  public:
    explicit SizeLog(RemoteMemory& inner) : inner_(inner) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        sizes.push_back(out.size());
        return inner_.read(addr, out);
    }
    std::vector<std::size_t> sizes;

  private:
    RemoteMemory& inner_;
};

// A small target (one task: a few dozen scattered objects) costs one page per object's page, not
// a 64 KiB block each: the first page_loads misses read a page each, and only later misses, the
// mark of a big target, read whole blocks (the cache starts over with them).
TEST(CachedMemory, FirstLoadsReadOnlyThePagesAskedFor) {
    FakeMemory mem;
    map_pattern(mem, kBase, 8 * kBlock);
    SizeLog log(mem);
    CacheOptions o = small_blocks();
    o.page_loads = 3;
    CachedMemory cached(log, o);
    std::vector<std::byte> out(16);
    ASSERT_TRUE(cached.read(kBase + 100, out));         // page 0
    ASSERT_TRUE(cached.read(kBase + 4096 - 8, out));    // pages 0 and 1
    ASSERT_TRUE(cached.read(kBase + kBlock + 8, out));  // block 1's page 0
    EXPECT_EQ(log.sizes, (std::vector<std::size_t>{4096, 4096, 4096}));
    EXPECT_EQ(cached.cached_bytes(), 3u * 4096);
    ASSERT_TRUE(cached.read(kBase + 50, out));              // past page_loads: a whole block
    ASSERT_TRUE(cached.read(kBase + 3 * 4096 + 8, out));    // in it
    ASSERT_TRUE(cached.read(kBase + 2 * kBlock + 8, out));  // another whole block
    EXPECT_EQ(log.sizes, (std::vector<std::size_t>{4096, 4096, 4096, kBlock, kBlock}));
    EXPECT_EQ(out, expected(kBase + 2 * kBlock + 8, 16));
    EXPECT_EQ(cached.cached_bytes(), 2 * kBlock);
}

// Read page by page, the cache gives the same bytes and the same errors as whole blocks.
TEST(CachedMemory, PageLoadsMatchInnerMemory) {
    FakeMemory mem;
    map_pattern(mem, kBase, 2 * 4096);
    map_pattern(mem, kBase + 3 * 4096, 16 * kBlock - 3 * 4096);  // a hole at page 2
    CacheOptions o = small_blocks(4 * kBlock);
    o.page_loads = 40;
    CachedMemory cached(mem, o);
    std::mt19937_64 rng(7);
    for (int i = 0; i < 5000; ++i) {
        uint64_t addr = kBase + rng() % (16 * kBlock - 512);
        std::size_t size = 1 + rng() % 512;
        std::vector<std::byte> out(size), want(size);
        auto got = cached.read(addr, out);
        auto inner = mem.peek(addr, want);
        ASSERT_EQ(static_cast<bool>(got), static_cast<bool>(inner)) << std::hex << addr;
        if (got) {
            ASSERT_EQ(out, want) << std::hex << addr;
        }
    }
}

}  // namespace
}  // namespace aps
