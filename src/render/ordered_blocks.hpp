// Text made in numbered blocks on two threads and handed to the sink in block order: how a big
// table uses the second core, with at most two finished blocks waiting at any time.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "aps/render.hpp"

namespace aps::render {

// Appends the text of block `index` to `out` (empty on entry). Called from two threads at once
// for different blocks: it may only read what it shares.
using MakeBlock = std::function<void(std::size_t index, std::string& out)>;

// Makes blocks [0, blocks): the even ones on this thread, the odd ones on a second thread (all
// on this thread with jobs 1, when there are fewer than two, or when no thread can be started),
// and gives each block's text to `sink` from this thread, in order.
void make_blocks_in_order(std::size_t blocks, const MakeBlock& make, const OutputSink& sink,
                          unsigned jobs);

}  // namespace aps::render
