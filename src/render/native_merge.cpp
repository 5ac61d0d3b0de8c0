// Placing Python frames in a native stack: split the Python stack at its <native> frames (each
// marks an entry into the evaluation loop from C), and hand the runs out, innermost first, to
// the eval-loop frames of the native stack, innermost first.
#include "render/native_merge.hpp"

namespace aps::render {

bool is_eval_loop(std::string_view function) {
    constexpr std::string_view kEval = "_PyEval_EvalFrameDefault";
    return function.starts_with(kEval) &&
           (function.size() == kEval.size() || function[kEval.size()] == '.');
}

std::vector<MergedFrame> merge_stacks(const Snapshot& snapshot, const NativeStack& native,
                                      std::span<const Frame> python, std::size_t& leftover) {
    // The runs of Python frames, innermost first; a <native> frame ends one.
    std::vector<std::span<const Frame>> runs;
    std::size_t begin = 0;
    for (std::size_t i = 0; i <= python.size(); ++i) {
        const bool boundary =
            i == python.size() || snapshot.codes[python[i].code].kind == Code::Kind::Native;
        if (!boundary) continue;
        if (i > begin) runs.push_back(python.subspan(begin, i - begin));
        begin = i + 1;
    }
    std::vector<MergedFrame> out;
    out.reserve(native.frames.size() + python.size());
    std::size_t next = 0;
    for (const NativeFrame& f : native.frames) {
        if (is_eval_loop(f.function) && next < runs.size()) {
            for (const Frame& p : runs[next]) out.push_back(MergedFrame{nullptr, &p});
            ++next;
        }
        out.push_back(MergedFrame{&f, nullptr});
    }
    leftover = 0;
    for (; next < runs.size(); ++next) {
        for (const Frame& p : runs[next]) {
            out.push_back(MergedFrame{nullptr, &p});
            ++leftover;
        }
    }
    return out;
}

}  // namespace aps::render
