// The JSON views (render_json, render_ndjson): parsed with nlohmann::json and checked field by
// field against the snapshot, over hand-made hostile snapshots and every render scenario.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "aps/render.hpp"
#include "json_check.hpp"
#include "render/cycles.hpp"
#include "render/json_text.hpp"
#include "render/task_index.hpp"
#include "render_case.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {
namespace {

using nlohmann::json;

struct Rendered {
    std::string text;
    TreeOutput result;
    std::size_t pieces = 0;
    std::size_t largest_piece = 0;
};

template <typename Render>
Rendered collect(Render render) {
    Rendered r;
    r.result = render([&r](std::string_view piece) {
        r.text.append(piece);
        ++r.pieces;
        r.largest_piece = std::max(r.largest_piece, piece.size());
    });
    return r;
}

Rendered json_of(const Snapshot& s, View view, int64_t pid = 4242) {
    return collect(
        [&](const OutputSink& sink) { return render_json(s, TargetInfo{pid}, view, sink); });
}

Rendered ndjson_of(const Snapshot& s, View view, int64_t pid = 4242) {
    return collect(
        [&](const OutputSink& sink) { return render_ndjson(s, TargetInfo{pid}, view, sink); });
}

std::vector<json> lines_of(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line));
    return out;
}

// No raw control character, DEL, C1 control or bidi control anywhere in the text.
void expect_printable(const std::string& text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b == '\n') continue;
        ASSERT_TRUE(b >= 0x20 && b != 0x7F) << "raw byte " << int(b) << " at " << i;
        if (b == 0xC2) {
            ASSERT_GE(static_cast<unsigned char>(text[i + 1]), 0xA0) << "C1 at " << i;
        }
    }
    for (const char* bidi : {"\u202e", "\u2066", "\u200f", "\u061c", "\u2028"}) {
        EXPECT_EQ(text.find(bidi), std::string::npos) << "raw bidi/separator";
    }
}

const std::string kHostile[] = {
    std::string("nul\0byte", 8),
    "esc\x1b[31mred\x1b[0m",
    "nl\nline\ttab\rcr\b\f",
    "quote\"back\\slash/",
    "bidi\u202eevil\u2066x\u200f\u061c",
    "c1\xc2\x85\xc2\x9b del\x7f",
    "line sep\u2028para\u2029",
    "lone\xed\xa0\x80high \xed\xbf\xbflow",
    "bad\xff\xfe bytes \xc3 cut \xe2\x82",
    "overlong\xc0\xaf \xe0\x80\x80",
    "emoji \xf0\x9f\x98\x80 \xc3\xa9t\xc3\xa9 \xe4\xb8\xad",
    std::string(3000, 'N'),
    "",
};

TEST(JsonText, EveryHostileStringParsesToItsValue) {
    for (const std::string& raw : kHostile) {
        std::string out;
        append_json_string(out, raw);
        SCOPED_TRACE(out);
        expect_printable(out);
        const json parsed = json::parse(out);  // throws on invalid UTF-8 or bad escapes
        ASSERT_TRUE(parsed.is_string());
        EXPECT_EQ(parsed.get<std::string>(), json_value_of(raw));
    }
}

TEST(JsonText, ExactEscapes) {
    const std::pair<std::string, std::string> cases[] = {
        {std::string("a\0b", 3), "\"a\\u0000b\""},
        {"\"\\", "\"\\\"\\\\\""},
        {"\b\f\n\r\t\x01\x1f\x7f", "\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\""},
        {"\xc2\x85", "\"\\u0085\""},
        {"\u202e\u2028", "\"\\u202e\\u2028\""},
        {"\xed\xa0\x80", "\"\\ufffd\""},
        {"\xff", "\"\\ufffd\""},
        {"\xc3\xa9/", "\"\xc3\xa9/\""},
    };
    for (const auto& [raw, want] : cases) {
        std::string out;
        append_json_string(out, raw);
        EXPECT_EQ(out, want);
    }
}

