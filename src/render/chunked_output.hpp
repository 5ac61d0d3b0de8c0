// The data views' output buffer: text is appended to a string that goes to the OutputSink
// whenever it holds about kOutputChunk bytes, so a view of a million tasks never sits whole.
#pragma once

#include <string>

#include "aps/render.hpp"

namespace aps::render {

class ChunkedOutput {
  public:
    // No reserve: the string grows to one chunk once and keeps that capacity across flushes, and
    // a small view (the usual case) never pays for a chunk-sized allocation.
    explicit ChunkedOutput(const OutputSink& sink) : sink_(sink) {}
    ChunkedOutput(const ChunkedOutput&) = delete;
    ChunkedOutput& operator=(const ChunkedOutput&) = delete;

    std::string& text() { return text_; }

    // Call between items (a task, a line): hands the text on once a chunk is full.
    void item_done() {
        if (text_.size() >= kOutputChunk) flush();
    }

    void flush() {
        if (text_.empty()) return;
        sink_(text_);
        text_.clear();
    }

  private:
    const OutputSink& sink_;
    std::string text_;
};

}  // namespace aps::render
