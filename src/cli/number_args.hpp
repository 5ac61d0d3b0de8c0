// The numbers of the command line (pids, --retries, --count, --interval): decimal only, as kill,
// ps and /proc write them, whatever CLI11 or strtol would also take.
#pragma once

#include <optional>
#include <string_view>

namespace aps {

// A whole number in decimal digits only (no sign, no spaces, no 0x or 0b prefix), between `min`
// and `max`. Leading zeros are decimal too: "010" is 10, never octal 8. Empty when it is not such
// a number or out of range.
std::optional<long long> parse_decimal(std::string_view text, long long min, long long max);

// A decimal number with an optional fraction ("2", "0.5", ".5", "010.25"), between `min` and
// `max`. No sign, exponent, hex float, nan or inf: a non-finite interval would make a loop
// that never waits.
std::optional<double> parse_decimal_fraction(std::string_view text, double min, double max);

}  // namespace aps
