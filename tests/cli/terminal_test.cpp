// The watch's terminal handling on a real pseudo-terminal: modes and screen given back exactly,
// drawing bytes, capability and NO_COLOR checks.
#include "cli/terminal.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace aps {
namespace {

// Everything the pty has written so far, as its other end reads it.
std::string drain(int master) {
    std::string out;
    char buf[4096];
    pollfd fd{master, POLLIN, 0};
    while (::poll(&fd, 1, 50) > 0) {
        const ssize_t n = ::read(master, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

class Pty : public ::testing::Test {
  protected:
    void SetUp() override {
        winsize ws{};
        ws.ws_row = 33;
        ws.ws_col = 101;
        ASSERT_EQ(::openpty(&master_, &slave_, nullptr, nullptr, &ws), 0) << std::strerror(errno);
    }
    void TearDown() override {
        ::close(master_);
        ::close(slave_);
    }
    int master_ = -1;
    int slave_ = -1;
};

TEST_F(Pty, EnterAndLeaveGiveTheTerminalBackAsFound) {
    termios before{};
    ASSERT_EQ(::tcgetattr(slave_, &before), 0);
    ASSERT_TRUE(before.c_lflag & ECHO);
    ASSERT_TRUE(before.c_lflag & ICANON);
    {
        Terminal terminal(slave_, slave_);
        terminal.enter();
        termios during{};
        ASSERT_EQ(::tcgetattr(slave_, &during), 0);
        EXPECT_FALSE(during.c_lflag & ECHO);
        EXPECT_FALSE(during.c_lflag & ICANON);
        EXPECT_TRUE(during.c_lflag & ISIG);  // ^C and ^Z still signal
        EXPECT_EQ(terminal.size().rows, 33u);
        EXPECT_EQ(terminal.size().cols, 101u);
        const std::string entered = drain(master_);
        EXPECT_NE(entered.find("\x1b[?1049h"), std::string::npos);
        EXPECT_NE(entered.find("\x1b[?25l"), std::string::npos);
        EXPECT_NE(entered.find("\x1b[?7l"), std::string::npos);
        terminal.enter();  // idempotent: the saved modes stay the original ones
        terminal.draw({"hello"});
        EXPECT_NE(drain(master_).find("\x1b[1;1H\x1b[2Khello"), std::string::npos);
    }  // the destructor leaves
    const std::string left = drain(master_);
    EXPECT_NE(left.find("\x1b[?1049l"), std::string::npos);
    EXPECT_NE(left.find("\x1b[?25h"), std::string::npos);
    EXPECT_NE(left.find("\x1b[?7h"), std::string::npos);
    termios after{};
    ASSERT_EQ(::tcgetattr(slave_, &after), 0);
    EXPECT_EQ(after.c_lflag, before.c_lflag);
    EXPECT_EQ(after.c_iflag, before.c_iflag);
    EXPECT_EQ(after.c_oflag, before.c_oflag);
    EXPECT_EQ(std::memcmp(after.c_cc, before.c_cc, sizeof after.c_cc), 0);
}

TEST_F(Pty, LeaveWithoutEnterWritesNothing) {
    {
        Terminal terminal(slave_, slave_);
        terminal.leave();
    }
    EXPECT_EQ(drain(master_), "");
}

TEST_F(Pty, CapableOnlyWithAUsefulTerm) {
    EXPECT_TRUE(is_capable_terminal(slave_, "xterm-256color"));
    EXPECT_FALSE(is_capable_terminal(slave_, "dumb"));
    EXPECT_FALSE(is_capable_terminal(slave_, ""));
    EXPECT_FALSE(is_capable_terminal(slave_, nullptr));
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    EXPECT_FALSE(is_capable_terminal(pipe_fds[1], "xterm"));
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
}

TEST(Terminal, NoColorSetAndNotEmptyTurnsColourOff) {
    EXPECT_TRUE(colour_allowed(nullptr));
    EXPECT_TRUE(colour_allowed(""));
    EXPECT_FALSE(colour_allowed("1"));
    EXPECT_FALSE(colour_allowed("0"));
}

TEST(Terminal, ScreenUpdatePlacesEachLineAndClearsTheRest) {
    EXPECT_EQ(screen_update({"a", "b"}), "\x1b[1;1H\x1b[2Ka\x1b[2;1H\x1b[2Kb\x1b[3;1H\x1b[J");
    EXPECT_EQ(screen_update({}), "\x1b[1;1H\x1b[J");
}

}  // namespace
}  // namespace aps
