// Every error kind maps to the contract's exit code, and permission errors say how to fix them.
#include "cli/exit_status.hpp"

#include <gtest/gtest.h>

namespace {

TEST(ExitStatus, ContractCodes) {
    EXPECT_EQ(aps::exit_code_for(aps::Errc::NoSuchProcess), 3);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::PermissionDenied), 4);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::NotPython), 5);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::UnsupportedVersion), 5);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::ReadFailed), 6);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::CorruptData), 6);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::BadCore), 7);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::FileMismatch), 8);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::StopRefused), 4);
    EXPECT_EQ(aps::exit_code_for(aps::Errc::StopFailed), 6);
}

TEST(ExitStatus, StopRefusedKeepsItsOwnFix) {
    std::string text = aps::describe_error(
        {aps::Errc::StopRefused, "process 7 is already traced by process 9 (gdb): detach it"});
    EXPECT_EQ(text, "aps: process 7 is already traced by process 9 (gdb): detach it\n");
}

TEST(ExitStatus, OneLineWithPrefix) {
    std::string text = aps::describe_error({aps::Errc::NoSuchProcess, "no process with pid 7"});
    EXPECT_EQ(text, "aps: no process with pid 7\n");
}

TEST(ExitStatus, PermissionDeniedNamesTheFixes) {
    std::string text = aps::describe_error({aps::Errc::PermissionDenied, "permission denied"});
    EXPECT_EQ(text.find('\n'), text.size() - 1);
    EXPECT_NE(text.find("CAP_SYS_PTRACE"), std::string::npos);
    EXPECT_NE(text.find("ptrace_scope"), std::string::npos);
    EXPECT_NE(text.find("kubectl debug --profile=general"), std::string::npos);
}

}  // namespace
