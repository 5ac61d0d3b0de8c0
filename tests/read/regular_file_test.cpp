// Local files are opened only when they are regular files: a FIFO, a device, a directory or (where
// links are not followed) a link is refused before it is opened, at once, with what it is.
#include "read/regular_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "support/child_process.hpp"
#include "support/elf_builder.hpp"

namespace aps::read {
namespace {

using test::Bytes;
using test::TempDir;

// A writer that waits in open(O_WRONLY) until some reader opens the FIFO: still waiting after
// the call under test means the FIFO was never opened.
class BlockedWriter {
  public:
    explicit BlockedWriter(const std::string& fifo) {
        pid_ = ::fork();
        if (pid_ == 0) {
            const int fd = ::open(fifo.c_str(), O_WRONLY);
            ::_exit(fd >= 0 ? 0 : 1);
        }
        ::usleep(50 * 1000);  // time to reach open()
    }
    ~BlockedWriter() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    bool still_waiting() const { return ::waitpid(pid_, nullptr, WNOHANG) == 0; }

  private:
    pid_t pid_ = -1;
};

TEST(RegularFile, OpensARegularFile) {
    TempDir dir;
    const std::string path = dir.write("f", Bytes(10, std::byte{1}));
    RegularFile file = open_regular_file(path, FollowLinks::No);
    ASSERT_TRUE(file.fd.valid()) << file.refusal;
    char buf[16];
    EXPECT_EQ(::pread(file.fd.get(), buf, sizeof buf, 0), 10);
}

TEST(RegularFile, AFifoIsRefusedAtOnceAndNeverOpened) {
    TempDir dir;
    const std::string fifo = dir.path() + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    for (FollowLinks links : {FollowLinks::No, FollowLinks::Yes}) {
        // No writer: an open() that waits for one would never return.
        const int status = test::run_in_child(
            [&fifo, links] {
                RegularFile file = open_regular_file(fifo, links);
                return !file.fd.valid() && file.refusal == "a FIFO, not a regular file" ? 0 : 1;
            },
            std::chrono::seconds(10));
        EXPECT_EQ(status, 0) << "wait status " << status << " (-1: it blocked)";
        // A writer waiting: the FIFO is not even opened for a moment.
        BlockedWriter writer(fifo);
        RegularFile file = open_regular_file(fifo, links);
        EXPECT_FALSE(file.fd.valid());
        EXPECT_TRUE(writer.still_waiting()) << "the FIFO was opened";
    }
}

TEST(RegularFile, DevicesDirectoriesAndMissingFilesAreRefused) {
    RegularFile null = open_regular_file("/dev/null", FollowLinks::Yes);
    EXPECT_FALSE(null.fd.valid());
    EXPECT_EQ(null.refusal, "a character device, not a regular file");
    TempDir dir;
    RegularFile folder = open_regular_file(dir.path(), FollowLinks::Yes);
    EXPECT_FALSE(folder.fd.valid());
    EXPECT_EQ(folder.refusal, "a directory, not a regular file");
    RegularFile missing = open_regular_file(dir.path() + "/none", FollowLinks::Yes);
    EXPECT_FALSE(missing.fd.valid());
    EXPECT_EQ(missing.error, ENOENT);
    EXPECT_EQ(missing.refusal, "No such file or directory");
}

TEST(RegularFile, ALinkIsFollowedOnlyWhenAsked) {
    TempDir dir;
    const std::string target = dir.write("real", Bytes(4, std::byte{2}));
    const std::string link = dir.path() + "/link";
    ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
    EXPECT_TRUE(open_regular_file(link, FollowLinks::Yes).fd.valid());
    RegularFile kept = open_regular_file(link, FollowLinks::No);
    EXPECT_FALSE(kept.fd.valid());
    EXPECT_EQ(kept.refusal, "a symbolic link, not a regular file");
    // Followed, a link to a device is the device: refused all the same.
    const std::string to_device = dir.path() + "/null";
    ASSERT_EQ(::symlink("/dev/null", to_device.c_str()), 0);
    EXPECT_FALSE(open_regular_file(to_device, FollowLinks::Yes).fd.valid());
}

}  // namespace
}  // namespace aps::read
