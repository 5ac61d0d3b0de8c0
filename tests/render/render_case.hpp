// Test helper: a hand-built Snapshot paired with the exact bytes aps must print for it.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aps/snapshot.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {

// The two lines every `ps` stdout starts with: tools.py's column titles and rule.
inline const std::string kPsHeader =
    "tid        task id              task name            coroutine stack                     "
    "               awaiter chain                                      awaiter name    "
    "awaiter id     \n"
    "-----------------------------------------------------------------------------------------"
    "-----------------------------------------------------------------------------------------"
    "--\n";

struct RenderCase {
    std::string name;
    Snapshot snapshot;
    std::string ps_rows;   // `ps` stdout after kPsHeader
    std::string tree_out;  // `pstree` stdout
    std::string tree_err;  // `pstree` stderr (the cycle report)
    int tree_exit = 0;
};

class RenderScenario : public ::testing::TestWithParam<RenderCase> {};

inline std::string case_name(const ::testing::TestParamInfo<RenderCase>& info) {
    return info.param.name;
}

std::vector<RenderCase> tools_py_cases();
std::vector<RenderCase> aps_cases();

}  // namespace aps::render::test
