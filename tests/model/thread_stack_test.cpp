// Tests of the thread-stack walk (model/thread_stack.cpp, aps dump) over FakeImage layouts of
// CPython 3.14 and 3.15: frames and their order, <native> and <GC> frames, the status flags, the
// running task's frame, per-instruction detail, and garbage that must end in a marker and a
// problem, never a crash or a hang.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "aps/walker.hpp"
#include "support/fake_image.hpp"
#include "support/fake_memory.hpp"

namespace aps {
namespace {

using test::Addr;
using test::Fn;
using test::ThreadFrame;

constexpr uint64_t kHeapType = uint64_t{1} << 9;  // Py_TPFLAGS_HEAPTYPE: a class's type

// A Python function's frame of a thread's stack.
ThreadFrame F(std::string function, std::string file, int line) {
    return ThreadFrame{Fn{std::move(function), std::move(file), line}};
}

// "inner a.py:3 | <native> | outer a.py:1": a thread's frames, innermost first.
std::string frames_text(const Snapshot& s, const ThreadStack& t) {
    std::string out;
    for (const Frame& f : s.frames_of(t.frames)) {
        if (!out.empty()) out += " | ";
        const Code& c = s.codes.at(f.code);
        out += c.function;
        if (!c.file.empty()) out += " " + c.file;
        if (c.kind == Code::Kind::Python && f.has_line()) out += fmt::format(":{}", f.line);
    }
    return out;
}

class ThreadStacks : public ::testing::TestWithParam<int> {
  protected:
    test::FakeImage img{GetParam()};
    uint64_t main_thread = img.add_thread(1000);

