// aps(1)'s SYNOPSIS from the command line's definitions; see man_synopsis.hpp.
#include "cli/man_synopsis.hpp"

#include <fmt/format.h>

namespace aps {
namespace {

// roff: a '-' is a hyphen unless escaped; options are minus signs.
std::string roff(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '-' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

// "[-j | --jobs N]": bold names, the value in italics or its fixed words in bold.
std::string option_line(const OptionSpec& o) {
    std::string names;
    for (const std::string& n : o.names) names += (names.empty() ? "" : " | ") + roff(n);
    if (o.value.empty()) return fmt::format(".RB [ {} ]\n", names);
    if (!o.words.empty()) {
        std::string words;
        for (const std::string& w : o.words) words += (words.empty() ? "" : " | ") + w;
        return fmt::format(".RB [ {} \" \" {} ]\n", names, words);
    }
    return fmt::format(".RB [ {}\n.IR {} ]\n", names, o.value);
}

}  // namespace

std::string man_synopsis(const CommandSpec& spec) {
    std::string out;
    for (const SubcommandSpec& sub : spec.subcommands) {
        out += fmt::format(".B aps {}\n", sub.name);
        for (const OptionSpec& o : sub.options) {
            if (o.names.back() != "--help") out += option_line(o);
        }
        out += sub.positional_optional ? fmt::format(".RI [ {} ]\n", sub.positional)
                                       : fmt::format(".I {}\n", sub.positional);
        out += ".br\n";
    }
    out += ".B aps\n";
    std::string names;
    for (const OptionSpec& o : spec.options) {
        for (const std::string& n : o.names) names += (names.empty() ? "" : " | ") + roff(n);
    }
    out += fmt::format(".RB [ {} ]\n", names);
    return out;
}

}  // namespace aps
