// Blocks of text made on two threads, sunk in order (see ordered_blocks.hpp).
#include "render/ordered_blocks.hpp"

#include <array>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>

namespace aps::render {
namespace {

// The odd blocks travel through two slots: the second thread fills one while this thread
// sinks the other.
class Handoff {
  public:
    // Second thread: the slot for its k-th block, once this thread has emptied it; nullptr
    // when told to stop.
    std::string* slot_to_fill(std::size_t k) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || !full_[k % 2]; });
        return stopping_ ? nullptr : &text_[k % 2];
    }
    void filled(std::size_t k) {
        {
            std::lock_guard lock(mutex_);
            full_[k % 2] = true;
        }
        changed_.notify_all();
    }
    // This thread: the k-th odd block, once made.
    std::string& wait_filled(std::size_t k) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return full_[k % 2]; });
        return text_[k % 2];
    }
    void emptied(std::size_t k) {
        {
            std::lock_guard lock(mutex_);
            text_[k % 2].clear();
            full_[k % 2] = false;
        }
        changed_.notify_all();
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::array<std::string, 2> text_;
    std::array<bool, 2> full_{false, false};
    bool stopping_ = false;
};

// Joins the second thread on every way out (a sink or a block that throws included).
struct Joiner {
    Handoff& handoff;
    std::thread& thread;
    ~Joiner() {
        handoff.stop();
        if (thread.joinable()) thread.join();
    }
};

}  // namespace

void make_blocks_in_order(std::size_t blocks, const MakeBlock& make, const OutputSink& sink,
                          unsigned jobs) {
    std::string mine;
    auto make_here = [&](std::size_t i) {
        mine.clear();
        make(i, mine);
        if (!mine.empty()) sink(mine);
    };
    Handoff handoff;
    std::thread second;
    if (blocks >= 2 && jobs > 1) {
        // std::thread reports a failure to start by throwing: then this thread makes them all.
        try {
            second = std::thread([&handoff, &make, blocks] {
                for (std::size_t i = 1, k = 0; i < blocks; i += 2, ++k) {
                    std::string* out = handoff.slot_to_fill(k);
                    if (out == nullptr) return;
                    make(i, *out);
                    handoff.filled(k);
                }
            });
        } catch (const std::system_error&) {
        }
    }
    Joiner joiner{handoff, second};
    for (std::size_t i = 0; i < blocks; ++i) {
        if (!second.joinable() || i % 2 == 0) {
            make_here(i);
            continue;
        }
        const std::size_t k = i / 2;
        std::string& text = handoff.wait_filled(k);
        if (!text.empty()) sink(text);
        handoff.emptied(k);
    }
}

}  // namespace aps::render
