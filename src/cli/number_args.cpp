// Strict decimal parsing for the command line; see number_args.hpp.
#include "cli/number_args.hpp"

#include <charconv>

namespace aps {

std::optional<long long> parse_decimal(std::string_view text, long long min, long long max) {
    if (text.empty()) return std::nullopt;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    long long value = 0;
    // Base 10 always: from_chars never reads a prefix, so "010" is ten.
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (value < min || value > max) return std::nullopt;
    return value;
}

}  // namespace aps
