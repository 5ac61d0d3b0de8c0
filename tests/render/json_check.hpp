// Test helper: checks a parsed JSON view (docs/json-schema.md) against the Snapshot it came from,
// field by field, with an oracle for string values written independently of the renderer.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "aps/render.hpp"
#include "aps/snapshot.hpp"

namespace aps::render::test {

// The string value a JSON reader must get for the raw model bytes: valid UTF-8 is kept, each
// byte of an invalid sequence and each lone surrogate (ED A0..BF xx) becomes U+FFFD.
inline std::string json_value_of(std::string_view raw) {
    std::string out;
    std::size_t i = 0;
    while (i < raw.size()) {
        const auto b0 = static_cast<unsigned char>(raw[i]);
        std::size_t len = b0 < 0x80                  ? 1
                          : b0 >= 0xC2 && b0 <= 0xDF ? 2
                          : b0 >= 0xE0 && b0 <= 0xEF ? 3
                          : b0 >= 0xF0 && b0 <= 0xF4 ? 4
                                                     : 0;
        bool ok = len != 0 && i + len <= raw.size();
        uint32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
        for (std::size_t k = 1; ok && k < len; ++k) {
            const auto b = static_cast<unsigned char>(raw[i + k]);
            ok = (b & 0xC0) == 0x80;
            cp = (cp << 6) | (b & 0x3F);
        }
        // Overlong forms, values past U+10FFFF and surrogates are not UTF-8.
        if (ok && ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
                   (cp >= 0xD800 && cp <= 0xDFFF))) {
            ok = false;
            if (len == 3 && cp >= 0xD800 && cp <= 0xDFFF) {  // a lone surrogate: one U+FFFD
                out.append("\xef\xbf\xbd");
                i += 3;
                continue;
            }
        }
        if (!ok) {
            out.append("\xef\xbf\xbd");
            ++i;
            continue;
        }
        out.append(raw.substr(i, len));
        i += len;
    }
    return out;
}

inline std::string hex_id(uint64_t id) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(id));
    return buf;
}

inline const Task* find_task(const Snapshot& s, uint64_t id) {
    const Task* last = nullptr;  // the ps table's awaiter name is the last task with that id
    for (const Interpreter& i : s.interpreters)
        for (const Thread& t : i.threads)
            for (const Task& task : t.tasks)
                if (task.id == id) last = &task;
    return last;
}

inline void expect_frames(const nlohmann::json& frames, std::span<const Frame> want,
                          const Snapshot& s) {
    ASSERT_TRUE(frames.is_array());
    ASSERT_EQ(frames.size(), want.size());
    for (std::size_t f = 0; f < want.size(); ++f) {
        const nlohmann::json& j = frames[f];
        ASSERT_EQ(j.size(), 3u) << j;
        if (want[f].code < s.codes.size()) {
            EXPECT_EQ(j.at("function"), json_value_of(s.codes[want[f].code].function));
            EXPECT_EQ(j.at("file"), json_value_of(s.codes[want[f].code].file));
        } else {
            EXPECT_TRUE(j.at("function").is_string());
        }
        if (want[f].has_line()) {
            EXPECT_EQ(j.at("line"), want[f].line);
        } else {
            EXPECT_TRUE(j.at("line").is_null());
        }
    }
}

inline void expect_header(const nlohmann::json& h, const Snapshot& s, View view, int64_t pid) {
    EXPECT_EQ(h.at("schema_version"), kJsonSchemaVersion);
    EXPECT_EQ(h.at("view"), view == View::Ps ? "ps" : "pstree");
    EXPECT_EQ(h.at("target").at("pid"), pid);
    EXPECT_EQ(h.at("target").at("python_version"),
              std::to_string(s.major) + "." + std::to_string(s.minor));
    const nlohmann::json& interps = h.at("interpreters");
    ASSERT_EQ(interps.size(), s.interpreters.size());
    for (std::size_t i = 0; i < s.interpreters.size(); ++i) {
        EXPECT_EQ(interps[i].at("interpreter_id"), s.interpreters[i].id);
        const nlohmann::json& threads = interps[i].at("threads");
        ASSERT_EQ(threads.size(), s.interpreters[i].threads.size());
        for (std::size_t t = 0; t < threads.size(); ++t) {
            EXPECT_EQ(threads[t].at("thread_id"), s.interpreters[i].threads[t].tid);
            EXPECT_EQ(threads[t].at("task_count"), s.interpreters[i].threads[t].tasks.size());
        }
    }
}

// `tasks` must list every task of the snapshot in order (ndjson lines have an extra "type").
inline void expect_tasks(const nlohmann::json& tasks, const Snapshot& s) {
    std::size_t k = 0;
    for (const Interpreter& interp : s.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                ASSERT_LT(k, tasks.size());
                const nlohmann::json& j = tasks[k++];
                SCOPED_TRACE(j.dump());
                EXPECT_EQ(j.at("id"), hex_id(task.id));
                EXPECT_EQ(j.at("address"), task.id);
                EXPECT_EQ(j.at("name"), json_value_of(task.name));
                EXPECT_EQ(j.at("interpreter_id"), interp.id);
                EXPECT_EQ(j.at("thread_id"), thread.tid);
                expect_frames(j.at("frames"), s.frames_of(task), s);
                const nlohmann::json& by = j.at("awaited_by");
                const std::span<const Awaiter> awaiters = s.awaiters_of(task);
                ASSERT_EQ(by.size(), awaiters.size());
                for (std::size_t a = 0; a < by.size(); ++a) {
                    const Awaiter& want = awaiters[a];
                    EXPECT_EQ(by[a].at("id"), hex_id(want.id));
                    EXPECT_EQ(by[a].at("address"), want.id);
                    if (const Task* parent = find_task(s, want.id)) {
                        EXPECT_EQ(by[a].at("name"), json_value_of(parent->name));
                    } else {
                        EXPECT_TRUE(by[a].at("name").is_null());
                    }
                    expect_frames(by[a].at("frames"), s.frames_of(want), s);
                }
            }
        }
    }
    EXPECT_EQ(k, tasks.size());
}

}  // namespace aps::render::test
