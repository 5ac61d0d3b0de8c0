// The source lines aps dump prints under each frame, read from the target's own view of the
// file system: a process in a container shows its own files; a core's process, the files under
// --sysroot or at their recorded paths. Part of the read layer's front door (the renderers get
// the lines through a function and never open a file).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

namespace aps {

class SourceLines {
  public:
    // The files of live process `pid`: an absolute path is looked up under /proc/PID/root, a
    // relative one under the process's working directory (/proc/PID/cwd).
    explicit SourceLines(pid_t pid);
    // The files of a core's process, which are not at hand: an absolute path is looked up under
    // `sysroot` (empty: where it is). A relative one is read from aps's own working directory
    // without a sysroot, and not at all under one: a core does not record the process's.
    static SourceLines of_core(const std::string& sysroot);
    SourceLines(SourceLines&&) noexcept;
    SourceLines& operator=(SourceLines&&) noexcept;
    ~SourceLines();

    // Line `line` (1-based) of `file`, without its line end; "" when there is none: no such
    // file or line, not a regular file, larger than 64 MiB, or not UTF-8 (as Python's linecache
    // gives none for a file it cannot decode). Lines end at \n, \r\n or \r, as Python reads
    // them; a UTF-8 byte-order mark is not part of the first line. Each file is read once.
    std::string_view line(const std::string& file, int line);

  private:
    SourceLines();
    struct Files;
    std::unique_ptr<Files> files_;
};

}  // namespace aps
