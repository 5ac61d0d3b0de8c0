// How aps dump shows a file name: relative to the current directory when the file lies under it,
// as it was otherwise (the reference's os.path.relpath rule, computed without the file system).
#pragma once

#include <string>
#include <string_view>

namespace aps::render {

// `file` relative to `cwd` (an absolute directory) when it lies at or below it, lexically: a
// relative `file` is taken from `cwd`, "." and ".." parts and repeated slashes are resolved as
// Python's os.path.normpath resolves them (no link is followed). Otherwise, and for "" and "~"
// (the file of a frame that runs no Python code), `file` unchanged.
std::string display_path(std::string_view file, std::string_view cwd);

}  // namespace aps::render