    Snapshot walk(WalkRequest request, const WalkLimits& limits = {}) {
        WalkInput in = img.input();
        in.request = std::move(request);
        auto r = walk_snapshot(img.memory(), in, limits);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? std::move(*r) : Snapshot{};
    }
    static WalkRequest stacks() {
        WalkRequest r;
        r.tasks = false;
        r.stacks = true;
        return r;
    }
    const Thread& thread(const Snapshot& s, std::size_t i = 0) {
        return s.interpreters.at(0).threads.at(i);
    }
};

TEST_P(ThreadStacks, FramesInnermostFirstWithLines) {
    img.set_stack(main_thread,
                  {F("<module>", "app.py", 10), F("main", "app.py", 4), F("work", "lib.py", 7)});
    auto s = walk(stacks());
    const Thread& t = thread(s);
    ASSERT_TRUE(t.stack.read);
    EXPECT_EQ(t.tid, 1000u);
    EXPECT_EQ(frames_text(s, t.stack), "work lib.py:7 | main app.py:4 | <module> app.py:10");
    EXPECT_TRUE(t.stack.flags & kMainThread);
    EXPECT_TRUE(t.tasks.empty());  // not asked for
    EXPECT_TRUE(s.problems.empty());
}

TEST_P(ThreadStacks, EmptyStack) {
    auto s = walk(stacks());
    ASSERT_TRUE(thread(s).stack.read);
    EXPECT_EQ(frames_text(s, thread(s).stack), "");
}

TEST_P(ThreadStacks, NativeFramesOnlyWhenAsked) {
    img.set_stack(main_thread, {ThreadFrame::entry(), F("<module>", "app.py", 1),
                                ThreadFrame::entry(), F("callback", "app.py", 5)});
    auto plain = walk(stacks());
    EXPECT_EQ(frames_text(plain, thread(plain).stack), "callback app.py:5 | <module> app.py:1");
    WalkRequest native = stacks();
    native.native = true;
    auto s = walk(native);
    // C code called into Python between the two frames, and below the outermost (3.15: above
    // its base frame, which is no call).
    EXPECT_EQ(frames_text(s, thread(s).stack),
              "callback app.py:5 | <native> | <module> app.py:1 | <native>");
}

TEST_P(ThreadStacks, FramesWithoutCodeAreSkipped) {
    img.set_stack(main_thread,
                  {F("<module>", "app.py", 1), ThreadFrame::clearing(), F("f", "app.py", 2)});
    auto s = walk(stacks());
    EXPECT_EQ(frames_text(s, thread(s).stack), "f app.py:2 | <module> app.py:1");
}

TEST_P(ThreadStacks, StatusFlags) {
    const uint64_t other = img.add_thread(1001);
    img.set_holds_gil(other, true);
    img.set_current_exception(main_thread, img.integer(1));
    WalkRequest r = stacks();
    r.cpu_state = [](uint64_t tid) { return tid == 1001 ? CpuState::Running : CpuState::Idle; };
    auto s = walk(r);
    // Threads are listed newest first.
    const ThreadStack& o = thread(s, 0).stack;
    const ThreadStack& m = thread(s, 1).stack;
    EXPECT_EQ(thread(s, 0).tid, 1001u);
    EXPECT_EQ(o.flags, kHasGil);
    EXPECT_EQ(o.cpu, CpuState::Running);
    EXPECT_EQ(m.flags, kMainThread | kHasException);
    EXPECT_EQ(m.cpu, CpuState::Idle);
}

TEST_P(ThreadStacks, HandledExceptionCounts) {
    img.push_handled_exception(main_thread, 0);
    EXPECT_FALSE(thread(walk(stacks())).stack.flags & kHasException);
    img.push_handled_exception(main_thread, img.integer(2));
    img.push_handled_exception(main_thread, 0);
    EXPECT_TRUE(thread(walk(stacks())).stack.flags & kHasException);
}

TEST_P(ThreadStacks, GilRequestedIsRecordedWhereTheVersionHasIt) {
    if (GetParam() != 15) GTEST_SKIP() << "3.14 does not record a thread waiting for the GIL";
    img.set_gil_requested(main_thread, true);
    EXPECT_EQ(thread(walk(stacks())).stack.flags, kMainThread | kGilRequested);
}

TEST_P(ThreadStacks, GcFrameUnlessNoGc) {
    auto frames = img.set_stack(main_thread, {F("<module>", "app.py", 1), F("f", "app.py", 2)});
    img.set_holds_gil(main_thread, true);
    img.set_gc(img.main_interpreter(), true, frames.back());
    WalkRequest gc = stacks();
    gc.gc = true;
    auto s = walk(gc);
    EXPECT_NE(frames_text(s, thread(s).stack).find("<GC>"), std::string::npos)
        << frames_text(s, thread(s).stack);
    auto without = walk(stacks());
    EXPECT_EQ(frames_text(without, thread(without).stack), "f app.py:2 | <module> app.py:1");
}

TEST_P(ThreadStacks, RunningTaskAndItsFrame) {
    const uint64_t task =
        img.add_task(img.tasks_of(main_thread), "req-17", {Fn{"handler", "app.py", 19}});
    const uint64_t coro = img.coroutines(task).front();
    img.set_stack(main_thread, {F("run_once", "base_events.py", 2073), ThreadFrame::running(coro),
                                F("blocking_io", "app.py", 15)});
    const uint64_t loop = img.alloc(64);
    img.set_running(main_thread, loop, task);
    WalkRequest r = stacks();
    r.tasks = true;
    auto s = walk(r);
    const ThreadStack& st = thread(s).stack;
    EXPECT_EQ(st.running_loop, loop);
    EXPECT_EQ(st.running_task, task);
    ASSERT_NE(st.task_frame, ThreadStack::kNoFrame);
    EXPECT_EQ(st.task_frame, 1u);  // blocking_io, then the task's own coroutine frame
    EXPECT_EQ(frames_text(s, st),
              "blocking_io app.py:15 | handler app.py:19 | run_once "
              "base_events.py:2073");
    ASSERT_EQ(thread(s).tasks.size(), 1u);
}

TEST_P(ThreadStacks, DetailGivesEachInstructionItsOpcode) {
    img.set_stack(main_thread, {F("<module>", "app.py", 1)});
    WalkRequest r = stacks();
    r.detail = true;
    auto s = walk(r);
    ASSERT_EQ(thread(s).stack.frames.size(), 1u);
    const Code& c = s.codes.at(s.frames_of(thread(s).stack.frames)[0].code);
    EXPECT_EQ(c.opcode, test::FakeImage::kOpcode);
    ASSERT_EQ(s.opcode_names.size(), 256u);
}

TEST_P(ThreadStacks, LoopingFramesEndInAMarkerAndAProblem) {
    auto frames = img.set_stack(main_thread, {F("a", "app.py", 1), F("b", "app.py", 2)});
    const auto& off = img.offsets();
    // The outer frame's `previous` points back at the inner one.
    img.memory().put<uint64_t>(frames.front() + off.interpreter_frame.previous, frames.back());
    auto s = walk(stacks());
    const ThreadStack& st = thread(s).stack;
    EXPECT_EQ(st.marks, kStackUnreadable);
    EXPECT_EQ(frames_text(s, st), "b app.py:2 | a app.py:1 | <unreadable>");
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_EQ(s.problems[0].part, Problem::Part::ThreadStack);
    EXPECT_EQ(s.problems[0].task, 1000u);
}

TEST_P(ThreadStacks, UnmappedFrameEndsInAMarker) {
    auto frames = img.set_stack(main_thread, {F("a", "app.py", 1), F("b", "app.py", 2)});
    img.memory().put<uint64_t>(frames.back() + img.offsets().interpreter_frame.previous,
                               0xdead0000);
    auto s = walk(stacks());
    EXPECT_EQ(frames_text(s, thread(s).stack), "b app.py:2 | <unreadable>");
    EXPECT_EQ(s.problems.size(), 1u);
}

// What a running thread looks like through the walk's cache: a block read earlier holds a frame
// the thread has since rewritten (here: its owner byte), while a fresh read sees it as it is.
class TornMemory final : public RemoteMemory {
  public:
    TornMemory(test::FakeMemory& inner, uint64_t torn_byte) : inner_(inner), torn_(torn_byte) {}
    Result<void> read(uint64_t addr, std::span<std::byte> out) override {
        auto r = inner_.read(addr, out);
        if (r && torn_ >= addr && torn_ - addr < out.size()) out[torn_ - addr] = std::byte{0x5e};
        return r;
    }
    Result<void> read_fresh(uint64_t addr, std::span<std::byte> out) override {
        ++fresh_reads;
        return inner_.read(addr, out);
    }
    int fresh_reads = 0;

