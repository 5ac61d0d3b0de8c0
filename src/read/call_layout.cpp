// Call instructions' stack layout per opcode byte (see call_layout.hpp).
#include "read/call_layout.hpp"

namespace aps::read {
namespace {

// "CALL_BUILTIN_O (CALL)" → "CALL": a specialized opcode is named with its base in parentheses.
std::string_view base_name(std::string_view name) {
    const std::size_t open = name.find(" (");
    if (open == std::string_view::npos || !name.ends_with(')')) return name;
    return name.substr(open + 2, name.size() - open - 3);
}

}  // namespace

std::array<DebugOffsets::CallKnowledge::Callable, 256> callable_slots(
    std::span<const std::string_view> names) {
    std::array<DebugOffsets::CallKnowledge::Callable, 256> out{};
    for (std::size_t op = 0; op < names.size() && op < out.size(); ++op) {
        const std::string_view base = base_name(names[op]);
        if (base == "CALL" || base == "INSTRUMENTED_CALL") out[op] = {2, true};
        if (base == "CALL_KW" || base == "INSTRUMENTED_CALL_KW") out[op] = {3, true};
        if (base == "CALL_FUNCTION_EX" || base == "INSTRUMENTED_CALL_FUNCTION_EX") {
            out[op] = {4, false};
        }
    }
    return out;
}

int16_t extended_arg_opcode(std::span<const std::string_view> names) {
    for (std::size_t op = 0; op < names.size() && op < 256; ++op) {
        if (names[op] == "EXTENDED_ARG") return static_cast<int16_t>(op);
    }
    return -1;
}

}  // namespace aps::read
