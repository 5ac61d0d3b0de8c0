// Hooks that let integration tests hold aps at a chosen point, set from the environment; they
// stay at the CLI boundary and never reach the read, model or render code.
#pragma once

#include <functional>

namespace aps {

// APS_TEST_HOLD_STOPPED_MS=N (0 < N <= 600000): with --stop, sleep N ms while the target is
// held stopped, so a test can kill aps at that moment. Empty when unset or not such a number.
std::function<void()> hold_while_stopped_hook();

}  // namespace aps