  private:
    test::FakeMemory& inner_;
    uint64_t torn_;
};

TEST_P(ThreadStacks, ATornStackIsReadAgainFresh) {
    auto frames = img.set_stack(main_thread, {F("a", "app.py", 1), F("b", "app.py", 2)});
    TornMemory torn(img.memory(), frames.back() + img.offsets().interpreter_frame.owner);
    WalkInput in = img.input();
    in.request = stacks();
    auto r = walk_snapshot(torn, in, {});
    ASSERT_TRUE(r) << r.error().message;
    const ThreadStack& st = r->interpreters.at(0).threads.at(0).stack;
    EXPECT_EQ(frames_text(*r, st), "b app.py:2 | a app.py:1");
    EXPECT_EQ(st.marks, 0);
    EXPECT_TRUE(r->problems.empty());
    EXPECT_GT(torn.fresh_reads, 0);
}

TEST_P(ThreadStacks, DeepStackIsCutAtTheBound) {
    std::vector<ThreadFrame> deep;
    for (int i = 0; i < 50; ++i) deep.push_back(F("f", "app.py", i + 1));
    img.set_stack(main_thread, deep);
    WalkLimits limits;
    limits.max_frames_per_chain = 10;
    auto s = walk(stacks(), limits);
    const ThreadStack& st = thread(s).stack;
    EXPECT_EQ(st.marks, kStackCut);
    EXPECT_EQ(st.frames.size(), 11u);  // ten frames and the marker
    ASSERT_EQ(s.problems.size(), 1u);
    EXPECT_TRUE(s.problems[0].cut);
}

TEST_P(ThreadStacks, BadOwnerIsAProblemNotACrash) {
    auto frames = img.set_stack(main_thread, {F("a", "app.py", 1)});
    img.memory().put<uint8_t>(frames[0] + img.offsets().interpreter_frame.owner, 0x7f);
    auto s = walk(stacks());
    EXPECT_EQ(thread(s).stack.marks, kStackUnreadable);
    EXPECT_EQ(s.problems.size(), 1u);
}

TEST_P(ThreadStacks, NoAsyncioStillReadsStacks) {
    img.set_stack(main_thread, {F("<module>", "app.py", 1)});
    WalkInput in = img.input_without_asyncio();
    in.request = stacks();
    auto r = walk_snapshot(img.memory(), in, {});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->interpreters.size(), 1u);
    EXPECT_EQ(frames_text(*r, r->interpreters[0].threads.at(0).stack), "<module> app.py:1");
}

// The built-in the innermost frame waits for is named from its call instruction and the
// callable its evaluation stack holds.
TEST_P(ThreadStacks, TheBuiltinTheInnermostFrameCallsIsNamed) {
    auto frames = img.set_stack(main_thread, {F("main", "app.py", 3), F("nap", "app.py", 7)});
    img.set_call(frames.back(), "CALL_BUILTIN_O (CALL)", 1, img.builtin_function("time", "sleep"));
    auto s = walk(stacks());
    EXPECT_EQ(thread(s).stack.calling, "time.sleep");
    EXPECT_TRUE(s.problems.empty());
}

TEST_P(ThreadStacks, ACTypesMethodIsNamedWithItsType) {
    auto frames = img.set_stack(main_thread, {F("serve", "app.py", 3)});
    const Addr socket = img.type("_socket.socket", 0, false);  // an extension's static type
    img.set_call(frames.back(), "CALL_KW", 2, img.method_descriptor(socket, "recv"));
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "_socket.socket.recv");
}

