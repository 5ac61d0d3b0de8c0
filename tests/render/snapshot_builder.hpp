// Test helper: builds Snapshots by hand (interpreters → threads → tasks → awaiters), interning
// code objects the way the model does.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aps/snapshot.hpp"

namespace aps::render::test {

// One frame: function name, file and line (kNoLine when absent). A bare name is a frame in file ""
// at line 0, which the views print as the name alone (as tools.py prints a str frame).
struct F {
    F(const char* function_) : function(function_), line(0) {}  // NOLINT: a bare name is a frame
    F(std::string function_, std::string file_, int32_t line_ = Frame::kNoLine)
        : function(std::move(function_)), file(std::move(file_)), line(line_) {}
    std::string function;
    std::string file;
    int32_t line = Frame::kNoLine;
};

class SnapshotBuilder {
  public:
    SnapshotBuilder& interpreter() {
        snapshot_.interpreters.emplace_back();
        return *this;
    }
    SnapshotBuilder& thread(uint64_t tid) {
        if (snapshot_.interpreters.empty()) interpreter();
        snapshot_.interpreters.back().threads.push_back(Thread{tid, {}, {}});
        return *this;
    }
    SnapshotBuilder& task(uint64_t id, std::string name, const std::vector<F>& frames = {}) {
        Task t;
        t.id = id;
        t.name = std::move(name);
        t.frames = make_frames(frames);
        t.awaited_by = Slice{static_cast<uint32_t>(snapshot_.awaiters.size()), 0};
        snapshot_.interpreters.back().threads.back().tasks.push_back(std::move(t));
        return *this;
    }
    SnapshotBuilder& awaited_by(uint64_t id, const std::vector<F>& frames = {}) {
        // A task's awaiters are one run of Snapshot::awaiters: they follow the task's.
        Task& task = snapshot_.interpreters.back().threads.back().tasks.back();
        if (task.awaited_by.at + task.awaited_by.n != snapshot_.awaiters.size()) {
            throw std::logic_error("SnapshotBuilder: awaited_by() goes right after its task()");
        }
        snapshot_.awaiters.push_back(Awaiter{id, make_frames(frames)});
        ++task.awaited_by.n;
        return *this;
    }
    // The last task's TaskMark bits, and the type of its coroutine.
    SnapshotBuilder& marks(uint8_t marks) {
        snapshot_.interpreters.back().threads.back().tasks.back().marks = marks;
        return *this;
    }
    SnapshotBuilder& coro_type(const std::string& name) {
        Task& task = snapshot_.interpreters.back().threads.back().tasks.back();
        task.coro_type = static_cast<uint32_t>(snapshot_.type_names.size());
        snapshot_.type_names.push_back(name);
        return *this;
    }
    SnapshotBuilder& problem(Problem p) {
        snapshot_.problems.push_back(std::move(p));
        return *this;
    }
    Snapshot build() const { return snapshot_; }

  private:
    Slice make_frames(const std::vector<F>& frames) {
        Slice out{static_cast<uint32_t>(snapshot_.frames.size()),
                  static_cast<uint32_t>(frames.size())};
        for (const F& f : frames) {
            const auto [it, inserted] = codes_.try_emplace(
                std::make_pair(f.function, f.file), static_cast<uint32_t>(snapshot_.codes.size()));
            if (inserted) snapshot_.codes.push_back(Code{f.function, f.file});
            Frame frame;
            frame.code = it->second;
            frame.line = f.line;
            snapshot_.frames.push_back(frame);
        }
        return out;
    }

    Snapshot snapshot_ = [] {
        Snapshot s;
        s.major = 3;
        s.minor = 14;
        return s;
    }();
    std::map<std::pair<std::string, std::string>, uint32_t> codes_;
};

}  // namespace aps::render::test
