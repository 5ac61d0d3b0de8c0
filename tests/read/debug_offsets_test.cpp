// Tests for parse_debug_offsets and parse_asyncio_offsets on the tables stored in the real
// interpreters' files, and on corrupted copies of them. The "documented values" are those
// docs/design.md lists under "Debug offsets" and "Asyncio offsets".
#include <gtest/gtest.h>

#include <cstring>

#include "aps/offsets.hpp"
#include "read_test_support.hpp"

namespace aps {
namespace {

using read::test::asyncio_module_path;
using read::test::libpython_path;
using read::test::python_build_path;
using read::test::python_path;
using read::test::section_bytes;

std::vector<std::byte> runtime_table(const std::string& file) {
    return section_bytes(file, ".PyRuntime", kDebugOffsetsReadSize);
}

void put_u64(std::vector<std::byte>& bytes, size_t at, uint64_t v) {
    ASSERT_LE(at + 8, bytes.size());
    std::memcpy(bytes.data() + at, &v, 8);
}

bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

TEST(DebugOffsets, Python314TableHasTheDocumentedValues) {
    auto bytes = runtime_table(python_path(14));
    ASSERT_FALSE(bytes.empty());
    auto d = parse_debug_offsets(bytes);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->major, 3);
    EXPECT_EQ(d->minor, 14);
    EXPECT_EQ(d->version_hex >> 16, 0x030Eu);
    EXPECT_FALSE(d->free_threaded);
    EXPECT_EQ(d->runtime_state.interpreters_head, 808u);
    EXPECT_EQ(d->interpreter_state.threads_head, 7344u);
    EXPECT_EQ(d->interpreter_state.threads_main, 7360u);
    EXPECT_EQ(d->thread_state.size, 832u);
    EXPECT_EQ(d->thread_state.next, 8u);
    EXPECT_EQ(d->thread_state.native_thread_id, 160u);
    EXPECT_EQ(d->interpreter_frame.size, 88u);
    EXPECT_EQ(d->interpreter_frame.executable, 0u);
    EXPECT_EQ(d->interpreter_frame.instr_ptr, 56u);
    EXPECT_EQ(d->interpreter_frame.owner, 74u);
    EXPECT_EQ(d->interpreter_frame.stackpointer, 64u);
    EXPECT_EQ(d->code_object.filename, 112u);
    EXPECT_EQ(d->code_object.qualname, 128u);
    EXPECT_EQ(d->code_object.linetable, 136u);
    EXPECT_EQ(d->code_object.firstlineno, 68u);
    EXPECT_EQ(d->code_object.co_code_adaptive, 208u);
    EXPECT_EQ(d->pyobject.ob_type, 8u);
    EXPECT_EQ(d->type_object.tp_name, 24u);
    EXPECT_EQ(d->type_object.tp_flags, 168u);
    EXPECT_EQ(d->set_object.used, 24u);
    EXPECT_EQ(d->set_object.table, 40u);
    EXPECT_EQ(d->set_object.mask, 32u);
    EXPECT_EQ(d->long_object.lv_tag, 16u);
    EXPECT_EQ(d->long_object.ob_digit, 24u);
    EXPECT_EQ(d->bytes_object.ob_size, 16u);
    EXPECT_EQ(d->bytes_object.ob_sval, 32u);
    EXPECT_EQ(d->unicode_object.state, 32u);
    EXPECT_EQ(d->unicode_object.length, 16u);
    EXPECT_EQ(d->unicode_object.asciiobject_size, 40u);
    EXPECT_EQ(d->unicode_object.compactunicodeobject_size, 56u);
    EXPECT_EQ(d->gen_object.size, 160u);
    EXPECT_EQ(d->gen_object.gi_iframe, 72u);
    EXPECT_EQ(d->gen_object.gi_frame_state, 67u);
    EXPECT_EQ(d->llist_node.next, 0u);
    EXPECT_EQ(d->llist_node.prev, 8u);
    EXPECT_EQ(d->frame.suspended_yield_from, -1);
    EXPECT_EQ(d->frame.cleared, 4);
    EXPECT_EQ(d->frame.owned_by_cstack, 4);
    EXPECT_EQ(d->frame.owned_by_interpreter, 3);
    EXPECT_EQ(d->frame.awaited_slot, 1u);
}

// What aps dump reads of a thread (docs/design.md, "Thread stacks"): 3.14's table lacks
// holds_gil, current_exception and exc_info, which version knowledge places.
TEST(DebugOffsets, Python314ThreadFieldsForDump) {
    auto d = parse_debug_offsets(runtime_table(python_path(14)));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->interpreter_state.gc, 7408u);
    EXPECT_EQ(d->thread_state.current_frame, 72u);
    EXPECT_EQ(d->thread_state.base_frame, 0u);  // 3.14 has none
    EXPECT_EQ(d->thread_state.status, 32u);
    EXPECT_EQ(d->thread_state.holds_gil, 36u);
    EXPECT_EQ(d->thread_state.gil_requested, 0u);  // 3.14 has none
    EXPECT_EQ(d->thread_state.current_exception, 112u);
    EXPECT_EQ(d->thread_state.exc_info, 120u);
    EXPECT_EQ(d->err_stackitem.exc_value, 0u);
    EXPECT_EQ(d->err_stackitem.previous_item, 8u);
    EXPECT_EQ(d->interpreter_frame.previous, 8u);
    EXPECT_EQ(d->gc.size, 264u);
    EXPECT_EQ(d->gc.collecting, 192u);
    EXPECT_EQ(d->gc.frame, 0u);  // 3.14 has none
    ASSERT_EQ(d->opcode_names.size(), 256u);
    EXPECT_EQ(d->opcode_names[0], "CACHE");
    EXPECT_EQ(d->opcode_names[161], "CALL_PY_EXACT_ARGS (CALL)");
}

