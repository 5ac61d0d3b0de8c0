// The text of one frame as the reference's tree prints it (`_format_stack_entry` in tools.py).
#pragma once

#include <string>

#include "aps/snapshot.hpp"

namespace aps::render {

// Raw (unescaped) frame text:
//   no line:             "N" if the file is "" or "~", else "N F"
//   line 0 and file "":  "N"
//   otherwise:           "N F:L"
std::string frame_text(const Code& code, const Frame& frame);

// snapshot.codes[frame.code]; a placeholder code if the index is out of range (never trusted).
const Code& code_of(const Snapshot& snapshot, const Frame& frame);

}  // namespace aps::render
