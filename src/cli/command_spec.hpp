// aps's command line as plain data, read off the CLI11 definitions in options.cpp: what the shell
// completions (shell_completion.hpp) and the man page's synopsis (man_synopsis.hpp) are generated
// from, so that neither can say anything `aps --help` does not.
#pragma once

#include <string>
#include <vector>

namespace aps {

struct OptionSpec {
    std::vector<std::string> names;  // as typed, short first: {"-j", "--jobs"}
    std::string value;               // the value's name in --help (N, FILE ...); empty: a flag
    std::vector<std::string> words;  // the values it takes, when they are a fixed set (--format)
    std::string help;
};

struct SubcommandSpec {
    std::string name;
    std::string help;
    std::vector<OptionSpec> options;   // -h,--help included
    std::string positional;            // its operand's name (PID)
    bool positional_optional = false;  // another option may stand for it (--core)
};

struct CommandSpec {
    std::vector<OptionSpec> options;  // aps's own: --help, --version
    std::vector<SubcommandSpec> subcommands;
};

// Built from the same definitions parse_options parses with (options.cpp).
CommandSpec command_spec();

}  // namespace aps
