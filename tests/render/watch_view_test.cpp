// The watch views: order by park time, counts per coroutine, widths, truncation, escaping,
// colour only when asked, and the exact bytes of a log block.
#include "aps/watch_view.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

#include "render/display_width.hpp"
#include "render/snapshot_builder.hpp"
#include "render/watch_rows.hpp"

namespace aps::render::test {
namespace {

using namespace std::chrono_literals;

const std::vector<F> kCook = {{"sleep", "/usr/lib/python3.14/asyncio/tasks.py", 716},
                              {"cooking", "/app/restaurant.py", 11},
                              {"chef", "/app/restaurant.py", 15}};
const std::vector<F> kWash = {{"sleep", "/usr/lib/python3.14/asyncio/tasks.py", 716},
                              {"dishwasher", "/app/restaurant.py", 28}};
const std::vector<F> kWait = {{"Event.wait", "/usr/lib/python3.14/asyncio/locks.py", 213},
                              {"main", "/app/restaurant.py", 40}};

ParkTime parked(std::chrono::nanoseconds t, bool before = false) {
    return ParkTime{t, before};
}

WatchInfo info() {
    WatchInfo i;
    i.pid = 4242;
    i.time = std::chrono::system_clock::time_point(1764117667123ms);  // 2025-11-26T00:41:07.123Z
    i.interval = 1000ms;
    i.sample = 3;
    return i;
}

// `text` without its SGR sequences (ESC [ digits and semicolons m).
std::string strip_sgr(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
            std::size_t j = i + 2;
            while (j < text.size() &&
                   (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == ';')) {
                ++j;
            }
            if (j < text.size() && text[j] == 'm') {
                i = j;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

// Names of the task rows on a screen, top to bottom: the word after a park time and an id.
std::vector<std::string> row_names(const std::vector<std::string>& screen) {
    std::vector<std::string> names;
    for (const std::string& line : screen) {
        std::istringstream words(line);
        std::string parked, id, name;
        if (!(words >> parked >> id >> name)) continue;
        if (!std::isdigit(static_cast<unsigned char>(parked[0])) || id.rfind("0x", 0) != 0)
            continue;
        names.push_back(name);
    }
    return names;
}

Snapshot restaurant() {
    return SnapshotBuilder()
        .thread(18715)
        .task(0x7f0000000a70, "Task-1", kWait)
        .task(0x7f0000000c50, "customer1", kCook)
        .task(0x7f0000000bd0, "customer2", kCook)
        .task(0x7f0000000f70, "dishwasher", kWash)
        .build();
}

TEST(WatchRows, LongestParkedFirstAndTiesInSnapshotOrder) {
    const Snapshot s = restaurant();
    const std::vector<WatchRow> rows =
        rows_by_park_time(s, {parked(2s), parked(5s), parked(2s), parked(9s)});
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].task->name, "dishwasher");
    EXPECT_EQ(rows[1].task->name, "customer1");
    EXPECT_EQ(rows[2].task->name, "Task-1");
    EXPECT_EQ(rows[3].task->name, "customer2");
    EXPECT_EQ(rows[0].tid, 18715u);
}

TEST(WatchRows, MissingTimesCountAsJustArrived) {
    const Snapshot s = restaurant();
    const std::vector<WatchRow> rows = rows_by_park_time(s, {parked(1s)});
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].task->name, "Task-1");
    EXPECT_EQ(rows[3].time.parked, 0s);
}

TEST(WatchRows, CountsPerCurrentCoroutineMostFirst) {
    Snapshot s = SnapshotBuilder()
                     .thread(1)
                     .task(1, "a", kCook)
                     .task(2, "b", kWait)
                     .task(3, "c", kWash)
                     .task(4, "d", {})
                     .task(5, "e", kWait)
                     .task(6, "f", kWait)
                     .build();
    const std::vector<CoroutineCount> counts = count_by_coroutine(s);
    ASSERT_EQ(counts.size(), 3u);
    EXPECT_EQ(counts[0].function, "Event.wait");
    EXPECT_EQ(counts[0].tasks, 3u);
    EXPECT_EQ(counts[1].function, "sleep");
    EXPECT_EQ(counts[1].tasks, 2u);
    EXPECT_EQ(counts[2].function, "-");
}

