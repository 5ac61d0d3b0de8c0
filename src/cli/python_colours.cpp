// Python's colour rule for aps dump (see python_colours.hpp).
#include "cli/python_colours.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace aps {
namespace {

std::string_view env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string_view() : std::string_view(value);
}

}  // namespace

bool python_colours(int fd) {
    if (env("PYTHON_COLORS") == "0") return false;
    if (env("PYTHON_COLORS") == "1") return true;
    if (!env("NO_COLOR").empty()) return false;
    if (!env("FORCE_COLOR").empty()) return true;
    if (env("TERM") == "dumb") return false;
    return ::isatty(fd) == 1;
}

}  // namespace aps
