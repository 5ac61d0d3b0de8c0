// Content of the watch views: ordering by park time, counts per coroutine, cell texts.
#include "render/watch_rows.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>

#include "render/escape.hpp"
#include "render/frame_text.hpp"

namespace aps::render {

std::vector<WatchRow> rows_by_park_time(const Snapshot& snapshot,
                                        const std::vector<ParkTime>& times) {
    std::vector<WatchRow> rows;
    std::size_t i = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                rows.push_back(
                    WatchRow{&task, thread.tid, i < times.size() ? times[i] : ParkTime{}});
                ++i;
            }
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const WatchRow& a, const WatchRow& b) {
        return a.time.parked > b.time.parked;
    });
    return rows;
}

std::vector<CoroutineCount> count_by_coroutine(const Snapshot& snapshot) {
    // Counted per code object first (one escape per code object, not per task), then merged by
    // name: different code objects may share a qualified name.
    std::vector<std::size_t> per_code(snapshot.codes.size() + 1, 0);  // last: unknown index
    std::size_t no_frame = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                if (task.frames.empty()) {
                    ++no_frame;
                } else {
                    ++per_code[std::min<std::size_t>(snapshot.frames_of(task).front().code,
                                                     snapshot.codes.size())];
                }
            }
        }
    }
    std::map<std::string, std::size_t> counts;
    for (std::size_t code = 0; code < per_code.size(); ++code) {
        if (per_code[code] == 0) continue;
        Frame frame;
        frame.code = static_cast<uint32_t>(std::min<std::size_t>(code, UINT32_MAX));
        counts[escape_text(code_of(snapshot, frame).function)] += per_code[code];
    }
    if (no_frame > 0) counts["-"] += no_frame;
    std::vector<CoroutineCount> out;
    out.reserve(counts.size());
    for (auto& [function, tasks] : counts) out.push_back(CoroutineCount{function, tasks});
    std::stable_sort(out.begin(), out.end(), [](const CoroutineCount& a, const CoroutineCount& b) {
        return a.tasks > b.tasks;
    });
    return out;
}

std::string format_park_time(std::chrono::nanoseconds parked) {
    using namespace std::chrono;
    const int64_t tenths = std::max<int64_t>(0, parked.count() / 100'000'000);
    if (tenths < 600) return fmt::format("{}.{}s", tenths / 10, tenths % 10);
    const int64_t s = tenths / 10;
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
    return fmt::format("{}d{:02}h", s / 86400, s % 86400 / 3600);
}

std::string current_frame_text(const Snapshot& snapshot, const Task& task, bool short_file) {
    if (task.frames.empty()) return "-";
    const Frame& frame = snapshot.frames_of(task).front();
    const Code& code = code_of(snapshot, frame);
    if (!short_file) return escape_text(frame_text(code, frame));
    std::string_view file = code.file;
    if (const auto slash = file.rfind('/');
        slash != std::string_view::npos && slash + 1 < file.size()) {
        file.remove_prefix(slash + 1);
    }
    return escape_text(frame_text(Code{code.function, std::string(file)}, frame));
}

std::string stack_text(const Snapshot& snapshot, const Task& task) {
    std::string out;
    bool first = true;
    for (const Frame& frame : snapshot.frames_of(task)) {
        if (!first) out.append(" -> ");
        first = false;
        append_escaped(out, code_of(snapshot, frame).function);
    }
    return out;
}

}  // namespace aps::render