TEST(DebugOffsets, Python315ThreadFieldsForDump) {
    auto d = parse_debug_offsets(runtime_table(python_path(15)));
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->interpreter_state.gc, 7400u);
    EXPECT_EQ(d->thread_state.current_frame, 72u);
    EXPECT_EQ(d->thread_state.base_frame, 80u);
    EXPECT_EQ(d->thread_state.status, 32u);
    EXPECT_EQ(d->thread_state.holds_gil, 36u);
    EXPECT_EQ(d->thread_state.gil_requested, 40u);
    EXPECT_EQ(d->thread_state.current_exception, 136u);
    EXPECT_EQ(d->thread_state.exc_info, 144u);
    EXPECT_EQ(d->err_stackitem.exc_value, 0u);
    EXPECT_EQ(d->err_stackitem.previous_item, 8u);
    EXPECT_EQ(d->interpreter_frame.previous, 8u);
    EXPECT_EQ(d->gc.size, 176u);
    EXPECT_EQ(d->gc.collecting, 112u);
    EXPECT_EQ(d->gc.frame, 120u);
    ASSERT_EQ(d->opcode_names.size(), 256u);
    EXPECT_EQ(d->opcode_names[93], "LOAD_SMALL_INT");
    EXPECT_EQ(d->opcode_names[164], "CALL_PY_EXACT_ARGS (CALL)");
}

// The debug builds lay the thread state out the same way (the knowledge holds for them too).
TEST(DebugOffsets, DebugBuildsHaveTheSameThreadLayout) {
    for (int minor : {14, 15}) {
        auto release = parse_debug_offsets(runtime_table(python_path(minor)));
        auto debug = parse_debug_offsets(runtime_table(python_build_path(minor, "-dbg")));
        ASSERT_TRUE(release) << release.error().message;
        ASSERT_TRUE(debug) << debug.error().message;
        EXPECT_EQ(release->thread_state.current_frame, debug->thread_state.current_frame);
        EXPECT_EQ(release->thread_state.status, debug->thread_state.status);
        EXPECT_EQ(release->thread_state.size, debug->thread_state.size);
    }
}

