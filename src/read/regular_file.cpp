// Opening local files as regular files only, never blocking; see regular_file.hpp.
#include "read/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace aps::read {
namespace {

// What a file that is not regular is, for the message.
std::string kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISLNK(mode)) return "a symbolic link";
    return "not a plain file";
}

RegularFile refused(int err, std::string why) {
    RegularFile out;
    out.error = err;
    out.refusal = std::move(why);
    return out;
}

RegularFile not_regular(mode_t mode) {
    return refused(0, kind_of(mode) + ", not a regular file");
}

}  // namespace

RegularFile open_regular_file(const std::string& path, FollowLinks links) {
    const bool follow = links == FollowLinks::Yes;
    struct stat st {};
    if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) != 0) {
        const int err = errno;
        return refused(err, std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);

    const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (follow ? 0 : O_NOFOLLOW);
    UniqueFd fd(::open(path.c_str(), flags));
    if (!fd.valid()) {
        const int err = errno;
        if (err == ELOOP && !follow) return refused(err, "a symbolic link, not a regular file");
        return refused(err, std::strerror(err));
    }
    if (::fstat(fd.get(), &st) != 0) {
        const int err = errno;
        return refused(err, std::strerror(err));
    }
    if (!S_ISREG(st.st_mode)) return not_regular(st.st_mode);
    RegularFile out;
    out.fd = std::move(fd);
    return out;
}

}  // namespace aps::read
