// Layout of the `aps watch` views: the full screen (rows cut to the terminal's width, optional
// colour) and the plain log block. Content comes from watch_rows.hpp.
#include "aps/watch_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <string_view>

#include "render/blocked_line.hpp"
#include "render/display_width.hpp"
#include "render/escape.hpp"
#include "render/name_cut.hpp"
#include "render/py_format.hpp"
#include "render/watch_rows.hpp"

namespace aps {
namespace {

using render::WatchRow;

// Columns of the task table; the coroutine stack takes the rest of the line.
constexpr std::size_t kParkedWidth = 7;  // "59.9s", "59m59s", "23h59m", then the '+' mark
constexpr std::size_t kIdWidth = 14;     // 0x7f330e95fa70
constexpr std::size_t kNameCap = 24;     // on the screen; a log never cuts
constexpr std::size_t kFrameCap = 34;
constexpr std::string_view kNameHead = "TASK NAME";
constexpr std::string_view kFrameHead = "CURRENT FRAME";
constexpr std::string_view kGap = "  ";
constexpr std::string_view kSummaryHead = "coroutines:";
constexpr std::size_t kSummaryLines = 3;
constexpr std::size_t kMaxBlockedLines = 3;  // a blocked loop's line, wrapped, at most
constexpr std::size_t kBlockedIndent = 2;
constexpr auto kWarnAfter = std::chrono::seconds(10);
constexpr auto kAlarmAfter = std::chrono::seconds(60);

enum class Style { Plain, Bold, Reverse, Yellow, Red, Dim };

std::string_view sgr(Style style) {
    switch (style) {
        case Style::Bold:
            return "\x1b[1m";
        case Style::Reverse:
            return "\x1b[7m";
        case Style::Yellow:
            return "\x1b[33m";
        case Style::Red:
            return "\x1b[31m";
        case Style::Dim:
            return "\x1b[2m";
        case Style::Plain:
            break;
    }
    return {};
}

// One screen row: text is added until the row is `width` columns wide, the rest is cut off.
class ScreenLine {
  public:
    ScreenLine(std::size_t width, bool colour) : width_(width), colour_(colour) {}

    void add(std::string_view text, Style style = Style::Plain) {
        const std::string_view fits = render::cut_to_width(text, width_ - used_);
        if (fits.empty()) return;
        const bool styled = colour_ && style != Style::Plain;
        if (styled) text_.append(sgr(style));
        text_.append(fits);
        if (styled) text_.append("\x1b[0m");
        used_ += render::display_width(fits);
    }

    // Spaces up to the full width (so that a reverse-video bar spans the row).
    void fill(Style style) { add(std::string(width_ - used_, ' '), style); }

    std::string take() { return std::move(text_); }

  private:
    std::size_t width_;
    bool colour_;
    std::size_t used_ = 0;
    std::string text_;
};

// `text` followed by spaces up to `width` columns (never cut).
std::string pad(std::string text, std::size_t width) {
    const std::size_t w = render::display_width(text);
    if (w < width) text.append(width - w, ' ');
    return text;
}

std::tm utc(std::chrono::system_clock::time_point time) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return tm;
}

std::string clock_text(std::chrono::system_clock::time_point time) {
    const std::tm tm = utc(time);
    return fmt::format("{:02}:{:02}:{:02} UTC", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string stamp_text(std::chrono::system_clock::time_point time) {
    const std::tm tm = utc(time);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch());
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                       (ms.count() % 1000 + 1000) % 1000);
}

std::string interval_text(std::chrono::milliseconds interval) {
    if (interval.count() % 1000 == 0) return fmt::format("{}s", interval.count() / 1000);
    return fmt::format("{:g}s", static_cast<double>(interval.count()) / 1000.0);
}

std::size_t task_count(const Snapshot& snapshot) {
    std::size_t n = 0;
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) n += thread.tasks.size();
    }
    return n;
}

std::string tasks_text(std::size_t n) {
    return fmt::format("{} task{}", n, n == 1 ? "" : "s");
}

// "pid 4242  Python 3.14  4 tasks": the part of the header both views share.
std::string target_text(const Snapshot& snapshot, const WatchInfo& info) {
    return fmt::format("pid {}  Python {}.{}  {}", info.pid, snapshot.major, snapshot.minor,
                       tasks_text(task_count(snapshot)));
}