TEST(WatchRows, ParkTimeText) {
    EXPECT_EQ(format_park_time(0ns), "0.0s");
    EXPECT_EQ(format_park_time(99ms), "0.0s");
    EXPECT_EQ(format_park_time(1250ms), "1.2s");
    EXPECT_EQ(format_park_time(59999ms), "59.9s");
    EXPECT_EQ(format_park_time(60s), "1m00s");
    EXPECT_EQ(format_park_time(3599s), "59m59s");
    EXPECT_EQ(format_park_time(3600s), "1h00m");
    EXPECT_EQ(format_park_time(86399s), "23h59m");
    EXPECT_EQ(format_park_time(86400s + 3 * 3600s), "1d03h");
    EXPECT_EQ(format_park_time(-5s), "0.0s");
}

TEST(WatchRows, FrameAndStackTexts) {
    const Snapshot s = restaurant();
    const Task& t = s.interpreters[0].threads[0].tasks[1];
    EXPECT_EQ(current_frame_text(s, t, true), "sleep tasks.py:716");
    EXPECT_EQ(current_frame_text(s, t, false), "sleep /usr/lib/python3.14/asyncio/tasks.py:716");
    EXPECT_EQ(stack_text(s, t), "sleep -> cooking -> chef");
    Task bare;
    EXPECT_EQ(current_frame_text(s, bare, true), "-");
    EXPECT_EQ(stack_text(s, bare), "");
}

TEST(WatchScreen, HeaderSummaryAndRowsLongestFirst) {
    const Snapshot s = restaurant();
    const std::vector<std::string> screen =
        render_watch_screen(s, {parked(2s, true), parked(75s, true), parked(300ms), parked(12s)},
                            info(), {40, 120}, false);
    ASSERT_GE(screen.size(), 8u);
    EXPECT_EQ(screen[0],
              "aps watch  pid 4242  Python 3.14  4 tasks  00:41:07 UTC  every 1s  sample 3  "
              "q quits");
    EXPECT_EQ(screen[1], "coroutines: sleep 3  Event.wait 1");
    EXPECT_EQ(screen[2], "");
    EXPECT_EQ(screen[3].rfind(" PARKED   TASK ID         TASK NAME", 0), 0u) << screen[3];
    EXPECT_EQ(display_width(screen[3]), 120u);  // the bar spans the row
    EXPECT_EQ(row_names(screen),
              (std::vector<std::string>{"customer1", "dishwasher", "Task-1", "customer2"}));
    // The name and frame columns are as wide as their widest cell (here narrower than the caps).
    EXPECT_EQ(screen[3].rfind(" PARKED   TASK ID         TASK NAME   CURRENT FRAME            "
                              "COROUTINE STACK ",
                              0),
              0u);
    EXPECT_EQ(screen[4],
              "  1m15s+  0x7f0000000c50  customer1   sleep tasks.py:716       sleep -> cooking -> "
              "chef");
    EXPECT_EQ(screen[6],
              "   2.0s+  0x7f0000000a70  Task-1      Event.wait locks.py:213  Event.wait -> main");
    EXPECT_EQ(screen[7].substr(0, 10), "   0.3s   ");
    EXPECT_EQ(screen.size(), 8u);
    for (const std::string& line : screen) EXPECT_EQ(line.find('\x1b'), std::string::npos);
}