// Two interpreters, several threads (one of exited tasks), known and unknown awaiters, a frame
// without a line, a code index out of range, hostile names everywhere.
Snapshot hostile_snapshot() {
    SnapshotBuilder b;
    b.interpreter().thread(101);
    b.task(0x1000, kHostile[0], {F{"main", "/app/main.py", 10}});
    b.task(0x2000, kHostile[1],
           {F{"sleep", "/usr/lib/asyncio/tasks.py", 702}, F{kHostile[4], kHostile[7], 3}})
        .awaited_by(0x1000, {F{"main", "/app/main.py", 10}})
        .awaited_by(0xdead0, {F{"gather", "~"}});
    b.thread(0);
    b.task(0x3000, kHostile[8], {F{kHostile[2], kHostile[3]}}).awaited_by(0x2000, {});
    b.interpreter().thread(202);
    b.task(0x4000, kHostile[11], {F{"w", "", 0}});
    b.task(0x5000, "", {});
    Snapshot s = b.build();
    s.interpreters[1].id = 7;
    s.minor = 15;
    Frame bad;
    bad.code = 999;  // out of range: rendered as a placeholder, never trusted
    bad.line = 5;
    s.interpreters[1].threads[0].tasks[1].frames = Slice{static_cast<uint32_t>(s.frames.size()), 1};
    s.frames.push_back(bad);
    return s;
}

TEST(JsonView, PsDocumentMatchesTheSnapshot) {
    const Snapshot s = hostile_snapshot();
    const Rendered r = json_of(s, View::Ps, 31337);
    expect_printable(r.text);
    EXPECT_EQ(r.result.exit_code, 0);
    EXPECT_TRUE(r.result.err.empty());
    const json doc = json::parse(r.text);
    expect_header(doc, s, View::Ps, 31337);
    expect_tasks(doc.at("tasks"), s);
    EXPECT_FALSE(doc.contains("cycles"));
    EXPECT_EQ(doc.at("tasks")[0].at("name").get<std::string>(), std::string("nul\0byte", 8));
}

TEST(JsonView, PstreeDocumentHasTheCycles) {
    SnapshotBuilder b;
    b.thread(1);
    b.task(0xa, "a", {F{"fa", "/a.py", 1}}).awaited_by(0xc, {F{"fc", "/c.py", 3}});
    b.task(0xb, "b\n\"b\"", {F{"fb", "/b.py", 2}}).awaited_by(0xa, {F{"fa", "/a.py", 1}});
    b.task(0xc, "c", {F{"fc", "/c.py", 3}}).awaited_by(0xb, {F{"fb", "/b.py", 2}});
    b.task(0xd, "d", {}).awaited_by(0xd, {});
    b.task(0xe, "free", {});
    const Snapshot s = b.build();
    const Rendered r = json_of(s, View::PsTree);
    EXPECT_EQ(r.result.exit_code, 1);
    EXPECT_EQ(r.result.err, render_pstree(s).err);  // the tree view's report, word for word
    const json doc = json::parse(r.text);
    expect_header(doc, s, View::PsTree, 4242);
    expect_tasks(doc.at("tasks"), s);
    const TaskIndex index(s);
    const std::vector<Cycle> want = find_await_cycles(index);
    ASSERT_EQ(want.size(), 2u);
    ASSERT_EQ(doc.at("cycles").size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        std::vector<std::string> ids;
        for (const uint64_t id : want[i]) ids.push_back(hex_id(id));
        EXPECT_EQ(doc.at("cycles")[i].at("ids").get<std::vector<std::string>>(), ids);
    }
}

TEST(JsonView, AcyclicPstreeHasAnEmptyCycleList) {
    SnapshotBuilder b;
    b.thread(1).task(0xa, "a").task(0xb, "b").awaited_by(0xa);
    const Rendered r = json_of(b.build(), View::PsTree);
    EXPECT_EQ(r.result.exit_code, 0);
    EXPECT_TRUE(r.result.err.empty());
    EXPECT_EQ(json::parse(r.text).at("cycles"), json::array());
}

TEST(JsonView, EmptySnapshot) {
    Snapshot s;
    s.major = 3;
    s.minor = 14;
    for (const View view : {View::Ps, View::PsTree}) {
        const json doc = json::parse(json_of(s, view).text);
        EXPECT_EQ(doc.at("tasks"), json::array());
        EXPECT_EQ(doc.at("interpreters"), json::array());
        const std::vector<json> lines = lines_of(ndjson_of(s, view).text);
        ASSERT_EQ(lines.size(), 2u);
        EXPECT_EQ(lines[0].at("type"), "header");
        EXPECT_EQ(lines[1].at("type"), "end");
        EXPECT_EQ(lines[1].at("tasks"), 0);
    }
}

