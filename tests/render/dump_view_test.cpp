// Tests of aps dump's text (render/dump_text.cpp), its file names (render/display_path.cpp) and
// its task stacks (render/task_stacks.cpp) over hand-built snapshots.
#include <gtest/gtest.h>

#include <string>

#include "aps/render.hpp"
#include "render/display_path.hpp"
#include "render/snapshot_builder.hpp"
#include "render/task_stacks.hpp"

namespace aps {
namespace {

using render::display_path;
using render::test::F;
using render::test::SnapshotBuilder;

std::string dump(const Snapshot& s, DumpStacks stacks, bool opcodes = false) {
    DumpView view;
    view.pid = 42;
    view.stacks = stacks;
    view.opcodes = opcodes;
    view.cwd = "/srv/app";
    view.source_line = [](const std::string& file, int line) -> std::string_view {
        if (file == "/srv/app/main.py" && line == 3) return "    await handler()  ";
        if (file == "/srv/app/main.py" && line == 9) return " \t ";
        return {};
    };
    std::string out;
    render_dump(s, view, [&out](std::string_view piece) { out += piece; });
    return out;
}

// A thread whose stack is `frames` (innermost first), with the given flags and CPU state.
void set_stack(Snapshot& s, std::size_t thread, const std::vector<std::size_t>& frames,
               uint8_t flags, CpuState cpu) {
    ThreadStack& st = s.interpreters[0].threads[thread].stack;
    st.read = true;
    st.flags = flags;
    st.cpu = cpu;
    st.frames = Slice{static_cast<uint32_t>(s.frames.size()), static_cast<uint32_t>(frames.size())};
    for (std::size_t i : frames) s.frames.push_back(s.frames[i]);
}

TEST(DisplayPath, RelativeUnderTheCurrentDirectoryOnly) {
    EXPECT_EQ(display_path("/srv/app/main.py", "/srv/app"), "main.py");
    EXPECT_EQ(display_path("/srv/app/lib/x.py", "/srv/app/"), "lib/x.py");
    EXPECT_EQ(display_path("/srv/app/../app/x.py", "/srv/app"), "x.py");
    EXPECT_EQ(display_path("/usr/lib/python3.15/asyncio/runners.py", "/srv/app"),
              "/usr/lib/python3.15/asyncio/runners.py");
    EXPECT_EQ(display_path("/srv/application.py", "/srv/app"), "/srv/application.py");
    EXPECT_EQ(display_path("/srv/app", "/srv/app"), ".");
    EXPECT_EQ(display_path("<frozen runpy>", "/srv/app"), "<frozen runpy>");
    EXPECT_EQ(display_path("x.py", "/"), "x.py");
    EXPECT_EQ(display_path("/x.py", "/"), "x.py");
    EXPECT_EQ(display_path("", "/srv"), "");
    EXPECT_EQ(display_path("~", "/srv"), "~");
}

Snapshot two_threads() {
    Snapshot s =
        SnapshotBuilder()
            .thread(7)
            .task(0x10, "keep",
                  {F("handler", "/srv/app/main.py", 3), F("<module>", "/srv/app/main.py", 9)})
            .thread(8)
            .build();
    return s;
}

TEST(DumpText, MainThreadWithStatusAndSourceLines) {
    Snapshot s = two_threads();
    set_stack(s, 0, {0, 1}, 0, CpuState::Idle);
    set_stack(s, 1, {0}, kMainThread | kHasGil, CpuState::Running);
    EXPECT_EQ(dump(s, DumpStacks::MainThreads),
              "Stack dump for PID 42, thread 8 (main thread, has GIL, on CPU; most recent call "
              "last):\n"
              "  File \"main.py\", line 3, in handler\n"
              "    await handler()  \n");
}

TEST(DumpText, AllThreadsIdleAndUnknown) {
    Snapshot s = two_threads();
    set_stack(s, 0, {0, 1}, 0, CpuState::Idle);
    set_stack(s, 1, {}, kMainThread, CpuState::Unknown);
    EXPECT_EQ(dump(s, DumpStacks::AllThreads),
              "Stack dump for PID 42, thread 7 (idle; most recent call last):\n"
              "  File \"main.py\", line 9, in <module>\n"
              "  File \"main.py\", line 3, in handler\n"
              "    await handler()  \n"
              "\n"
              "Stack dump, thread 8 (main thread; most recent call last):\n"
              "No Python frames\n");
}

TEST(DumpText, NativeGcAndNoLine) {
    Snapshot s = two_threads();
    Code native;
    native.function = "<native>";
    native.kind = Code::Kind::Native;
    s.codes.push_back(native);
    s.frames.push_back(Frame{static_cast<uint32_t>(s.codes.size() - 1), 0});
    s.frames.push_back(Frame{0, Frame::kNoLine});
    set_stack(s, 1, {3, 2}, kMainThread | kHasException, CpuState::NotAsked);
    EXPECT_EQ(dump(s, DumpStacks::MainThreads),
              "Stack dump for PID 42, thread 8 (main thread, has exception; most recent call "
              "last):\n"
              "  <native>\n"
              "  File \"main.py\", in handler\n");
}

TEST(DumpText, OpcodesAfterPythonFrames) {
    Snapshot s = two_threads();
    s.opcode_names.assign(256, "NOP");
    s.opcode_names[42] = "CALL_PY_EXACT_ARGS (CALL)";
    s.codes[0].opcode = 42;
    set_stack(s, 1, {0}, kMainThread, CpuState::Idle);
    EXPECT_EQ(dump(s, DumpStacks::MainThreads, true),
              "Stack dump for PID 42, thread 8 (main thread, idle; most recent call last):\n"
              "  File \"main.py\", line 3, in handler  opcode=CALL_PY_EXACT_ARGS (CALL)\n"
              "    await handler()  \n");
}

TEST(DumpText, ColourAsTheReferenceOnATerminal) {
    Snapshot s = two_threads();
    // `await handler()` is bytes 4..19 of the line, the call `handler()` bytes 10..19.
    s.codes[0].column = 10;
    s.codes[0].end_column = 19;
    s.codes[0].end_line = 3;
    set_stack(s, 1, {0}, kMainThread, CpuState::Idle);
    DumpView view;
    view.pid = 42;
    view.colour = true;
    view.cwd = "/srv/app";
    view.source_line = [](const std::string&, int) -> std::string_view {
        return "    await handler()  ";
    };
    std::string out;
    render_dump(s, view, [&out](std::string_view piece) { out += piece; });
    EXPECT_EQ(out,
              "\x1b[1;34mStack dump for PID 42, thread 8 (main thread, idle; most recent call "
              "last):\x1b[0m\n"
              "  File \x1b[36m\"main.py\"\x1b[0m, line \x1b[33m3\x1b[0m, in "
              "\x1b[1;32mhandler\x1b[0m\n"
              "    \x1b[37mawait \x1b[0m\x1b[1;33mhandler()\x1b[0m\x1b[37m  \x1b[0m\n");
}

TEST(DumpText, NothingToShow) {
    Snapshot s = two_threads();
    EXPECT_EQ(dump(s, DumpStacks::AllThreads), "No Python stacks found for PID 42\n");
    EXPECT_EQ(dump(s, DumpStacks::RunningTasks), "No Python stacks found for PID 42\n");
}

TEST(DumpText, TaskStacksThroughTheirAwaiters) {
    Snapshot s = SnapshotBuilder()
                     .thread(7)
                     .task(0x100, "Task-1", {F("main", "/srv/app/main.py", 3)})
                     .task(0x200, "child", {F("sleep", "/usr/lib/asyncio/tasks.py", 725)})
                     .awaited_by(0x100)
                     .build();
    EXPECT_EQ(dump(s, DumpStacks::AllTasks),
              "Stack dump for PID 42, thread 7 (task 512; most recent call last):\n"
              "  File \"<task>\", in Task-1\n"
              "  File \"main.py\", line 3, in main\n"
              "    await handler()  \n"
              "  File \"<task>\", in child\n"
              "  File \"/usr/lib/asyncio/tasks.py\", line 725, in sleep\n");
}

TEST(TaskStacks, SeveralAwaitersFollowTheLowestId) {
    Snapshot s = SnapshotBuilder()
                     .thread(7)
                     .task(0x300, "a")
                     .task(0x100, "b")
                     .task(0x200, "shared")
                     .awaited_by(0x300)
                     .awaited_by(0x100)
                     .build();
    auto stacks = render::all_task_stacks(s);
    // Leaves: a and b are awaiters, so only "shared" is a leaf.
    ASSERT_EQ(stacks.size(), 1u);
    ASSERT_EQ(stacks[0].entries.size(), 2u);
    EXPECT_EQ(stacks[0].entries[0].task->name, "shared");
    EXPECT_EQ(stacks[0].entries[0].parents, 2u);
    EXPECT_EQ(stacks[0].entries[1].task->name, "b");
}

TEST(TaskStacks, ACycleEnds) {
    Snapshot s = SnapshotBuilder()
                     .thread(7)
                     .task(0x100, "a")
                     .awaited_by(0x200)
                     .task(0x200, "b")
                     .awaited_by(0x100)
                     .task(0x300, "leaf")
                     .awaited_by(0x100)
                     .build();
    auto stacks = render::all_task_stacks(s);
    ASSERT_EQ(stacks.size(), 1u);
    EXPECT_EQ(stacks[0].entries.size(), 3u);  // leaf, a, b: then a again ends it
}

TEST(TaskStacks, LeavesInPythonSetOrder) {
    // Eight independent tasks and no awaiter: the reference's set difference copies the set of
    // ids, whose order for these small ints is by value modulo the table size.
    SnapshotBuilder b;
    b.thread(1);
    for (uint64_t id : {40u, 9u, 17u, 3u, 64u, 22u, 5u, 31u}) b.task(id, "t");
    auto stacks = render::all_task_stacks(b.build());
    std::vector<uint64_t> leaves;
    for (const auto& st : stacks) leaves.push_back(st.leaf);
    // Python 3.15: list({40, 9, 17, 3, 64, 22, 5, 31} - set()) == [64, 3, 5, 40, 9, 17, 22, 31]
    EXPECT_EQ(leaves, (std::vector<uint64_t>{64, 3, 5, 40, 9, 17, 22, 31}));
}

}  // namespace
}  // namespace aps
