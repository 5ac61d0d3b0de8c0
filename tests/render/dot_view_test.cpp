// The dot view (render_dot): its structure over hand-made snapshots, hostile names escaped for
// dot, cycles in red, and Graphviz's own `dot -Tsvg` accepting it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include "aps/render.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {
namespace {

TreeOutput dot_of(const Snapshot& s, std::string& text) {
    return render_dot(s, [&text](std::string_view piece) { text.append(piece); });
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// `dot -Tsvg` over the text: its exit status and the SVG it wrote.
int run_dot(const std::string& text, std::string& svg) {
    const std::string in = ::testing::TempDir() + "aps_dot_view_test.dot";
    std::ofstream(in, std::ios::binary) << text;
    const std::string command = std::string(APS_DOT_EXECUTABLE) + " -Tsvg '" + in + "' 2>&1";
    FILE* p = popen(command.c_str(), "r");
    if (p == nullptr) return -1;
    char buf[65536];
    for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) svg.append(buf, n);
    const int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Snapshot restaurant_like() {
    SnapshotBuilder b;
    b.thread(7);
    b.task(0x10, "Task-1",
           {F{"sleep", "/usr/lib/python3.14/asyncio/tasks.py", 716},
            F{"restaurant", "/src/examples/restaurant.py", 39}});
    b.task(0x20, "cust\"omer\\1\n\x1b[31m\u202e", {F{"cooking", "/src/examples/restaurant.py", 11}})
        .awaited_by(0x10, {F{"restaurant", "/src/examples/restaurant.py", 39}});
    b.task(0x30, "dish\xffwasher", {F{"dish\"washer", "/src/a\\b.py", 28}})
        .awaited_by(0x10)
        .awaited_by(0x10)         // the same await twice: one edge
        .awaited_by(0xf00d, {});  // a plain future: a dashed node
    return b.build();
}

TEST(DotView, NodesEdgesAndLabels) {
    std::string text;
    const TreeOutput r = dot_of(restaurant_like(), text);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(r.err.empty());
    EXPECT_EQ(text.rfind("// aps pstree --format dot", 0), 0u);
    EXPECT_NE(text.find("digraph aps {\n"), std::string::npos);
    EXPECT_EQ(text.substr(text.size() - 2), "}\n");
    EXPECT_NE(text.find("  \"0x10\" [label=\"Task-1\\nrestaurant restaurant.py:39\\nsleep "
                        "tasks.py:716\", tooltip=\"Task-1\\nrestaurant "
                        "/src/examples/restaurant.py:39\\nsleep "
                        "/usr/lib/python3.14/asyncio/tasks.py:716\"];\n"),
              std::string::npos)
        << text;
    // Terminal escapes first (\n, \x1b, \u202e as text), then dot's: \ and " get a backslash.
    EXPECT_NE(text.find("[label=\"cust\\\"omer\\\\1\\\\n\\\\x1b[31m\\\\u202e\\ncooking "
                        "restaurant.py:11\""),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("[label=\"dish\\\\xffwasher\\ndish\\\"washer a\\\\b.py:28\""),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  \"0xf00d\" [label=\"0xf00d\\n(not a task)\", style=\"dashed\"];\n"),
              std::string::npos);
    EXPECT_EQ(count(text, " -> "), 3u);
    EXPECT_EQ(count(text, "  \"0x10\" -> \"0x30\";\n"), 1u);
    EXPECT_EQ(count(text, "  \"0xf00d\" -> \"0x30\";\n"), 1u);
    EXPECT_EQ(count(text, "color=red"), 0u);
    // One line per node or edge: no raw newline, control or bidi character inside a label.
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find("\u202e"), std::string::npos);
}