TEST_P(ThreadStacks, ABoundBuiltinIsNamedWithItsObjectsType) {
    auto frames = img.set_stack(main_thread, {F("wait", "app.py", 3)});
    const Addr lock = img.alloc(32);
    img.memory().put<uint64_t>(lock + img.offsets().pyobject.ob_type, img.type("_thread.lock", 0));
    img.set_call(frames.back(), "INSTRUMENTED_CALL", 0, img.builtin_function("", "acquire", lock));
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "_thread.lock.acquire");
}

TEST_P(ThreadStacks, AnArgumentCountPast255ComesWithItsExtendedArg) {
    auto frames = img.set_stack(main_thread, {F("pack", "app.py", 3)});
    img.set_call(frames.back(), "CALL", 300, img.builtin_function("struct", "pack"));
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "struct.pack");
}

// f(*args, **kwargs): the callable, NULL, the tuple and the dict (or NULL); the argument is no
// count.
TEST_P(ThreadStacks, ACallWithUnpackedArgumentsIsNamed) {
    auto frames = img.set_stack(main_thread, {F("nap", "app.py", 3)});
    img.set_call(frames.back(), "CALL_FUNCTION_EX", 1, img.builtin_function("time", "sleep"));
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "time.sleep");
}

TEST_P(ThreadStacks, NothingIsNamedWithoutABuiltinCallInTheInnermostFrame) {
    const Addr sleep = img.builtin_function("time", "sleep");
    // An outer frame's call: only the innermost frame waits for its call to return.
    auto frames = img.set_stack(main_thread, {F("main", "app.py", 3), F("nap", "app.py", 7)});
    img.set_call(frames.front(), "CALL", 1, sleep);
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "");
    // Not a call instruction.
    img.set_call(frames.back(), "LOAD_FAST", 1, sleep);
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "");
    // A call of something that is no built-in (a Python function runs in a frame of its own).
    const Addr function = img.alloc(32);
    img.memory().put<uint64_t>(function + img.offsets().pyobject.ob_type, img.type("function", 0));
    img.set_call(frames.back(), "CALL", 1, function);
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "");
    // A class named like a built-in is not one.
    const Addr fake = img.alloc(64);
    img.memory().put<uint64_t>(fake + img.offsets().pyobject.ob_type,
                               img.type("builtin_function_or_method", kHeapType));
    img.set_call(frames.back(), "CALL", 1, fake);
    EXPECT_EQ(thread(walk(stacks())).stack.calling, "");
}

TEST_P(ThreadStacks, AGarbageStackPointerNamesNothingAndIsNoProblem) {
    auto frames = img.set_stack(main_thread, {F("nap", "app.py", 7)});
    img.set_call(frames.back(), "CALL", 1, img.builtin_function("time", "sleep"));
    const uint64_t sp = frames.back() + img.offsets().interpreter_frame.stackpointer;
    for (uint64_t bad : {uint64_t{0}, uint64_t{8}, frames.back() + (uint64_t{1} << 21),
                         ~uint64_t{0}, frames.back() - 64}) {
        img.memory().put<uint64_t>(sp, bad);
        auto s = walk(stacks());
        EXPECT_EQ(thread(s).stack.calling, "") << bad;
        EXPECT_EQ(frames_text(s, thread(s).stack), "nap app.py:7");
        EXPECT_TRUE(s.problems.empty());
    }
}

INSTANTIATE_TEST_SUITE_P(Versions, ThreadStacks, ::testing::Values(14, 15),
                         [](const auto& info) { return fmt::format("py3_{}", info.param); });

}  // namespace
}  // namespace aps