TEST(WatchScreen, EveryRowFitsTheWidth) {
    Snapshot s = SnapshotBuilder()
                     .thread(1)
                     .task(0x1, std::string(300, 'n'), kCook)
                     .task(0x2,
                           "\xe4\xbb\xbb\xe5\x8a\xa1\xe4\xbb\xbb\xe5\x8a\xa1"
                           "\xe4\xbb\xbb\xe5\x8a\xa1\xe4\xbb\xbb\xe5\x8a\xa1"
                           "\xe4\xbb\xbb\xe5\x8a\xa1\xe4\xbb\xbb\xe5\x8a\xa1"
                           "\xe4\xbb\xbb\xe5\x8a\xa1",  // 14 wide characters
                           {{std::string(80, 'f'), std::string(90, 'p'), 1}})
                     .build();
    for (std::size_t cols : {1u, 10u, 33u, 57u, 80u, 119u, 200u}) {
        for (bool colour : {false, true}) {
            const std::vector<std::string> screen =
                render_watch_screen(s, {parked(1s), parked(2s)}, info(), {24, cols}, colour);
            for (const std::string& line : screen) {
                EXPECT_LE(display_width(strip_sgr(line)), cols) << cols << ": " << line;
            }
        }
    }
    const std::vector<std::string> screen =
        render_watch_screen(s, {parked(1s), parked(2s)}, info(), {24, 120}, false);
    // Cut names end in an ellipsis and keep their column: the frames still line up (column 52).
    const std::string wide_cut =
        "\xe5\x8a\xa1\xe4\xbb\xbb\xe2\x80\xa6   " + std::string(33, 'f') + "\xe2\x80\xa6  ";
    EXPECT_NE(screen[4].find(wide_cut), std::string::npos) << screen[4];
    EXPECT_EQ(display_width(screen[4].substr(0, screen[4].find("fff"))), 52u);
    EXPECT_NE(screen[5].find(std::string(23, 'n') + "\xe2\x80\xa6  sleep"), std::string::npos)
        << screen[5];
    EXPECT_EQ(display_width(screen[5].substr(0, screen[5].find("sleep"))), 52u);
}

TEST(WatchScreen, NamesAreEscapedNeverRaw) {
    Snapshot s = SnapshotBuilder()
                     .thread(1)
                     .task(0x1, "evil\x1b[2J\nname\xe2\x80\xae", {{"f\x07", "/x\ty.py", 3}})
                     .build();
    for (bool colour : {false, true}) {
        const std::vector<std::string> screen =
            render_watch_screen(s, {parked(1s)}, info(), {24, 200}, colour);
        std::string all;
        for (const std::string& line : screen) all += strip_sgr(line) + "\n";
        EXPECT_NE(all.find("evil\\x1b[2J\\nname\\u202e"), std::string::npos) << all;
        EXPECT_NE(all.find("f\\x07 x\\ty.py:3"), std::string::npos) << all;
        EXPECT_EQ(all.find('\x1b'), std::string::npos);
        EXPECT_EQ(all.find('\x07'), std::string::npos);
        EXPECT_EQ(all.find("\xe2\x80\xae"), std::string::npos);
    }
    const std::string log = render_watch_log(s, {parked(1s)}, info());
    EXPECT_NE(log.find("evil\\x1b[2J\\nname\\u202e"), std::string::npos) << log;
    EXPECT_EQ(log.find('\x1b'), std::string::npos);
}

TEST(WatchScreen, TooManyTasksEndsWithACountOfTheRest) {
    SnapshotBuilder b;
    b.thread(1);
    std::vector<ParkTime> times;
    for (int i = 0; i < 50; ++i) {
        b.task(0x100 + i, fmt::format("t{}", i), kCook);
        times.push_back(parked(std::chrono::seconds(i)));
    }
    const std::vector<std::string> screen =
        render_watch_screen(b.build(), times, info(), {10, 100}, false);
    ASSERT_EQ(screen.size(), 10u);
    EXPECT_EQ(row_names(screen), (std::vector<std::string>{"t49", "t48", "t47", "t46", "t45"}));
    EXPECT_EQ(screen[9], "... 45 more (shorter parked)");
    // A tiny terminal still gets the header first, never more rows than it has.
    EXPECT_EQ(render_watch_screen(b.build(), times, info(), {2, 100}, false).size(), 2u);
    EXPECT_TRUE(render_watch_screen(b.build(), times, info(), {0, 100}, false).empty());
}

