// Task names: str or int (see task_name.hpp and docs/design.md, "Task names").
#include "model/task_name.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "model/remote_object.hpp"
#include "model/strings.hpp"
#include "model/types.hpp"

namespace aps::model {

std::string long_to_decimal(std::span<const uint32_t> digits, bool negative) {
    // Repeated division by 10^9 of the base-2^30 number, most significant digit first.
    std::vector<uint32_t> n(digits.begin(), digits.end());
    for (auto& d : n) d &= (1u << 30) - 1;
    while (!n.empty() && n.back() == 0) n.pop_back();
    if (n.empty()) return "0";
    std::vector<uint32_t> chunks;  // base 10^9, least significant first
    while (!n.empty()) {
        uint64_t rem = 0;
        for (std::size_t i = n.size(); i-- > 0;) {
            uint64_t cur = (rem << 30) | n[i];
            n[i] = static_cast<uint32_t>(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        chunks.push_back(static_cast<uint32_t>(rem));
        while (!n.empty() && n.back() == 0) n.pop_back();
    }
    std::string out = negative ? "-" : "";
    out += fmt::format("{}", chunks.back());
    for (std::size_t i = chunks.size() - 1; i-- > 0;) out += fmt::format("{:09}", chunks[i]);
    return out;
}

Result<std::string> read_long_decimal(const WalkContext& ctx, RemoteMemory& memory, uint64_t addr) {
    const auto& l = ctx.off.long_object;
    auto tag = read_value<uint64_t>(memory, addr + l.lv_tag, "int");
    if (!tag) return std::move(tag).error();
    uint64_t sign = *tag & 3;  // 0 positive, 1 zero, 2 negative
    uint64_t ndigits = *tag >> 3;
    if (sign == 3 || ndigits > kMaxLongDigits) {
        return Error{Errc::CorruptData,
                     fmt::format("invalid int at {} (lv_tag {:#x})", hex(addr), *tag)};
    }
    if (sign == 1 || ndigits == 0) return std::string("0");
    std::vector<std::byte> raw(ndigits * sizeof(uint32_t));
    if (auto r = memory.read(addr + l.ob_digit, raw); !r) {
        return reading_error(std::move(r).error(), "int digits", addr + l.ob_digit);
    }
    std::vector<uint32_t> digits(ndigits);
    for (uint64_t i = 0; i < ndigits; ++i) {
        digits[i] = field<uint32_t>(raw, i * sizeof(uint32_t));
    }
    return long_to_decimal(digits, sign == 2);
}

Result<std::string> read_task_name(WalkContext& ctx, RemoteMemory& memory, uint64_t name_addr) {
    if (name_addr == 0) return Error{Errc::CorruptData, "task has no name"};
    auto type = type_of(ctx, memory, name_addr);
    if (!type) return with_context(std::move(type).error(), "reading task name");
    auto info = type_info(ctx, *type);
    if (!info) return with_context(std::move(info).error(), "reading task name type");
    if ((*info)->flags & kTpFlagsLongSubclass) {
        auto number = read_long_decimal(ctx, memory, name_addr);
        if (!number) return with_context(std::move(number).error(), "reading task name");
        return "Task-" + *number;
    }
    if ((*info)->flags & kTpFlagsUnicodeSubclass) {
        auto s = read_str(memory, ctx.off, name_addr, ctx.limits.max_string_code_points);
        if (!s) return with_context(std::move(s).error(), "reading task name");
        return std::move(*s);
    }
    return Error{
        Errc::CorruptData,
        fmt::format("invalid task name object at {} (neither str nor int)", hex(name_addr))};
}

}  // namespace aps::model
