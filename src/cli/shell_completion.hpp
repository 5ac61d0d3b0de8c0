// Completion scripts for bash, zsh and fish, generated from the command line's definitions
// (command_spec.hpp): subcommands, options, the --format words of each subcommand, files for
// FILE/DIR/PATH values, and for the PID the running processes whose executable or name says
// python. Printed by the hidden `aps --generate bash|zsh|fish`; the build installs them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/command_spec.hpp"

namespace aps {

// The script for `shell` (bash, zsh or fish), or empty for another shell.
std::optional<std::string> shell_completion(const CommandSpec& spec, std::string_view shell);

}  // namespace aps
