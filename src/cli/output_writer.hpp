// aps's own output (the views on stdout) and what happens when it cannot be written: a full disk,
// a closed stdout, a reader that went away while SIGPIPE is ignored. aps then says so in one line
// and exits 10 (kExitWriteError), rather than exit 0 with the output lost.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace aps {

// Writes pieces to a stdio stream and remembers the first failure; after it, writes are skipped
// (the renderers go on calling, their output has nowhere to go).
class OutputWriter {
  public:
    explicit OutputWriter(std::FILE* out) : out_(out) {}

    void write(std::string_view piece);
    // Flushes. False when any write or the flush failed; error() then says why.
    bool finish();
    int error() const { return error_; }

  private:
    std::FILE* out_;
    int error_ = 0;  // errno of the first failed write, 0 while none failed
};

// "aps: write error: <strerror>\n".
std::string describe_write_error(int err);

// Takes file descriptors 0, 1 and 2 that are closed with /dev/null opened read-only, so that no
// file aps opens later becomes its stdout (the view would be written into it, or reads would
// come from it), and a write to a closed stdout still fails (EBADF) instead of vanishing. Call
// first thing in main.
void hold_closed_standard_fds();

}  // namespace aps