std::string parked_text(const ParkTime& time) {
    return render::format_park_time(time.parked) + (time.before_first_sample ? "+" : " ");
}

Style parked_style(const ParkTime& time) {
    if (time.parked >= kAlarmAfter) return Style::Red;
    if (time.parked >= kWarnAfter) return Style::Yellow;
    return Style::Plain;
}

// The cells of the task rows to show. The name and frame columns are as wide as their widest
// cell (at least their heading, on the screen at most a cap: longer cells end in an ellipsis).
struct Table {
    struct Row {
        ParkTime time;
        std::string id, name, frame, stack;
    };
    std::vector<Row> rows;
    std::size_t name_width = kNameHead.size();
    std::size_t frame_width = kFrameHead.size();
};

Table make_table(const Snapshot& snapshot, const std::vector<WatchRow>& rows, std::size_t count,
                 bool screen) {
    Table table;
    table.rows.reserve(count);
    for (std::size_t i = 0; i < count && i < rows.size(); ++i) {
        Table::Row row;
        row.time = rows[i].time;
        render::append_py_hex(row.id, rows[i].task->id);
        row.name = render::escape_text(render::reference_name(snapshot.name_of(*rows[i].task)));
        row.frame = render::current_frame_text(snapshot, *rows[i].task, screen);
        row.stack = render::stack_text(snapshot, *rows[i].task);
        table.name_width = std::max(table.name_width, render::display_width(row.name));
        table.frame_width = std::max(table.frame_width, render::display_width(row.frame));
        table.rows.push_back(std::move(row));
    }
    if (screen) {
        table.name_width = std::min(table.name_width, kNameCap);
        table.frame_width = std::min(table.frame_width, kFrameCap);
        for (Table::Row& row : table.rows) {
            row.name = render::fit_to_width(row.name, table.name_width);
            row.frame = render::fit_to_width(row.frame, table.frame_width);
        }
    }
    return table;
}

std::string column_header(const Table& table) {
    return fmt::format("{:>{}} {}{:<{}}{}{:<{}}{}{:<{}}{}COROUTINE STACK", "PARKED", kParkedWidth,
                       kGap, "TASK ID", kIdWidth, kGap, kNameHead, table.name_width, kGap,
                       kFrameHead, table.frame_width, kGap);
}

// Everything of a row but the park time (which has its own colour).
std::string row_rest(const Table& table, const Table::Row& row) {
    std::string line = fmt::format("{}{:<{}}{}", kGap, row.id, kIdWidth, kGap);
    line.append(pad(row.name, table.name_width));
    line.append(kGap);
    line.append(pad(row.frame, table.frame_width));
    line.append(kGap);
    line.append(row.stack);
    return line;
}

// The counts per coroutine, flowed into lines of `width` columns; at most kSummaryLines lines,
// the last one ending "+N more" when some did not fit.
std::vector<std::string> summary_lines(const Snapshot& snapshot, std::size_t width) {
    const std::vector<render::CoroutineCount> counts = render::count_by_coroutine(snapshot);
    std::vector<std::string> out;
    std::string line(kSummaryHead);
    if (counts.empty()) {
        line.append(" none");
        out.push_back(std::move(line));
        return out;
    }
    bool line_has_item = false;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        const std::string piece =
            fmt::format("{}{} {}", line_has_item ? kGap : " ", counts[i].function, counts[i].tasks);
        const bool last_line = out.size() + 1 == kSummaryLines;
        const std::size_t reserve = last_line && i + 1 < counts.size() ? 12 : 0;
        if (!line_has_item ||
            render::display_width(line) + render::display_width(piece) + reserve <= width) {
            line.append(piece);
            line_has_item = true;
            continue;
        }
        if (last_line) {
            line.append(fmt::format("{}+{} more", kGap, counts.size() - i));
            out.push_back(std::move(line));
            return out;
        }
        out.push_back(std::move(line));
        line = fmt::format("{} {} {}", std::string(kSummaryHead.size(), ' '), counts[i].function,
                           counts[i].tasks);
    }
    out.push_back(std::move(line));
    return out;
}

std::string rstrip(std::string text) {
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

}  // namespace

