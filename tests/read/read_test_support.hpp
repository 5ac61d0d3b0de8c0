// Helpers shared by the read-layer tests: where the provisioned interpreters are, section bytes
// from their files, and a child process that is killed (by its pid) when the test ends.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "read/image.hpp"

extern char** environ;

namespace aps::read::test {

inline const char* kProvisionHint =
    "the test interpreters are missing: run scripts/provision-pythons.sh "
    "(APS_PYTHON_BIN_DIR=" APS_PYTHON_BIN_DIR ")";

// The resolved path of python3.<minor><flavour> ("", "-dbg", "-nopie") in APS_PYTHON_BIN_DIR, or
// empty (with a test failure).
inline std::string python_build_path(int minor, std::string_view flavour) {
    std::filesystem::path link = std::filesystem::path(APS_PYTHON_BIN_DIR) /
                                 ("python3." + std::to_string(minor) + std::string(flavour));
    std::error_code ec;
    auto real = std::filesystem::canonical(link, ec);
    if (ec) {
        ADD_FAILURE() << link << ": " << kProvisionHint;
        return {};
    }
    return real.string();
}
inline std::string python_path(int minor) {
    return python_build_path(minor, {});
}

// The provisioning root (the folder holding usr/) of the interpreter for python3.<minor>.
inline std::filesystem::path python_root(int minor) {
    std::filesystem::path exe = python_path(minor);
    return exe.parent_path().parent_path().parent_path();  // <root>/usr/bin/python3.X
}

inline std::string libpython_path(int minor) {
    return (python_root(minor) / "usr/lib/x86_64-linux-gnu" /
            ("libpython3." + std::to_string(minor) + ".so.1.0"))
        .string();
}

inline std::string asyncio_module_path(int minor) {
    return (python_root(minor) / ("usr/lib/python3." + std::to_string(minor)) / "lib-dynload" /
            ("_asyncio.cpython-3" + std::to_string(minor) + "-x86_64-linux-gnu.so"))
        .string();
}

// The initialised bytes of a section as stored in the file (empty with a test failure).
inline std::vector<std::byte> section_bytes(const std::string& path, std::string_view section,
                                            size_t max_bytes) {
    auto image = open_image_file(path);
    if (!image) {
        ADD_FAILURE() << image.error().message << " — " << kProvisionHint;
        return {};
    }
    auto info = (*image)->find_section(section);
    if (!info) {
        ADD_FAILURE() << path << " has no " << section;
        return {};
    }
    std::vector<std::byte> bytes(std::min<uint64_t>(info->size, max_bytes));
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    ssize_t n = ::pread(fd, bytes.data(), bytes.size(), static_cast<off_t>(info->file_offset));
    ::close(fd);
    if (n != static_cast<ssize_t>(bytes.size())) {
        ADD_FAILURE() << "short read of " << section << " in " << path;
        return {};
    }
    return bytes;
}

// A child process started with posix_spawn; its stdout is a pipe. The destructor kills and
// reaps exactly this pid.
class Child {
  public:
    // `extra_env` entries ("NAME=value") are added to this process's environment.
    explicit Child(std::vector<std::string> argv, std::vector<std::string> extra_env = {}) {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        std::vector<char*> env;
        for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
        for (auto& e : extra_env) env.push_back(e.data());
        env.push_back(nullptr);
        if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), env.data()) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        out_fd_ = fds[0];
    }
    ~Child() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (out_fd_ >= 0) ::close(out_fd_);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }

    // Waits up to `timeout_ms` for a line of output equal to `line`.
    bool wait_for_line(const std::string& line, int timeout_ms = 20000) {
        std::string got;
        while (got.find(line + "\n") == std::string::npos) {
            pollfd p{out_fd_, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0) return false;
            char buf[256];
            ssize_t n = ::read(out_fd_, buf, sizeof buf);
            if (n <= 0) return false;
            got.append(buf, static_cast<size_t>(n));
        }
        return true;
    }

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
};

}  // namespace aps::read::test
