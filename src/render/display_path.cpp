// os.path.relpath for aps dump's file names (see display_path.hpp).
#include "render/display_path.hpp"

#include <vector>

namespace aps::render {
namespace {

// The parts of a normalized absolute path: empty parts and "." dropped, ".." taking the part
// before it away (and nothing at the root), as normpath(abspath(path)) gives them.
void add_parts(std::string_view path, std::vector<std::string_view>& parts) {
    std::size_t i = 0;
    while (i <= path.size()) {
        std::size_t end = path.find('/', i);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view part = path.substr(i, end - i);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        i = end + 1;
    }
}

}  // namespace

std::string display_path(std::string_view file, std::string_view cwd) {
    if (file.empty() || file == "~") return std::string(file);
    std::vector<std::string_view> base;
    add_parts(cwd, base);
    std::vector<std::string_view> parts;
    if (!file.starts_with('/')) parts = base;
    add_parts(file, parts);
    // relpath would begin with ".." unless cwd's parts are a prefix of the file's.
    if (parts.size() < base.size()) return std::string(file);
    for (std::size_t i = 0; i < base.size(); ++i) {
        if (parts[i] != base[i]) return std::string(file);
    }
    if (parts.size() == base.size()) return ".";
    std::string out;
    for (std::size_t i = base.size(); i < parts.size(); ++i) {
        if (!out.empty()) out += '/';
        out += parts[i];
    }
    return out;
}

}  // namespace aps::render
