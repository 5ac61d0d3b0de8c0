// Source lines of a core's process (aps dump --core): its files under --sysroot, or at their
// recorded paths; a name that cannot be found gives no line, as for a live process.
#include "aps/source_lines.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "support/elf_builder.hpp"

namespace aps {
namespace {

using test::Bytes;
using test::TempDir;

Bytes text(std::string_view s) {
    const auto* p = reinterpret_cast<const std::byte*>(s.data());
    return Bytes(p, p + s.size());
}

TEST(SourceLines, CoreFilesAtTheirRecordedPaths) {
    TempDir dir;
    const std::string file = dir.write("app/main.py", text("import time\r\n    time.sleep(1)\n"));
    SourceLines lines = SourceLines::of_core("");
    EXPECT_EQ(lines.line(file, 1), "import time");
    EXPECT_EQ(lines.line(file, 2), "    time.sleep(1)");
    EXPECT_EQ(lines.line(file, 3), "");
    EXPECT_EQ(lines.line(dir.path() + "/app/gone.py", 1), "");
}

TEST(SourceLines, CoreFilesUnderTheSysroot) {
    TempDir root;
    root.write("srv/app.py", text("copied = True\n"));
    for (const std::string& sysroot : {root.path(), root.path() + "/", root.path() + "//"}) {
        SourceLines lines = SourceLines::of_core(sysroot);
        EXPECT_EQ(lines.line("/srv/app.py", 1), "copied = True") << sysroot;
        // The recorded path itself is not read: the sysroot holds the process's files.
        EXPECT_EQ(lines.line(root.path() + "/srv/app.py", 1), "") << sysroot;
    }
}

TEST(SourceLines, CoreRelativeNamesFromApsOwnDirectoryWithoutASysroot) {
    TempDir dir;
    dir.write("rel.py", text("here = 1\n"));
    dir.write("root/rel.py", text("under the root\n"));
    char here[4096];
    ASSERT_NE(::getcwd(here, sizeof here), nullptr);
    ASSERT_EQ(::chdir(dir.path().c_str()), 0);
    SourceLines plain = SourceLines::of_core("");
    SourceLines rooted = SourceLines::of_core(dir.path() + "/root");
    const std::string_view found = plain.line("rel.py", 1);
    // Under a sysroot the process's working directory is unknown: no line, never a guess.
    const std::string_view guessed = rooted.line("rel.py", 1);
    ASSERT_EQ(::chdir(here), 0);
    EXPECT_EQ(found, "here = 1");
    EXPECT_EQ(guessed, "");
}

}  // namespace
}  // namespace aps
