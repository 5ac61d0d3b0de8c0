// Opening the local files aps reads (a core, the files a core or a process has mapped, --exe): a
// regular file or nothing. A FIFO would block open() forever and a device may act on being
// opened (a watchdog starts, a tape rewinds), so the kind of file is checked before it is opened,
// the open never blocks, and the open file is checked again.
#pragma once

#include <string>

#include "read/unique_fd.hpp"

namespace aps::read {

// Whether a symbolic link in the last component of the path is followed. Paths the kernel
// recorded (a core's NT_FILE note, /proc/PID/maps), alone or under --sysroot or /proc/PID/root,
// are already resolved: a link there is not the file the process mapped, and may point anywhere
// (a device, a file outside the sysroot). Paths the user names (--core, --exe: a virtualenv's
// python is a link) and /proc/PID/map_files entries (links by nature) are followed.
enum class FollowLinks { No, Yes };

struct RegularFile {
    UniqueFd fd;          // open read-only, or invalid
    int error = 0;        // errno when the system refused (ENOENT, EACCES, ELOOP ...), else 0
    std::string refusal;  // why it was not opened, in words: "a FIFO, not a regular file"
};

// Opens `path` read-only if it is a regular file: stat (or lstat) first, so that nothing else is
// ever opened; then open with O_NONBLOCK, O_NOCTTY (and O_NOFOLLOW unless links are followed);
// then fstat, in case the path was swapped in between. O_NONBLOCK stays set: it changes nothing
// for a regular file.
RegularFile open_regular_file(const std::string& path, FollowLinks links);

}  // namespace aps::read
