// validate_debug_offsets / validate_asyncio_offsets on already parsed tables (the checks the
// parsers apply, callable on their own; the fuzzer walks only with tables that pass them).
#include <gtest/gtest.h>

#include "aps/offsets.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

TEST(ValidateOffsets, DebianTablesPass) {
    for (int minor : {14, 15}) {
        auto d = test::debian_offsets(minor);
        auto a = test::debian_asyncio_offsets(minor);
        EXPECT_TRUE(validate_debug_offsets(d)) << minor;
        EXPECT_TRUE(validate_asyncio_offsets(a, d)) << minor;
    }
}

TEST(ValidateOffsets, FieldOutsideItsObjectIsCorrupt) {
    auto d = test::debian_offsets(15);
    d.set_object.mask = d.set_object.size;
    auto r = validate_debug_offsets(d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::InvalidOffsets);
    EXPECT_NE(r.error().message.find("set_object.mask"), std::string::npos);
}

TEST(ValidateOffsets, FieldWithoutStoredSizeIsBounded) {
    auto d = test::debian_offsets(14);
    d.pyobject.ob_type = uint64_t{1} << 40;
    EXPECT_FALSE(validate_debug_offsets(d));
}

TEST(ValidateOffsets, UnsupportedVersionAndFrameKnowledge) {
    auto d = test::debian_offsets(14);
    d.minor = 13;
    EXPECT_EQ(validate_debug_offsets(d).error().code, Errc::UnsupportedVersion);
    d = test::debian_offsets(14);
    d.frame.awaited_slot = 1000;
    EXPECT_EQ(validate_debug_offsets(d).error().code, Errc::InvalidOffsets);
}

TEST(ValidateOffsets, FreeThreadedBuildsAreUnsupported) {
    auto d = test::debian_offsets(15);
    d.free_threaded = true;
    auto r = validate_debug_offsets(d);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::UnsupportedVersion);
    EXPECT_NE(r.error().message.find("3.15t"), std::string::npos) << r.error().message;
}

TEST(ValidateOffsets, AsyncioTaskFieldsFitTheTask) {
    auto d = test::debian_offsets(15);
    auto a = test::debian_asyncio_offsets(15);
    a.task_object.task_node = a.task_object.size - 8;  // a 16-byte node
    EXPECT_FALSE(validate_asyncio_offsets(a, d));
    a = test::debian_asyncio_offsets(15);
    a.thread_state.size = d.thread_state.size - 8;
    EXPECT_FALSE(validate_asyncio_offsets(a, d));
}

}  // namespace
}  // namespace aps