TEST(NdjsonView, LinesAreHeaderTasksCyclesEnd) {
    const Snapshot s = hostile_snapshot();
    for (const View view : {View::Ps, View::PsTree}) {
        const Rendered r = ndjson_of(s, view, 99);
        expect_printable(r.text);
        const std::vector<json> lines = lines_of(r.text);
        ASSERT_EQ(lines.size(), 7u);  // header, 5 tasks, end
        EXPECT_EQ(lines[0].at("type"), "header");
        expect_header(lines[0], s, view, 99);
        json tasks = json::array();
        for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
            EXPECT_EQ(lines[i].at("type"), "task");
            json task = lines[i];
            task.erase("type");
            tasks.push_back(task);
        }
        expect_tasks(tasks, s);
        // The same task objects as the document's.
        EXPECT_EQ(tasks, json::parse(json_of(s, view, 99).text).at("tasks"));
        EXPECT_EQ(lines.back().at("type"), "end");
        EXPECT_EQ(lines.back().at("tasks"), 5);
        EXPECT_EQ(lines.back().contains("cycles"), view == View::PsTree);
    }
}

TEST(NdjsonView, CycleLinesBeforeTheEnd) {
    SnapshotBuilder b;
    b.thread(1).task(0xa, "a").awaited_by(0xb).task(0xb, "b").awaited_by(0xa);
    const Rendered r = ndjson_of(b.build(), View::PsTree);
    EXPECT_EQ(r.result.exit_code, 1);
    const std::vector<json> lines = lines_of(r.text);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[3].at("type"), "cycle");
    EXPECT_EQ(lines[3].at("ids"), json({"0xb", "0xa", "0xb"}));  // the reference's DFS order
    EXPECT_EQ(lines[4], json({{"type", "end"}, {"tasks", 2}, {"cycles", 1}, {"problems", 0}}));
}

// 30,000 tasks with long names: the text leaves in bounded pieces while it is rendered, one
// line per task.
TEST(NdjsonView, StreamsInBoundedPieces) {
    SnapshotBuilder b;
    b.thread(1);
    for (uint64_t i = 0; i < 30000; ++i) {
        b.task(0x10000 + i * 0x100, "task-" + std::to_string(i) + std::string(100, 'x'),
               {F{"leaf", "/app/leaf.py", 7}, F{"root", "/app/root.py", 9}});
        if (i > 0) b.awaited_by(0x10000, {F{"root", "/app/root.py", 9}});
    }
    const Snapshot s = b.build();
    for (const View view : {View::Ps, View::PsTree}) {
        const Rendered r = ndjson_of(s, view);
        EXPECT_GE(r.pieces, 3u);
        EXPECT_LT(r.largest_piece, kOutputChunk + 4096);
        EXPECT_EQ(std::count(r.text.begin(), r.text.end(), '\n'), 30002);
        const Rendered d = json_of(s, view);
        EXPECT_GE(d.pieces, 3u);
        EXPECT_LT(d.largest_piece, kOutputChunk + 4096);
        EXPECT_EQ(json::parse(d.text).at("tasks").size(), 30000u);
    }
}

// Every render scenario (the reference's cases and aps's own) as JSON and ndjson.
class JsonScenario : public ::testing::TestWithParam<RenderCase> {};

TEST_P(JsonScenario, MatchesSnapshot) {
    const Snapshot& s = GetParam().snapshot;
    for (const View view : {View::Ps, View::PsTree}) {
        const Rendered r = json_of(s, view);
        const json doc = json::parse(r.text);
        expect_header(doc, s, view, 4242);
        expect_tasks(doc.at("tasks"), s);
        if (view == View::PsTree) {
            EXPECT_EQ(r.result.exit_code, GetParam().tree_exit);
            EXPECT_EQ(r.result.err, GetParam().tree_err);
            EXPECT_EQ(doc.at("cycles").empty(), GetParam().tree_exit == 0);
        }
        const std::vector<json> lines = lines_of(ndjson_of(s, view).text);
        ASSERT_GE(lines.size(), 2u);
        EXPECT_EQ(lines.front().at("type"), "header");
        EXPECT_EQ(lines.back().at("tasks"), doc.at("tasks").size());
    }
}

INSTANTIATE_TEST_SUITE_P(ToolsPy, JsonScenario, ::testing::ValuesIn(tools_py_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Aps, JsonScenario, ::testing::ValuesIn(aps_cases()), case_name);

}  // namespace
}  // namespace aps::render::test