TEST(DotView, CyclesAreRed) {
    SnapshotBuilder b;
    b.thread(1);
    b.task(0xa, "a").awaited_by(0xb);
    b.task(0xb, "b").awaited_by(0xa);
    b.task(0xc, "c").awaited_by(0xa);
    std::string text;
    const TreeOutput r = dot_of(b.build(), text);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cycle: b \u2192 a \u2192 b"), std::string::npos) << r.err;
    EXPECT_NE(text.find("  \"0xa\" -> \"0xb\" [color=red, penwidth=2];\n"), std::string::npos);
    EXPECT_NE(text.find("  \"0xb\" -> \"0xa\" [color=red, penwidth=2];\n"), std::string::npos);
    EXPECT_NE(text.find("  \"0xa\" -> \"0xc\";\n"), std::string::npos) << text;
    EXPECT_NE(text.find("[label=\"a\", tooltip=\"a\", color=red"), std::string::npos);
    EXPECT_NE(text.find("[label=\"c\", tooltip=\"c\"];"), std::string::npos);
}

TEST(DotView, DeepStacksShowCoroutineAndCurrentFrame) {
    SnapshotBuilder b;
    b.thread(1).task(0x1, "deep",
                     {F{"f0", "/x/a.py", 1}, F{"f1", "/x/a.py", 2}, F{"f2", "/x/a.py", 3},
                      F{"f3", "/x/a.py", 4}});
    b.task(0x2, "three", {F{"g0", "/x/b.py", 1}, F{"g1", "/x/b.py", 2}, F{"g2", "", 0}});
    std::string text;
    dot_of(b.build(), text);
    EXPECT_NE(text.find("[label=\"deep\\nf3 a.py:4\\n\u22ee 2 frames\\nf0 a.py:1\", "
                        "tooltip=\"deep\\nf3 /x/a.py:4\\nf2 /x/a.py:3\\nf1 /x/a.py:2\\nf0 "
                        "/x/a.py:1\"]"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("[label=\"three\\ng2\\n\u22ee 1 frame\\ng0 b.py:1\""), std::string::npos)
        << text;
}

// Graphviz refuses quoted strings over 16 KiB: long names and deep stacks are cut in the picture.
Snapshot huge_names() {
    SnapshotBuilder b;
    std::vector<F> frames;
    for (int i = 0; i < 40; ++i)
        frames.push_back(F{std::string(50000, 'Q'), "/" + std::string(50000, '\xe4'), i});
    b.thread(1).task(0x1, std::string(100000, 'N') + "\u202e", frames);
    b.task(0x2, "\xf0\x9f\x98\x80" + std::string(70, 'x')).awaited_by(0x1);
    return b.build();
}

TEST(DotView, LongTextIsCut) {
    std::string text;
    dot_of(huge_names(), text);
    EXPECT_NE(text.find("[label=\"" + std::string(64, 'N') + "\u2026\\n" + std::string(64, 'Q') +
                        "\u2026\\n\u22ee 38 frames\\n"),
              std::string::npos);
    EXPECT_EQ(text.find(std::string(121, 'N')), std::string::npos);  // tooltips: 120
    EXPECT_NE(text.find("[label=\"\xf0\x9f\x98\x80" + std::string(63, 'x') + "\u2026\", tooltip="),
              std::string::npos);
    std::size_t longest_line = 0;
    for (std::size_t at = 0, next; at < text.size(); at = next + 1) {
        next = text.find('\n', at);
        longest_line = std::max(longest_line, next - at);
    }
    EXPECT_LT(longest_line, 16384u);
}

TEST(DotView, GraphvizRendersItToSvg) {
    if (std::string(APS_DOT_EXECUTABLE).empty()) {
        GTEST_SKIP() << "Graphviz dot not found (scripts/install-deps.sh installs graphviz)";
    }
    std::string big, big_svg;
    dot_of(huge_names(), big);
    EXPECT_EQ(run_dot(big, big_svg), 0) << big_svg.substr(0, 500);
    std::string text;
    dot_of(restaurant_like(), text);
    std::string svg;
    ASSERT_EQ(run_dot(text, svg), 0) << svg;
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_EQ(count(svg, "class=\"node\""), 4u);
    EXPECT_EQ(count(svg, "class=\"edge\""), 3u);
    // The escaped name comes out as text: the quote and the backslashes survive dot.
    EXPECT_NE(svg.find("cust&quot;omer\\1\\n\\x1b[31m\\u202e"), std::string::npos) << svg;
}

}  // namespace
}  // namespace aps::render::test
