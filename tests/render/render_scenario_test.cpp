// Table-driven ps/pstree scenarios: expected bytes were produced by the reference tools.py
// (3.14) fed the equivalent AwaitedInfo data (names pre-escaped where aps escapes).
#include "aps/render.hpp"
#include "render_case.hpp"

namespace aps::render::test {
namespace {

TEST_P(RenderScenario, PsTable) {
    EXPECT_EQ(render_ps(GetParam().snapshot), kPsHeader + GetParam().ps_rows);
}

TEST_P(RenderScenario, Pstree) {
    const TreeOutput tree = render_pstree(GetParam().snapshot);
    EXPECT_EQ(tree.out, GetParam().tree_out);
    EXPECT_EQ(tree.err, GetParam().tree_err);
    EXPECT_EQ(tree.exit_code, GetParam().tree_exit);
}

INSTANTIATE_TEST_SUITE_P(RenderToolsPy, RenderScenario, ::testing::ValuesIn(tools_py_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(RenderAps, RenderScenario, ::testing::ValuesIn(aps_cases()), case_name);

}  // namespace
}  // namespace aps::render::test
