// Full-screen terminal handling for `aps watch`: termios, alternate screen, cursor, drawing.
#include "cli/terminal.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace aps {
namespace {

constexpr std::string_view kEnter = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[H\x1b[2J";
constexpr std::string_view kLeave = "\x1b[0m\x1b[?7h\x1b[?25h\x1b[?1049l";

}  // namespace

bool is_capable_terminal(int out_fd, const char* term) {
    if (::isatty(out_fd) != 1) return false;
    return term != nullptr && *term != '\0' && std::string_view(term) != "dumb";
}

bool colour_allowed(const char* no_color) {
    return no_color == nullptr || *no_color == '\0';
}

std::string screen_update(const std::vector<std::string>& lines) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out.append(fmt::format("\x1b[{};1H\x1b[2K", i + 1));
        out.append(lines[i]);
    }
    // Everything below the last line goes.
    out.append(fmt::format("\x1b[{};1H\x1b[J", lines.size() + 1));
    return out;
}

bool write_fully(int fd, const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) errno = EIO;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

void Terminal::enter() {
    if (entered_) return;
    if (in_fd_ >= 0 && ::tcgetattr(in_fd_, &saved_modes_) == 0) {
        saved_ = true;
        termios raw = saved_modes_;
        raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
        raw.c_cc[VMIN] = 0;
        raw.c_cc[VTIME] = 0;
        ::tcsetattr(in_fd_, TCSANOW, &raw);
    }
    write_all(std::string(kEnter));
    entered_ = true;
}

void Terminal::leave() {
    if (!entered_) return;
    write_all(std::string(kLeave));
    if (saved_) ::tcsetattr(in_fd_, TCSANOW, &saved_modes_);
    entered_ = false;
    saved_ = false;
}

ScreenSize Terminal::size() const {
    winsize ws{};
    if (::ioctl(out_fd_, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return {};
    return ScreenSize{ws.ws_row, ws.ws_col};
}

void Terminal::draw(const std::vector<std::string>& lines) {
    write_all(screen_update(lines));
}

void Terminal::write_all(const std::string& bytes) {
    if (ok_ && !write_fully(out_fd_, bytes)) {
        ok_ = false;
        error_ = errno;
    }
}

}  // namespace aps
