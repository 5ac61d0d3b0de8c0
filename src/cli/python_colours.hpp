// Whether aps dump colours its text: Python's own rule (_colorize.can_colorize), so that aps
// colours exactly when the reference would, in the same environment.
#pragma once

namespace aps {

// PYTHON_COLORS=0 or 1 decides; else a non-empty NO_COLOR says no, a non-empty FORCE_COLOR yes,
// TERM=dumb no; else whether `fd` is a terminal.
bool python_colours(int fd);

}  // namespace aps
