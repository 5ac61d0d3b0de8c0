// The park tracker: matches each task of a new sample with the same task in the previous one and
// keeps its clock running while its name and coroutine stack stay the same.
#include "aps/park_tracker.hpp"

#include <algorithm>
#include <functional>
#include <span>
#include <string_view>
#include <utility>

namespace aps {
namespace {

constexpr uint32_t kNoCode = UINT32_MAX;

struct CodeKeyHash {
    std::size_t operator()(const std::pair<std::string_view, std::string_view>& key) const {
        const std::size_t a = std::hash<std::string_view>{}(key.first);
        const std::size_t b = std::hash<std::string_view>{}(key.second);
        return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
    }
};

// For each code object of `next`, the index of the code object of `prev` with the same function
// and file, or kNoCode. Code indices are per snapshot, so frames are compared through this.
std::vector<uint32_t> match_codes(const Snapshot& prev, const Snapshot& next) {
    std::unordered_map<std::pair<std::string_view, std::string_view>, uint32_t, CodeKeyHash> index;
    index.reserve(prev.codes.size());
    for (uint32_t i = 0; i < prev.codes.size(); ++i) {
        index.try_emplace({prev.codes[i].function, prev.codes[i].file}, i);
    }
    std::vector<uint32_t> out(next.codes.size(), kNoCode);
    for (uint32_t i = 0; i < next.codes.size(); ++i) {
        const auto it = index.find({next.codes[i].function, next.codes[i].file});
        if (it != index.end()) out[i] = it->second;
    }
    return out;
}

bool same_frames(std::span<const Frame> before, std::size_t before_codes,
                 std::span<const Frame> now, const std::vector<uint32_t>& code_map) {
    if (before.size() != now.size()) return false;
    for (std::size_t i = 0; i < now.size(); ++i) {
        if (before[i].line != now[i].line) return false;
        // A code index out of range (never trusted) only matches another one out of range.
        const bool now_known = now[i].code < code_map.size();
        const bool before_known = before[i].code < before_codes;
        if (now_known != before_known) return false;
        if (now_known && code_map[now[i].code] != before[i].code) return false;
    }
    return true;
}

template <class Fn>
void for_each_task(const Snapshot& snapshot, Fn&& fn) {
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) fn(task);
        }
    }
}

}  // namespace

void ParkTracker::update(Snapshot snapshot, Clock::time_point now) {
    const bool first = samples_ == 0;
    const std::vector<uint32_t> code_map = match_codes(snapshot_, snapshot);

    // Compared against the previous sample while it is still alive; positions_ points into it.
    std::vector<Position> next_positions;
    for_each_task(snapshot, [&](const Task& task) {
        Position pos{&task, now, first};
        const auto it = positions_.find(task.id);
        if (it != positions_.end()) {
            const Task& before = *it->second.task;
            if (snapshot_.name_of(before) == snapshot.name_of(task) &&
                same_frames(snapshot_.frames_of(before), snapshot_.codes.size(),
                            snapshot.frames_of(task), code_map)) {
                pos.since = it->second.since;
                pos.before_first_sample = it->second.before_first_sample;
            }
        }
        next_positions.push_back(pos);
    });

    snapshot_ = std::move(snapshot);
    positions_.clear();
    positions_.reserve(next_positions.size());
    times_.clear();
    times_.reserve(next_positions.size());
    std::size_t i = 0;
    for_each_task(snapshot_, [&](const Task& task) {
        Position& pos = next_positions[i++];
        pos.task = &task;  // the same task, now owned by snapshot_
        const auto parked = std::max(Clock::duration::zero(), now - pos.since);
        times_.push_back(ParkTime{std::chrono::duration_cast<std::chrono::nanoseconds>(parked),
                                  pos.before_first_sample});
        // A duplicated id (garbage) keeps its first occurrence.
        positions_.try_emplace(task.id, pos);
    });
    ++samples_;
}

}  // namespace aps