TEST(WatchScreen, SummaryFlowsOverAtMostThreeLines) {
    SnapshotBuilder b;
    b.thread(1);
    for (int i = 0; i < 40; ++i) {
        b.task(0x100 + i, "t", {{fmt::format("coroutine_number_{}", 100 + i), "/a.py", 1}});
    }
    const std::vector<std::string> screen =
        render_watch_screen(b.build(), {}, info(), {40, 80}, false);
    EXPECT_EQ(screen[1].rfind("coroutines: coroutine_number_100 1  coroutine_number_101 1", 0), 0u);
    EXPECT_EQ(screen[2].rfind("            coroutine_number_10", 0), 0u) << screen[2];
    EXPECT_NE(screen[3].find(" more"), std::string::npos) << screen[3];
    EXPECT_EQ(screen[4], "");
    for (const std::string& line : screen) EXPECT_LE(display_width(line), 80u);
}

TEST(WatchScreen, ColourOnlyWhenAskedAndByAge) {
    const Snapshot s = restaurant();
    const std::vector<ParkTime> times = {parked(2s), parked(75s), parked(300ms), parked(12s)};
    const std::vector<std::string> plain = render_watch_screen(s, times, info(), {40, 120}, false);
    const std::vector<std::string> coloured =
        render_watch_screen(s, times, info(), {40, 120}, true);
    ASSERT_EQ(plain.size(), coloured.size());
    for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(strip_sgr(coloured[i]), plain[i]);
    EXPECT_NE(coloured[3].find("\x1b[7m"), std::string::npos);       // header bar
    EXPECT_EQ(coloured[4].rfind("\x1b[31m  1m15s \x1b[0m", 0), 0u);  // over a minute: red
    EXPECT_EQ(coloured[5].rfind("\x1b[33m  12.0s \x1b[0m", 0), 0u);  // over 10 s: yellow
    EXPECT_EQ(coloured[6].find("\x1b["), std::string::npos);         // fresh: plain
}

TEST(WatchScreen, NoticeUnderTheHeader) {
    WatchInfo i = info();
    i.notice = "sample 4 skipped (retried next interval): changed";
    const std::vector<std::string> screen =
        render_watch_screen(restaurant(), {}, i, {40, 120}, false);
    EXPECT_EQ(screen[2], "sample 4 skipped (retried next interval): changed");
    EXPECT_EQ(screen[3], "");
}

TEST(WatchLog, ExactBlock) {
    const Snapshot s = restaurant();
    const std::string log = render_watch_log(
        s, {parked(2s, true), parked(75s, true), parked(300ms), parked(12s)}, info());
    EXPECT_EQ(
        log,
        "2025-11-26T00:41:07.123Z  pid 4242  Python 3.14  4 tasks  sample 3\n"
        "coroutines: sleep 3  Event.wait 1\n"
        " PARKED   TASK ID         TASK NAME   CURRENT FRAME                              "
        "          COROUTINE STACK\n"
        "  1m15s+  0x7f0000000c50  customer1   sleep /usr/lib/python3.14/asyncio/tasks.py:716 "
        "      sleep -> cooking -> chef\n"
        "  12.0s   0x7f0000000f70  dishwasher  sleep /usr/lib/python3.14/asyncio/tasks.py:716 "
        "      sleep -> dishwasher\n"
        "   2.0s+  0x7f0000000a70  Task-1      Event.wait /usr/lib/python3.14/asyncio/locks.py:213 "
        " Event.wait -> main\n"
        "   0.3s   0x7f0000000bd0  customer2   sleep /usr/lib/python3.14/asyncio/tasks.py:716 "
        "      sleep -> cooking -> chef\n"
        "\n");
}

TEST(WatchLog, SkippedSampleLine) {
    WatchInfo i = info();
    i.sample = 4;
    i.notice = "the target's memory kept changing";
    EXPECT_EQ(render_watch_log_skip(i),
              "2025-11-26T00:41:07.123Z  pid 4242  sample 4 skipped: the target's memory kept "
              "changing\n\n");
}

TEST(WatchLog, NoTasks) {
    EXPECT_EQ(render_watch_log(SnapshotBuilder().thread(1).build(), {}, info()),
              "2025-11-26T00:41:07.123Z  pid 4242  Python 3.14  0 tasks  sample 3\n"
              "coroutines: none\n"
              " PARKED   TASK ID         TASK NAME  CURRENT FRAME  COROUTINE STACK\n"
              "\n");
}

}  // namespace
}  // namespace aps::render::test
