// Source files of a live target, read through /proc/PID/root, or of a core's, under --sysroot
// (see aps/source_lines.hpp).
#include "aps/source_lines.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "read/unique_fd.hpp"

namespace aps {
namespace {

// A source file larger than this is not read: no program's source is that big, and the bound
// keeps a hostile path (a huge file, /dev/zero behind a link) from costing memory or time.
constexpr std::size_t kMaxSourceBytes = std::size_t{64} << 20;

struct File {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> lines;  // (start, length) in text
};

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = b < 0x80         ? 1
                          : (b >> 5) == 6  ? 2
                          : (b >> 4) == 14 ? 3
                          : (b >> 3) == 30 ? 4
                                           : 0;
        if (len == 0 || i + len > s.size()) return false;
        uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3Fu);
        }
        // Overlong forms, surrogates and values past U+10FFFF are not UTF-8 (Python's codec
        // refuses them too).
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            return false;
        }
        i += len;
    }
    return true;
}

// Reads a regular file whole into `out`, at most kMaxSourceBytes; false when it cannot.
bool read_regular(const std::string& path, std::string& out) {
    read::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (!fd.valid()) return false;
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    if (static_cast<uint64_t>(st.st_size) > kMaxSourceBytes) return false;
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < out.size()) {
        const ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
        if (n < 0) return false;
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    out.resize(got);
    return true;
}

File load(const std::string& path) {
    File f;
    if (!read_regular(path, f.text) || !valid_utf8(f.text)) {
        f.text.clear();
        return f;
    }
    std::size_t start = f.text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a byte-order mark
    const std::size_t n = f.text.size();
    std::size_t i = start;
    while (i < n) {
        const char c = f.text[i];
        if (c == '\n' || c == '\r') {
            f.lines.emplace_back(start, i - start);
            i += (c == '\r' && i + 1 < n && f.text[i + 1] == '\n') ? 2 : 1;
            start = i;
        } else {
            ++i;
        }
    }
    if (start < n) f.lines.emplace_back(start, n - start);
    return f;
}

}  // namespace

struct SourceLines::Files {
    std::string root;  // prefixed to an absolute path ("" for the path as it is)
    // Prefixed to a relative path; nullopt: a relative path names no file aps can find.
    std::optional<std::string> cwd;
    std::unordered_map<std::string, File> files;
};

SourceLines::SourceLines() : files_(std::make_unique<Files>()) {}

SourceLines::SourceLines(pid_t pid) : SourceLines() {
    files_->root = fmt::format("/proc/{}/root", pid);
    files_->cwd = fmt::format("/proc/{}/cwd/", pid);
}

SourceLines SourceLines::of_core(const std::string& sysroot) {
    SourceLines out;
    // "DIR/" and "DIR" alike: the recorded path brings its own '/'.
    std::string root = sysroot;
    while (root.size() > 1 && root.ends_with('/')) root.pop_back();
    if (root == "/") root.clear();
    out.files_->root = root;
    if (sysroot.empty()) out.files_->cwd = "";
    return out;
}
SourceLines::SourceLines(SourceLines&&) noexcept = default;
SourceLines& SourceLines::operator=(SourceLines&&) noexcept = default;
SourceLines::~SourceLines() = default;

std::string_view SourceLines::line(const std::string& file, int line) {
    // Python keeps no file behind a name like <frozen runpy> or <string>.
    if (file.starts_with('<') && file.ends_with('>')) return {};
    if (file.empty() || line <= 0 || file.find('\0') != std::string::npos) return {};
    auto it = files_->files.find(file);
    if (it == files_->files.end()) {
        File loaded;
        if (file.starts_with('/')) {
            loaded = load(files_->root + file);
        } else if (files_->cwd) {
            loaded = load(*files_->cwd + file);
        }
        it = files_->files.emplace(file, std::move(loaded)).first;
    }
    const File& f = it->second;
    if (static_cast<std::size_t>(line) > f.lines.size()) return {};
    const auto [start, length] = f.lines[static_cast<std::size_t>(line) - 1];
    return std::string_view(f.text).substr(start, length);
}

}  // namespace aps
