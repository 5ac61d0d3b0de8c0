// Test helper: a hand-built Snapshot paired with the exact bytes aps must print for it.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aps/snapshot.hpp"
#include "snapshot_builder.hpp"

namespace aps::render::test {

struct RenderCase {
    std::string name;
    Snapshot snapshot;
    std::string ps;        // `ps` stdout
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