std::vector<std::string> render_watch_screen(const Snapshot& snapshot,
                                             const std::vector<ParkTime>& times,
                                             const WatchInfo& info, ScreenSize size, bool colour) {
    std::vector<std::string> screen;
    const auto room = [&] { return screen.size() < size.rows; };
    const auto push = [&](ScreenLine& line) {
        if (room()) screen.push_back(line.take());
    };

    {
        ScreenLine line(size.cols, colour);
        line.add("aps watch", Style::Bold);
        line.add(fmt::format("{}{}{}{}{}every {}{}sample {}{}q quits", kGap,
                             target_text(snapshot, info), kGap, clock_text(info.time), kGap,
                             interval_text(info.interval), kGap, info.sample, kGap));
        push(line);
    }
    // The blocked-loop line is the screen's headline: wrapped, not cut, so that the call that
    // holds the loop (at its end) shows on a narrow terminal too.
    for (const ThreadLoop& loop : info.blocked) {
        for (const std::string& part :
             render::wrap_to_width(render::blocked_loop_text(snapshot, loop), size.cols,
                                   kBlockedIndent, kMaxBlockedLines)) {
            ScreenLine line(size.cols, colour);
            line.add(part, Style::Red);
            push(line);
        }
    }
    for (const std::string& text : summary_lines(snapshot, size.cols)) {
        ScreenLine line(size.cols, colour);
        line.add(text);
        push(line);
    }
    if (!info.notice.empty()) {
        ScreenLine line(size.cols, colour);
        line.add(render::escape_text(info.notice), Style::Yellow);
        push(line);
    }
    const std::vector<WatchRow> rows = render::rows_by_park_time(snapshot, times);
    // What is left below the header, the blank line and the column header.
    const std::size_t used = screen.size() + 2;
    const std::size_t left = size.rows > used ? size.rows - used : 0;
    const std::size_t shown = rows.size() <= left ? rows.size() : (left > 0 ? left - 1 : 0);
    const Table table = make_table(snapshot, rows, shown, true);
    {
        ScreenLine blank(size.cols, colour);
        push(blank);
        ScreenLine line(size.cols, colour);
        line.add(column_header(table), Style::Reverse);
        line.fill(Style::Reverse);
        push(line);
    }
    for (const Table::Row& row : table.rows) {
        ScreenLine line(size.cols, colour);
        line.add(fmt::format("{:>{}}", parked_text(row.time), kParkedWidth + 1),
                 parked_style(row.time));
        line.add(row_rest(table, row));
        push(line);
    }
    if (shown < rows.size() && room()) {
        ScreenLine line(size.cols, colour);
        line.add(fmt::format("... {} more (shorter parked)", rows.size() - shown), Style::Dim);
        push(line);
    }
    return screen;
}

std::string render_watch_log(const Snapshot& snapshot, const std::vector<ParkTime>& times,
                             const WatchInfo& info) {
    std::string out = fmt::format("{}  {}  sample {}\n", stamp_text(info.time),
                                  target_text(snapshot, info), info.sample);
    for (const ThreadLoop& loop : info.blocked) {
        out.append(render::blocked_loop_text(snapshot, loop));
        out.push_back('\n');
    }
    out.append(kSummaryHead);
    const std::vector<render::CoroutineCount> counts = render::count_by_coroutine(snapshot);
    if (counts.empty()) out.append(" none");
    for (std::size_t i = 0; i < counts.size(); ++i) {
        out.append(
            fmt::format("{}{} {}", i == 0 ? " " : kGap, counts[i].function, counts[i].tasks));
    }
    out.push_back('\n');
    const std::vector<WatchRow> rows = render::rows_by_park_time(snapshot, times);
    const Table table = make_table(snapshot, rows, rows.size(), false);
    out.append(column_header(table));
    out.push_back('\n');
    for (const Table::Row& row : table.rows) {
        std::string line = fmt::format("{:>{}}", parked_text(row.time), kParkedWidth + 1);
        line.append(row_rest(table, row));
        out.append(rstrip(std::move(line)));
        out.push_back('\n');
    }
    out.push_back('\n');
    return out;
}

std::string render_watch_log_skip(const WatchInfo& info) {
    return fmt::format("{}  pid {}  sample {} skipped: {}\n\n", stamp_text(info.time), info.pid,
                       info.sample, render::escape_text(info.notice));
}

}  // namespace aps
