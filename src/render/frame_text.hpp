// The text of one frame as the reference's tree prints it (`_format_stack_entry` in tools.py).
#pragma once

#include <string>

#include "aps/snapshot.hpp"

namespace aps::render {

// Raw (unescaped) frame text:
//   line 0 and file "":  "N"
//   otherwise:           "N F:L", L = -1 when the line is unknown (Frame::kNoLine)
// The reference's third form, "N F" without a line, is for a frame whose location table it did not
// read (over its 4 KiB or 64 KiB cap): aps reads and decodes those.
std::string frame_text(const Code& code, const Frame& frame);

// snapshot.codes[frame.code]; a placeholder code if the index is out of range (never trusted).
const Code& code_of(const Snapshot& snapshot, const Frame& frame);

}  // namespace aps::render