TEST(DebugOffsets, Python315TableHasTheDocumentedValues) {
    auto bytes = runtime_table(python_path(15));
    ASSERT_FALSE(bytes.empty());
    auto d = parse_debug_offsets(bytes);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->minor, 15);
    EXPECT_EQ(d->version_hex >> 16, 0x030Fu);
    EXPECT_EQ(d->runtime_state.interpreters_head, 936u);
    EXPECT_EQ(d->interpreter_state.threads_head, 7336u);
    EXPECT_EQ(d->interpreter_state.threads_main, 7352u);
    EXPECT_EQ(d->thread_state.size, 888u);
    EXPECT_EQ(d->thread_state.native_thread_id, 184u);
    EXPECT_EQ(d->interpreter_frame.owner, 74u);
    EXPECT_EQ(d->code_object.co_code_adaptive, 208u);
    EXPECT_EQ(d->type_object.size, 424u);
    EXPECT_EQ(d->set_object.mask, 32u);
    EXPECT_EQ(d->unicode_object.compactunicodeobject_size, 56u);
    EXPECT_EQ(d->gen_object.gi_frame_state, 67u);
    EXPECT_EQ(d->llist_node.prev, 8u);
    EXPECT_EQ(d->frame.suspended_yield_from, 2);
    EXPECT_EQ(d->frame.cleared, 5);
    EXPECT_EQ(d->frame.owned_by_cstack, -1);
    EXPECT_EQ(d->frame.owned_by_generator, 1);
    EXPECT_EQ(d->frame.awaited_slot, 2u);
}

TEST(DebugOffsets, Libpython314MatchesTheExecutable) {
    auto from_exe = parse_debug_offsets(runtime_table(python_path(14)));
    auto from_lib = parse_debug_offsets(runtime_table(libpython_path(14)));
    ASSERT_TRUE(from_exe) << from_exe.error().message;
    ASSERT_TRUE(from_lib) << from_lib.error().message;
    EXPECT_EQ(from_exe->version_hex, from_lib->version_hex);
    EXPECT_EQ(from_exe->thread_state.native_thread_id, from_lib->thread_state.native_thread_id);
}

TEST(DebugOffsets, Python313IsUnsupportedAndNamed) {
    auto bytes = runtime_table(python_path(13));
    ASSERT_FALSE(bytes.empty());
    auto d = parse_debug_offsets(bytes);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, Errc::UnsupportedVersion);
    EXPECT_TRUE(contains(d.error().message, "Python 3.13.")) << d.error().message;
    EXPECT_TRUE(contains(d.error().message, "(aps reads 3.14 and 3.15)")) << d.error().message;
}

class CorruptedTable : public ::testing::Test {
  protected:
    void SetUp() override {
        t314 = runtime_table(python_path(14));
        ASSERT_FALSE(t314.empty());
    }
    Error parse_error(const std::vector<std::byte>& bytes) {
        auto d = parse_debug_offsets(bytes);
        EXPECT_FALSE(d);
        return d ? Error{Errc::ReadFailed, "unexpectedly parsed"} : d.error();
    }
    std::vector<std::byte> t314;
};

TEST_F(CorruptedTable, MissingCookieIsNotPython) {
    t314[0] = std::byte{'X'};
    Error e = parse_error(t314);
    EXPECT_EQ(e.code, Errc::NotPython);
    EXPECT_EQ(e.message, "no CPython debug offsets (cookie missing)");
}

TEST_F(CorruptedTable, ShortBufferIsNotPython) {
    Error e = parse_error({t314.begin(), t314.begin() + 4});
    EXPECT_EQ(e.code, Errc::NotPython);
}

TEST_F(CorruptedTable, OtherVersionsAreNamed) {
    put_u64(t314, 8, 0x030D12F0);
    EXPECT_EQ(parse_error(t314).message,
              "Python 3.13.18 is not supported (aps reads 3.14 and 3.15)");
    put_u64(t314, 8, 0x031000A1);
    EXPECT_EQ(parse_error(t314).message,
              "Python 3.16.0a1 is not supported (aps reads 3.14 and 3.15)");
    put_u64(t314, 8, 0x020703C2);
    Error e = parse_error(t314);
    EXPECT_EQ(e.code, Errc::UnsupportedVersion);
    EXPECT_EQ(e.message, "Python 2.7.3rc2 is not supported (aps reads 3.14 and 3.15)");
}

