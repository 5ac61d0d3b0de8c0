// A file in memory (memfd) that a fuzz target rewrites with each input, for the parsers that take
// a file descriptor or a path (ELF and Mach-O images, core files). One per process: creating a
// file per execution cost more than the parse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace aps::fuzz {

class MemFile {
  public:
    // `name` shows in /proc/self/fd/N's link only; aborts when no memfd can be made.
    explicit MemFile(const char* name);
    ~MemFile();
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;

    // Replaces the file's contents with `size` bytes (aborts on failure: the harness is broken).
    void write(const uint8_t* data, std::size_t size);

    int fd() const { return fd_; }
    // A path that opens this file: /proc/self/fd/N.
    const std::string& path() const { return path_; }

  private:
    int fd_ = -1;
    std::string path_;
};

}  // namespace aps::fuzz
