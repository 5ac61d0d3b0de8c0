// native_merge: the runs of Python frames (split at <native>) go above the eval-loop frames of
// the native stack, innermost first; runs left over follow the native frames.
#include "render/native_merge.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace aps::render {
namespace {

// A snapshot whose codes are: 0 <native>, 1 inner, 2 outer, 3 main.
Snapshot with_codes() {
    Snapshot s;
    s.codes.push_back(Code{"<native>", "", Code::Kind::Native});
    for (const char* name : {"inner", "outer", "main"}) {
        s.codes.push_back(Code{name, "app.py", Code::Kind::Python});
    }
    return s;
}

NativeStack native_of(std::vector<std::string> functions) {
    NativeStack n;
    for (auto& f : functions) n.frames.push_back(NativeFrame{0, f, "python3.14", 0});
    return n;
}

std::vector<std::string> names(const Snapshot& s, const std::vector<MergedFrame>& merged) {
    std::vector<std::string> out;
    for (const MergedFrame& m : merged) {
        out.push_back(m.native != nullptr ? m.native->function
                                          : "py:" + s.codes[m.python->code].function);
    }
    return out;
}

TEST(NativeMerge, EvalLoopNames) {
    EXPECT_TRUE(is_eval_loop("_PyEval_EvalFrameDefault"));
    EXPECT_TRUE(is_eval_loop("_PyEval_EvalFrameDefault.cold"));
    EXPECT_FALSE(is_eval_loop("_PyEval_EvalFrameDefaultX"));
    EXPECT_FALSE(is_eval_loop("_PyEval_EvalFrame"));
    EXPECT_FALSE(is_eval_loop(""));
}

TEST(NativeMerge, EachRunAboveItsEvalLoop) {
    const Snapshot s = with_codes();
    // inner, outer run by one eval loop; main by the outermost; <native> frames delimit them.
    const std::vector<Frame> py{{1, 3}, {2, 7}, {0, -1}, {3, 9}, {0, -1}};
    const NativeStack n = native_of({"clock_nanosleep", "time_sleep", "_PyEval_EvalFrameDefault",
                                     "task_step", "_PyEval_EvalFrameDefault", "main"});
    std::size_t leftover = 99;
    const auto merged = merge_stacks(s, n, py, leftover);
    EXPECT_EQ(leftover, 0u);
    EXPECT_EQ(names(s, merged),
              (std::vector<std::string>{"clock_nanosleep", "time_sleep", "py:inner", "py:outer",
                                        "_PyEval_EvalFrameDefault", "task_step", "py:main",
                                        "_PyEval_EvalFrameDefault", "main"}));
}

TEST(NativeMerge, UnplacedRunsFollow) {
    const Snapshot s = with_codes();
    const std::vector<Frame> py{{1, 3}, {0, -1}, {3, 9}};
    const NativeStack n = native_of({"clock_nanosleep", "", "_PyEval_EvalFrameDefault.cold"});
    std::size_t leftover = 0;
    const auto merged = merge_stacks(s, n, py, leftover);
    EXPECT_EQ(leftover, 1u);
    EXPECT_EQ(names(s, merged),
              (std::vector<std::string>{"clock_nanosleep", "", "py:inner",
                                        "_PyEval_EvalFrameDefault.cold", "py:main"}));
}

TEST(NativeMerge, NoPythonFrames) {
    const Snapshot s = with_codes();
    const NativeStack n = native_of({"epoll_wait", "start_thread"});
    std::size_t leftover = 5;
    EXPECT_EQ(names(s, merge_stacks(s, n, {}, leftover)),
              (std::vector<std::string>{"epoll_wait", "start_thread"}));
    EXPECT_EQ(leftover, 0u);
}

}  // namespace
}  // namespace aps::render