TEST_F(CorruptedTable, PreReleaseOfASupportedVersionIsRead) {
    put_u64(t314, 8, 0x030E00B2);
    auto d = parse_debug_offsets(t314);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ(d->minor, 14);
}

TEST_F(CorruptedTable, FreeThreadedIsUnsupported) {
    put_u64(t314, 16, 1);
    Error e = parse_error(t314);
    EXPECT_EQ(e.code, Errc::UnsupportedVersion);
    EXPECT_EQ(e.message, "free-threaded (3.14t) builds are not supported");
}

TEST_F(CorruptedTable, GarbageFreeThreadedFlagIsCorrupt) {
    put_u64(t314, 16, 0x1234);
    EXPECT_EQ(parse_error(t314).code, Errc::InvalidOffsets);
}

TEST_F(CorruptedTable, MisalignedFieldIsCorrupt) {
    put_u64(t314, 224, 161);  // thread_state.native_thread_id
    Error e = parse_error(t314);
    EXPECT_EQ(e.code, Errc::InvalidOffsets);
    EXPECT_EQ(e.message,
              "invalid debug offsets: thread_state.native_thread_id=161 is not aligned to 8 bytes");
}

TEST_F(CorruptedTable, FieldOutsideItsStructIsCorrupt) {
    put_u64(t314, 224, 832);  // native_thread_id at thread_state.size
    Error e = parse_error(t314);
    EXPECT_EQ(e.code, Errc::InvalidOffsets);
    EXPECT_EQ(e.message,
              "invalid debug offsets: thread_state.native_thread_id=832 with width 8 exceeds "
              "thread_state.size 832");
}

TEST_F(CorruptedTable, ByteFieldAtTheLastByteFits) {
    put_u64(t314, 688, 159);  // gen_object.gi_frame_state, gen_object.size is 160
    EXPECT_TRUE(parse_debug_offsets(t314));
    put_u64(t314, 688, 160);
    EXPECT_EQ(parse_error(t314).code, Errc::InvalidOffsets);
}

TEST_F(CorruptedTable, ZeroOrHugeSizeIsCorrupt) {
    auto copy = t314;
    put_u64(copy, 176, 0);  // thread_state.size
    Error e = parse_error(copy);
    EXPECT_EQ(e.code, Errc::InvalidOffsets);
    EXPECT_TRUE(contains(e.message, "thread_state.size=0")) << e.message;
    put_u64(t314, 24, uint64_t{1} << 40);  // runtime_state.size
    EXPECT_EQ(parse_error(t314).code, Errc::InvalidOffsets);
}

TEST_F(CorruptedTable, HugeOffsetDoesNotWrapAround) {
    put_u64(t314, 224, ~uint64_t{7});  // aligned, but + 8 overflows
    EXPECT_EQ(parse_error(t314).code, Errc::InvalidOffsets);
}

TEST_F(CorruptedTable, LinkedListNodeLayoutIsChecked) {
    put_u64(t314, 704, 16);  // llist_node.prev
    Error e = parse_error(t314);
    EXPECT_EQ(e.code, Errc::InvalidOffsets);
    EXPECT_TRUE(contains(e.message, "llist_node")) << e.message;
}

TEST_F(CorruptedTable, EmbeddedFrameMustFitInTheGenerator) {
    put_u64(t314, 680, 80);  // gi_iframe 80 + frame 88 > 160
    Error e = parse_error(t314);
    EXPECT_EQ(e.code, Errc::InvalidOffsets);
    EXPECT_TRUE(contains(e.message, "gen_object.gi_iframe=80")) << e.message;
}

TEST_F(CorruptedTable, TruncatedTableIsCorrupt) {
    Error e = parse_error({t314.begin(), t314.begin() + 700});
    EXPECT_EQ(e.code, Errc::InvalidOffsets);
    EXPECT_TRUE(contains(e.message, "truncated")) << e.message;
}

