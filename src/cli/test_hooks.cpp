// Reads the test hooks from the environment, for aps_test_hooks only (see test_hooks.hpp and
// ENVIRONMENT in aps(1)).
#include "cli/test_hooks.hpp"

#include <unistd.h>

#if defined(__linux__)
#include <linux/capability.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#endif

#include <charconv>
#include <chrono>
#include <cstdlib>
#include <string_view>
#include <thread>

namespace aps {

Privileges current_privileges() {
    Privileges p;
    p.real_uid = ::getuid();
    p.effective_uid = ::geteuid();
    p.real_gid = ::getgid();
    p.effective_gid = ::getegid();
#if defined(__linux__)
    p.secure_exec = ::getauxval(AT_SECURE) != 0;
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capget, &header, data) == 0) {
        p.effective_caps = uint64_t{data[0].effective} | (uint64_t{data[1].effective} << 32);
    } else {
        p.effective_caps = ~uint64_t{0};  // unknown: assume the worst
    }
#else
    p.secure_exec = ::issetugid() != 0;                          // no capabilities outside Linux
#endif
    return p;
}

bool elevated(const Privileges& p) {
    if (p.secure_exec) return true;
    if (p.effective_uid != p.real_uid || p.effective_gid != p.real_gid) return true;
    return p.real_uid != 0 && p.effective_caps != 0;
}

std::function<void()> hold_while_stopped_hook() {
    if (elevated(current_privileges())) return {};
#if defined(__linux__)
    const char* text = ::secure_getenv("APS_TEST_HOLD_STOPPED_MS");
#else
    const char* text = std::getenv("APS_TEST_HOLD_STOPPED_MS");  // elevated() checked issetugid
#endif
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
