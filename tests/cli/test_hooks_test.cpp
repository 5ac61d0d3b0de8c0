// The test hooks are ignored by a process with more privilege than its real user's: setuid,
// setgid, file capabilities (AT_SECURE), or effective capabilities of a user other than root.
#include "cli/test_hooks.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace aps {
namespace {

constexpr uint64_t kSysPtrace = uint64_t{1} << 19;

Privileges user(uid_t uid) {
    Privileges p;
    p.real_uid = p.effective_uid = uid;
    p.real_gid = p.effective_gid = uid;
    return p;
}

TEST(TestHooks, APlainUserOrRootIsNotElevated) {
    EXPECT_FALSE(elevated(user(1000)));
    Privileges root = user(0);
    root.effective_caps = ~uint64_t{0};  // root's own capabilities are its user's
    EXPECT_FALSE(elevated(root));
}

TEST(TestHooks, MorePrivilegeThanTheRealUsersIsElevated) {
    Privileges file_caps = user(1000);
    file_caps.secure_exec = true;  // setcap cap_sys_ptrace+ep: AT_SECURE
    EXPECT_TRUE(elevated(file_caps));
    Privileges ambient = user(1000);
    ambient.effective_caps = kSysPtrace;  // ambient capabilities leave AT_SECURE unset
    EXPECT_TRUE(elevated(ambient));
    Privileges setuid_root = user(1000);
    setuid_root.effective_uid = 0;
    EXPECT_TRUE(elevated(setuid_root));
    Privileges setgid = user(1000);
    setgid.effective_gid = 42;
    EXPECT_TRUE(elevated(setgid));
}

TEST(TestHooks, ThisProcessIsWhatTheKernelSays) {
    const Privileges here = current_privileges();
    EXPECT_EQ(here.real_uid, ::getuid());
    EXPECT_EQ(here.effective_uid, ::geteuid());
    EXPECT_EQ(here.real_gid, ::getgid());
    EXPECT_FALSE(here.secure_exec);  // the test binary has no setuid bit or file capability
}

}  // namespace
}  // namespace aps
