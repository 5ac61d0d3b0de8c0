// The SYNOPSIS section of aps(1), generated from the command line's definitions: docs/aps.1
// holds a copy, and tests/integration/docs_drift.py fails when the two differ.
#pragma once

#include <string>

#include "cli/command_spec.hpp"

namespace aps {

// The lines after ".SH SYNOPSIS" (roff), ending in a newline.
std::string man_synopsis(const CommandSpec& spec);

}  // namespace aps
