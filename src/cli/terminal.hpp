// The terminal taken over by `aps watch`: alternate screen, hidden cursor, keys without echo; and
// given back exactly as it was found.
#pragma once

#include <termios.h>

#include <string>
#include <vector>

#include "aps/watch_view.hpp"

namespace aps {

// Whether the watch may draw a full screen on `out_fd`: a terminal, and a TERM that can address
// the cursor (set, and not "dumb").
bool is_capable_terminal(int out_fd, const char* term);

// NO_COLOR (https://no-color.org): set and not empty means no colour.
bool colour_allowed(const char* no_color);

// The bytes that draw `lines` as the whole screen: each line at its row, the rest cleared.
std::string screen_update(const std::vector<std::string>& lines);

class Terminal {
  public:
    // `in_fd`: where keys come from, or -1 (then no termios change); `out_fd`: the screen.
    Terminal(int in_fd, int out_fd) : in_fd_(in_fd), out_fd_(out_fd) {}
    ~Terminal() { leave(); }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;

    // Saves the terminal's modes, turns off echo and line buffering (signals from ^C and ^Z stay
    // on), switches to the alternate screen, hides the cursor and turns off auto-wrap. Idempotent.
    void enter();
    // Undoes enter(): modes as saved, auto-wrap and cursor back, main screen. Idempotent.
    void leave();

    ScreenSize size() const;  // TIOCGWINSZ; 24x80 if the terminal does not say
    void draw(const std::vector<std::string>& lines);
    // False once a write failed (the terminal is gone); error() is that write's errno.
    bool ok() const { return ok_; }
    int error() const { return error_; }

  private:
    void write_all(const std::string& bytes);

    int in_fd_;
    int out_fd_;
    bool entered_ = false;
    bool saved_ = false;
    bool ok_ = true;
    int error_ = 0;
    termios saved_modes_{};
};

// Writes all of `bytes` to `fd`, retrying short writes and EINTR. False on any other failure,
// with errno saying why (EIO for a write that wrote nothing).
bool write_fully(int fd, const std::string& bytes);

}  // namespace aps
