// The reference's cut of task names to 255 code points, in the table, the tree and the cycle
// report; the data views keep names whole.
#include "render/name_cut.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "aps/render.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {
namespace {

std::string times(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

TEST(NameCut, CountsCodePointsNotBytes) {
    EXPECT_EQ(reference_name("worker"), "worker");
    EXPECT_EQ(reference_name(times("a", 255)), times("a", 255));
    EXPECT_EQ(reference_name(times("a", 300)), times("a", 255));
    EXPECT_EQ(reference_name(times("é", 300)), times("é", 255));
    EXPECT_EQ(reference_name(times("\xf0\x9f\x90\x8d", 256)), times("\xf0\x9f\x90\x8d", 255));
    // A lone surrogate, as the model keeps it (3 bytes), is one code point.
    EXPECT_EQ(reference_name(times("\xed\xb3\xa9", 300)), times("\xed\xb3\xa9", 255));
}

TEST(NameCut, TableAndTreeCutTheDataViewsDoNot) {
    const std::string name = times("é", 300);
    const Snapshot s = SnapshotBuilder().interpreter().thread(1).task(0x10, name, {"f"}).build();
    EXPECT_NE(render_ps(s).find(times("é", 255) + " f"), std::string::npos);
    EXPECT_EQ(render_ps(s).find(times("é", 256)), std::string::npos);
    EXPECT_NE(render_pstree(s).out.find("(T) " + times("é", 255) + "\n"), std::string::npos);
    std::string json;
    render_json(s, TargetInfo{1}, View::Ps, [&](std::string_view p) { json.append(p); });
    EXPECT_EQ(nlohmann::json::parse(json)["tasks"][0]["name"], name);
}

}  // namespace
}  // namespace aps::render::test
