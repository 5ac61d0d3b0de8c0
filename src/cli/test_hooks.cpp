// Reads the test hooks from the environment (see test_hooks.hpp and ENVIRONMENT in aps(1)).
#include "cli/test_hooks.hpp"

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

namespace aps {

std::function<void()> hold_while_stopped_hook() {
    const char* text = std::getenv("APS_TEST_HOLD_STOPPED_MS");
    if (text == nullptr) return {};
    std::string_view value = text;
    long ms = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec != std::errc() || end != value.data() + value.size() || ms <= 0 || ms > 600000) {
        return {};
    }
    return [ms] { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
}

}  // namespace aps
