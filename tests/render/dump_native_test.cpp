// aps dump --native-frames' text and JSON: a frame without a symbol prints its library and
// offset, Python frames sit above their eval loop, the unwinder's notes end the thread; without
// -a the main threads only; in aps dump's JSON each thread's "native", and "other_threads".
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "aps/render.hpp"

namespace aps {
namespace {

Snapshot one_thread() {
    Snapshot s;
    s.major = 3;
    s.minor = 14;
    s.codes.push_back(Code{"blocking_io", "/srv/app.py", Code::Kind::Python});
    s.frames.push_back(Frame{0, 15});
    Thread t;
    t.tid = 42;
    t.stack.read = true;
    t.stack.frames = Slice{0, 1};
    s.interpreters.push_back(Interpreter{0, {t}});
    NativeStack n;
    n.tid = 42;
    n.frames = {NativeFrame{0x7f0000001000, "clock_nanosleep", "libc.so.6", 0x1000},
                NativeFrame{0x401234, "", "python3.14", 0x1234},
                NativeFrame{0x402000, "_PyEval_EvalFrameDefault", "python3.14", 0x2000}};
    n.error = "no matching address range";
    s.native_stacks.push_back(n);
    return s;
}

std::string render(const Snapshot& s, bool json, DumpStacks stacks = DumpStacks::AllThreads) {
    std::string out;
    DumpView view;
    view.pid = 42;
    view.cwd = "/srv";
    view.stacks = stacks;
    view.native_frames = true;
    const OutputSink sink = [&out](std::string_view piece) { out += piece; };
    json ? render_dump_json(s, view, {}, sink) : render_native_dump(s, view, sink);
    return out;
}

TEST(DumpNative, Text) {
    EXPECT_EQ(render(one_thread(), false),
              "Native stack of PID 42, thread 42 (most recent call first):\n"
              "  #0   0x00007f0000001000 clock_nanosleep (libc.so.6)\n"
              "  #1   0x0000000000401234 ?? (python3.14+0x1234)\n"
              "        File \"app.py\", line 15, in blocking_io\n"
              "  #2   0x0000000000402000 _PyEval_EvalFrameDefault (python3.14)\n"
              "  (unwinding ended: no matching address range)\n");
}

TEST(DumpNative, WithoutAllThreadsOnlyTheMainThread) {
    Snapshot s = one_thread();
    Thread main;
    main.tid = 40;
    main.stack.read = true;
    main.stack.flags = kMainThread;
    s.interpreters[0].threads.push_back(main);
    NativeStack n;
    n.tid = 40;
    n.frames = {NativeFrame{0x7f0000002000, "epoll_wait", "libc.so.6", 0x2000}};
    s.native_stacks.push_back(n);
    EXPECT_EQ(render(s, false, DumpStacks::MainThreads),
              "Native stack of PID 42, thread 40, no Python frames (most recent call first):\n"
              "  #0   0x00007f0000002000 epoll_wait (libc.so.6)\n");
    EXPECT_NE(render(s, false).find("thread 42"), std::string::npos);
}

TEST(DumpNative, JsonIsTheDumpDocumentWithEachThreadsNativeStack) {
    Snapshot s = one_thread();
    NativeStack c_only;  // a thread with no Python thread state
    c_only.tid = 43;
    c_only.frames = {NativeFrame{0x7f0000003000, "pthread_cond_wait", "libc.so.6", 0x3000}};
    s.native_stacks.push_back(c_only);
    const auto doc = nlohmann::json::parse(render(s, true));
    EXPECT_EQ(doc["view"], "dump");
    EXPECT_EQ(doc["target"]["pid"], 42);
    const auto& t = doc["threads"][0];
    EXPECT_EQ(t["thread_id"], 42);
    EXPECT_EQ(t["frames"][0]["function"], "blocking_io");  // the Python stack, as without
    const auto& native = t["native"];
    ASSERT_EQ(native["frames"].size(), 4u);
    EXPECT_EQ(native["frames"][0]["function"], "clock_nanosleep");
    EXPECT_TRUE(native["frames"][1]["function"].is_null());
    EXPECT_EQ(native["frames"][1]["offset"], 0x1234);
    EXPECT_EQ(native["frames"][2]["kind"], "python");
    EXPECT_EQ(native["frames"][2]["line"], 15);
    EXPECT_EQ(native["python_frames_not_placed"], 0);
    EXPECT_EQ(native["error"], "no matching address range");
    ASSERT_EQ(doc["other_threads"].size(), 1u);
    EXPECT_EQ(doc["other_threads"][0]["thread_id"], 43);
    EXPECT_EQ(doc["other_threads"][0]["native"]["frames"][0]["function"], "pthread_cond_wait");
}

TEST(DumpNative, WithoutNativeFramesTheJsonHasNoNativeMembers) {
    std::string out;
    DumpView view;
    const OutputSink sink = [&out](std::string_view piece) { out += piece; };
    render_dump_json(one_thread(), view, {}, sink);
    const auto doc = nlohmann::json::parse(out);
    EXPECT_FALSE(doc["threads"][0].contains("native"));
    EXPECT_FALSE(doc.contains("other_threads"));
}

}  // namespace
}  // namespace aps