// ---- _Py_AsyncioModuleDebugOffsets ----

// The runtime table of python3.<minor> and the asyncio table in `file`, for the tests to parse.
class AsyncioOffsets : public ::testing::Test {
  protected:
    void load(int minor, const std::string& file) {
        auto r = parse_debug_offsets(runtime_table(python_path(minor)));
        ASSERT_TRUE(r) << r.error().message;
        runtime = *r;
        table = section_bytes(file, ".AsyncioDebug", kAsyncioOffsetsSize);
        ASSERT_EQ(table.size(), kAsyncioOffsetsSize);
    }
    DebugOffsets runtime;
    std::vector<std::byte> table;
};

TEST_F(AsyncioOffsets, Python314ModuleTableHasTheDocumentedValues) {
    ASSERT_NO_FATAL_FAILURE(load(14, asyncio_module_path(14)));
    auto a = parse_asyncio_offsets(table, runtime);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->task_object.size, 168u);
    EXPECT_EQ(a->task_object.task_name, 136u);
    EXPECT_EQ(a->task_object.task_awaited_by, 96u);
    EXPECT_EQ(a->task_object.task_is_task, 108u);
    EXPECT_EQ(a->task_object.task_awaited_by_is_set, 109u);
    EXPECT_EQ(a->task_object.task_coro, 128u);
    EXPECT_EQ(a->task_object.task_node, 152u);
    EXPECT_EQ(a->interpreter_state.size, 225864u);
    EXPECT_EQ(a->interpreter_state.asyncio_tasks_head, 10880u);
    EXPECT_EQ(a->thread_state.size, 936u);
    EXPECT_EQ(a->thread_state.asyncio_tasks_head, 880u);
}

TEST_F(AsyncioOffsets, Python315BuiltinTableHasTheDocumentedValues) {
    ASSERT_NO_FATAL_FAILURE(load(15, python_path(15)));
    auto a = parse_asyncio_offsets(table, runtime);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(a->task_object.task_node, 152u);
    EXPECT_EQ(a->interpreter_state.asyncio_tasks_head, 10856u);
    EXPECT_EQ(a->thread_state.size, 1104u);
    EXPECT_EQ(a->thread_state.asyncio_tasks_head, 1048u);
}

class CorruptedAsyncioTable : public AsyncioOffsets {
  protected:
    void SetUp() override { load(14, asyncio_module_path(14)); }
    Error parse_error() {
        auto a = parse_asyncio_offsets(table, runtime);
        EXPECT_FALSE(a);
        return a ? Error{Errc::ReadFailed, "unexpectedly parsed"} : a.error();
    }
};

TEST_F(CorruptedAsyncioTable, TaskNodeOutsideTheTaskIsCorrupt) {
    put_u64(table, 48, 160);  // task_node + 16 > 168
    Error e = parse_error();
    EXPECT_EQ(e.code, Errc::InvalidOffsets);
    EXPECT_EQ(e.message,
              "invalid asyncio debug offsets: task_object.task_node=160 with width 16 exceeds "
              "task_object.size 168");
}

TEST_F(CorruptedAsyncioTable, ThreadListHeadOutsideTheThreadStateIsCorrupt) {
    put_u64(table, 96, 936);
    EXPECT_EQ(parse_error().code, Errc::InvalidOffsets);
}

TEST_F(CorruptedAsyncioTable, InterpreterListHeadMustBeAligned) {
    put_u64(table, 64, 10884);
    EXPECT_EQ(parse_error().code, Errc::InvalidOffsets);
}

TEST_F(CorruptedAsyncioTable, ThreadStateSmallerThanTheRuntimesIsCorrupt) {
    put_u64(table, 72, 800);  // below PyThreadState's 832
    put_u64(table, 96, 784);
    EXPECT_EQ(parse_error().code, Errc::InvalidOffsets);
}

TEST_F(CorruptedAsyncioTable, TruncatedTableIsCorrupt) {
    table.resize(96);
    EXPECT_EQ(parse_error().code, Errc::InvalidOffsets);
}

}  // namespace
}  // namespace aps
