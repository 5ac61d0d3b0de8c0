// A snapshot that could not be read whole, in every view: the marker frame where a stack stops,
// a marker row (ps) or label (pstree) where awaiters could not be read, and in JSON the type of
// each task's coroutine, the parts that are incomplete and the problems with their reasons.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "aps/render.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {
namespace {

using nlohmann::json;

// fine awaits nothing; victim's stack stops at a marker; broken's awaiters could not be read
// (one was: fine).
Snapshot partial() {
    return SnapshotBuilder()
        .interpreter()
        .thread(7)
        .task(0x10, "fine", {F{"main", "/t/p.py", 3}})
        .coro_type("coroutine")
        .task(0x20, "victim", {F{Snapshot::kUnreadable}, F{"outer", "/t/p.py", 9}})
        .coro_type("coroutine")
        .marks(kStackUnreadable)
        .task(0x30, "broken", {F{"b", "/t/p.py", 5}})
        .awaited_by(0x10, {F{"main", "/t/p.py", 3}})
        .coro_type("_RequestContextManager")
        .marks(kAwaitersUnreadable)
        .problem({0x20, Problem::Part::Stack, false, "coroutine at 0x99 has frame state 65"})
        .problem({0x30, Problem::Part::Awaiters, false, "invalid awaited-by set at 0x88"})
        .build();
}

TEST(PartialView, PsShowsTheMarkerFrameAndAMarkerRowForAwaiters) {
    const std::string out = render_ps(partial());
    std::istringstream lines(out);
    std::string line;
    std::vector<std::string> rows;
    while (std::getline(lines, line)) rows.push_back(line);
    ASSERT_EQ(rows.size(), 6u) << out;
    EXPECT_NE(rows[3].find("<unreadable> -> outer"), std::string::npos) << rows[3];
    // broken: its one awaiter, then the row that says the rest could not be read.
    EXPECT_NE(rows[4].find("main                                               fine"),
              std::string::npos)
        << rows[4];
    EXPECT_EQ(rows[5],
              "7          0x30                 broken               b                          "
              "                        <unreadable>                                          "
              "             <unreadable>   ");
}

TEST(PartialView, PstreeShowsTheMarkerFrameAndLabelsUnreadableAwaiters) {
    const TreeOutput out = render_pstree(partial());
    EXPECT_EQ(out.out,
              "└── (T) fine\n"
              "    └──  main /t/p.py:3\n"
              "        └── (T) broken (awaiters <unreadable>)\n"
              "            └──  b /t/p.py:5\n"
              "└── (T) victim\n"
              "    └──  outer /t/p.py:9\n"
              "        └──  <unreadable>\n");
}

TEST(PartialView, JsonNamesTypesIncompletePartsAndProblems) {
    std::string text;
    render_json(partial(), TargetInfo{1}, View::Ps, [&](std::string_view p) { text.append(p); });
    const json doc = json::parse(text);
    const json& tasks = doc.at("tasks");
    EXPECT_EQ(tasks[0].at("coroutine_type"), "coroutine");
    EXPECT_FALSE(tasks[0].contains("incomplete"));
    EXPECT_EQ(tasks[1].at("incomplete"), json::array({"frames"}));
    EXPECT_EQ(tasks[1].at("frames")[0].at("function"), "<unreadable>");
    EXPECT_EQ(tasks[2].at("coroutine_type"), "_RequestContextManager");
    EXPECT_EQ(tasks[2].at("incomplete"), json::array({"awaited_by"}));
    EXPECT_EQ(doc.at("problems"), json::parse(R"([{"task":"0x20","part":"frames","cut":false,
                               "message":"coroutine at 0x99 has frame state 65"},
                              {"task":"0x30","part":"awaited_by","cut":false,
                               "message":"invalid awaited-by set at 0x88"}])"));
    EXPECT_EQ(doc.at("problems_left_out"), 0);
}

TEST(PartialView, NdjsonHasProblemLinesAndCountsThem) {
    std::string text;
    render_ndjson(partial(), TargetInfo{1}, View::PsTree,
                  [&](std::string_view p) { text.append(p); });
    std::istringstream in(text);
    std::vector<json> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    ASSERT_EQ(lines.size(), 7u);
    EXPECT_EQ(lines[4].at("type"), "problem");
    EXPECT_EQ(lines[4].at("task"), "0x20");
    EXPECT_EQ(lines[5].at("part"), "awaited_by");
    EXPECT_EQ(lines[6].at("problems"), 2);
}

}  // namespace
}  // namespace aps::render::test
