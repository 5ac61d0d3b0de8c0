// Strict decimal parsing for the command line; see number_args.hpp.
#include "cli/number_args.hpp"

#include <charconv>
#include <cmath>

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

std::optional<double> parse_decimal_fraction(std::string_view text, double min, double max) {
    std::size_t digits = 0;
    std::size_t points = 0;
    for (char c : text) {
        if (c >= '0' && c <= '9') {
            ++digits;
        } else if (c == '.') {
            ++points;
        } else {
            return std::nullopt;
        }
    }
    if (digits == 0 || points > 1) return std::nullopt;
    double value = 0;
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (!std::isfinite(value) || value < min || value > max) return std::nullopt;
    return value;
}

}  // namespace aps
