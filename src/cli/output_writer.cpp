// Writing the views to stdout and noticing when that fails; see output_writer.hpp.
#include "cli/output_writer.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aps {

void OutputWriter::write(std::string_view piece) {
    if (error_ != 0 || piece.empty()) return;
    errno = 0;
    if (std::fwrite(piece.data(), 1, piece.size(), out_) != piece.size()) {
        error_ = errno != 0 ? errno : EIO;
    }
}

bool OutputWriter::finish() {
    if (error_ == 0) {
        errno = 0;
        if (std::fflush(out_) != 0 || std::ferror(out_) != 0) error_ = errno != 0 ? errno : EIO;
    }
    return error_ == 0;
}

std::string describe_write_error(int err) {
    return fmt::format("aps: write error: {}\n", std::strerror(err));
}

void hold_closed_standard_fds() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        // open() returns the lowest free descriptor: this one, as the lower ones are taken.
        const int held = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (held >= 0 && held != fd) ::close(held);
    }
}

}  // namespace aps
