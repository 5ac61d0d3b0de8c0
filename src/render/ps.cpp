// STUB — replaced by the render work.
#include "aps/render.hpp"
namespace aps {
std::string render_ps(const Snapshot&) { return {}; }
TreeOutput render_pstree(const Snapshot&) { return {}; }
}  // namespace aps
