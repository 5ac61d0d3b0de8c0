// aps dump --native-frames' text and JSON: a frame without a symbol prints its library and
// offset, Python frames sit above their eval loop, the unwinder's notes end the thread.
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

std::string render(const Snapshot& s, bool json) {
    std::string out;
    DumpView view;
    view.pid = 42;
    view.cwd = "/srv";
    const OutputSink sink = [&out](std::string_view piece) { out += piece; };
    json ? render_native_dump_json(s, view, sink) : render_native_dump(s, view, sink);
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

TEST(DumpNative, Json) {
    const auto doc = nlohmann::json::parse(render(one_thread(), true));
    EXPECT_EQ(doc["target"]["pid"], 42);
    EXPECT_EQ(doc["python_version"], "3.14");
    const auto& t = doc["native_stacks"][0];
    EXPECT_EQ(t["thread_id"], 42);
    ASSERT_EQ(t["frames"].size(), 4u);
    EXPECT_EQ(t["frames"][0]["function"], "clock_nanosleep");
    EXPECT_TRUE(t["frames"][1]["function"].is_null());
    EXPECT_EQ(t["frames"][1]["offset"], 0x1234);
    EXPECT_EQ(t["frames"][2]["kind"], "python");
    EXPECT_EQ(t["frames"][2]["line"], 15);
    EXPECT_EQ(t["python_frames_not_placed"], 0);
    EXPECT_EQ(t["error"], "no matching address range");
}

}  // namespace
}  // namespace aps
