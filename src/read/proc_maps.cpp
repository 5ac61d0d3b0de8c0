// Parsing /proc/PID/maps into MapEntry values, and reading that file for a live pid.
#include "read/proc_maps.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace aps::read {
namespace {

constexpr std::string_view kDeletedSuffix = " (deleted)";

// A cursor over one line; each take_* consumes a token and returns false when it is malformed.
class LineCursor {
  public:
    explicit LineCursor(std::string_view line) : rest_(line) {}

    bool take_hex(uint64_t& out) { return take_number(out, 16); }
    bool take_dec(uint64_t& out) { return take_number(out, 10); }

    bool take_char(char c) {
        if (rest_.empty() || rest_.front() != c) return false;
        rest_.remove_prefix(1);
        return true;
    }

    bool take_word(std::string& out) {
        size_t n = rest_.find(' ');
        if (n == 0 || n == std::string_view::npos) return false;
        out.assign(rest_.substr(0, n));
        rest_.remove_prefix(n);
        return true;
    }

    void skip_spaces() {
        while (!rest_.empty() && rest_.front() == ' ') rest_.remove_prefix(1);
    }

    std::string_view rest() const { return rest_; }

  private:
    bool take_number(uint64_t& out, int base) {
        auto [ptr, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), out, base);
        if (ec != std::errc{} || ptr == rest_.data()) return false;
        rest_.remove_prefix(static_cast<size_t>(ptr - rest_.data()));
        return true;
    }

    std::string_view rest_;
};

bool parse_line(std::string_view line, MapEntry& e) {
    LineCursor c(line);
    if (!c.take_hex(e.start) || !c.take_char('-') || !c.take_hex(e.end) || !c.take_char(' '))
        return false;
    if (!c.take_word(e.perms) || e.perms.size() != 4 || !c.take_char(' ')) return false;
    if (!c.take_hex(e.offset) || !c.take_char(' ')) return false;
    if (!c.take_word(e.dev) || e.dev.find(':') == std::string::npos || !c.take_char(' '))
        return false;
    if (!c.take_dec(e.inode)) return false;
    if (!c.rest().empty() && !c.take_char(' ')) return false;
    c.skip_spaces();
    std::string_view path = c.rest();
    if (path.ends_with(kDeletedSuffix)) {
        path.remove_suffix(kDeletedSuffix.size());
        e.deleted = true;
    }
    e.path.assign(path);
    return e.start <= e.end;
}

}  // namespace

std::string_view basename_of(std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

Result<std::vector<MapEntry>> parse_proc_maps(std::string_view text) {
    std::vector<MapEntry> entries;
    size_t line_no = 0;
    while (!text.empty()) {
        size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++line_no;
        if (line.empty()) continue;
        MapEntry e;
        if (!parse_line(line, e)) {
            return Error{Errc::CorruptData,
                         fmt::format("malformed maps line {}: '{}'", line_no, line)};
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

Result<std::vector<MapEntry>> read_proc_maps(pid_t pid) {
    auto fail = [pid](int err) -> Error {
        if (err == ENOENT || err == ESRCH)
            return {Errc::NoSuchProcess, fmt::format("no process with pid {}", pid)};
        if (err == EACCES || err == EPERM)
            return {Errc::PermissionDenied,
                    fmt::format("permission denied reading /proc/{}/maps", pid)};
        return {Errc::ReadFailed,
                fmt::format("cannot read /proc/{}/maps: {}", pid, std::strerror(err))};
    };

    std::string path = fmt::format("/proc/{}/maps", pid);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(errno);

    std::string text;
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            return fail(err);
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return parse_proc_maps(text);
}

std::vector<AddressRange> readable_ranges(std::span<const MapEntry> maps) {
    std::vector<AddressRange> out;
    for (const MapEntry& m : maps) {
        if (m.readable() && m.path != "[vvar]" && m.path != "[vvar_vclock]") {
            out.push_back({m.start, m.end});
        }
    }
    return out;
}

}  // namespace aps::read
