// The test hooks of aps itself: none. aps_test_hooks, the test suite's build, links
// test_hooks.cpp instead (see test_hooks.hpp).
#include "cli/test_hooks.hpp"

namespace aps {

std::function<void()> hold_while_stopped_hook() {
    return {};
}

}  // namespace aps
