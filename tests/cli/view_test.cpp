// Printing a view: every command and format goes to the stream given, and output that cannot be
// written (here /dev/full) is exit 10 with one line, not exit 0 with the output lost.
#include "cli/view.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/exit_status.hpp"
#include "cli/output_writer.hpp"
#include "render/snapshot_builder.hpp"

namespace aps {
namespace {

using render::test::SnapshotBuilder;

std::string contents(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string text;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    return text;
}

struct ViewCase {
    Command command;
    Format format;
};

const std::vector<ViewCase> kEveryView = {
    {Command::Ps, Format::Text},     {Command::Ps, Format::Json},
    {Command::Ps, Format::Ndjson},   {Command::PsTree, Format::Text},
    {Command::PsTree, Format::Json}, {Command::PsTree, Format::Ndjson},
    {Command::PsTree, Format::Dot},
};

Snapshot two_tasks() {
    return SnapshotBuilder()
        .thread(1)
        .task(0x10, "main", {{"main", "/a/m.py", 3}})
        .task(0x20, "worker", {{"sleep", "/a/tasks.py", 7}})
        .awaited_by(0x10, {{"main", "/a/m.py", 3}})
        .build();
}

TEST(View, EveryViewIsWrittenToTheStreamGiven) {
    for (const ViewCase& c : kEveryView) {
        Options options;
        options.command = c.command;
        options.format = c.format;
        std::FILE* out = std::tmpfile();
        std::FILE* err = std::tmpfile();
        ASSERT_NE(out, nullptr);
        ASSERT_NE(err, nullptr);
        EXPECT_EQ(print_view(options, two_tasks(), out, err), kExitOk);
        EXPECT_NE(contents(out).find("worker"), std::string::npos);
        EXPECT_EQ(contents(err), "");
        std::fclose(out);
        std::fclose(err);
    }
}

TEST(View, OutputThatCannotBeWrittenIsExit10AndOneLine) {
    for (const ViewCase& c : kEveryView) {
        Options options;
        options.command = c.command;
        options.format = c.format;
        std::FILE* full = std::fopen("/dev/full", "w");
        std::FILE* err = std::tmpfile();
        ASSERT_NE(full, nullptr);
        ASSERT_NE(err, nullptr);
        EXPECT_EQ(print_view(options, two_tasks(), full, err), 10);
        EXPECT_EQ(contents(err), "aps: write error: No space left on device\n");
        std::fclose(full);
        std::fclose(err);
    }
}

TEST(OutputWriter, RemembersTheFirstFailureAndSkipsTheRest) {
    std::FILE* full = std::fopen("/dev/full", "w");
    ASSERT_NE(full, nullptr);
    std::setvbuf(full, nullptr, _IONBF, 0);  // every write reaches the device at once
    OutputWriter writer(full);
    writer.write("lost");
    EXPECT_EQ(writer.error(), ENOSPC);
    writer.write("skipped");
    EXPECT_FALSE(writer.finish());
    EXPECT_EQ(writer.error(), ENOSPC);
    std::fclose(full);
    EXPECT_EQ(describe_write_error(EBADF), "aps: write error: Bad file descriptor\n");
}

}  // namespace
}  // namespace aps
