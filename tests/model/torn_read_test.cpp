// Tests of the walk over a target that changes while it is read: tasks freed, renamed or touched
// between the walker's reads, simulated by a memory that changes the fake image after a read.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aps/walker.hpp"
#include "support/changing_memory.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

using test::Name;

class TornRead : public ::testing::TestWithParam<int> {
  protected:
    test::FakeImage img{GetParam()};
    test::FakeMemory& mem = img.memory();
    uint64_t thread = img.add_thread(1000);
    uint64_t list = img.tasks_of(thread);
    uint64_t a = img.add_task(list, "a", {{"fa", "/t/p.py", 1}});
    uint64_t b = img.add_task(list, "b", {{"fb", "/t/p.py", 2}});
    uint64_t c = img.add_task(list, "c", {{"fc", "/t/p.py", 3}});
    test::ChangingMemory changing{mem};

    uint64_t node(uint64_t task) const { return task + img.asyncio().task_object.task_node; }
    uint64_t name_of(uint64_t task) {
        return mem.get<uint64_t>(task + img.asyncio().task_object.task_name);
    }
    // What TaskObj_dealloc does: unlink the node (NULL links), then clear the name.
    void free_task(uint64_t task) {
        uint64_t next = mem.get<uint64_t>(node(task));
        uint64_t prev = mem.get<uint64_t>(node(task) + 8);
        mem.put<uint64_t>(prev, next);
        mem.put<uint64_t>(next + 8, prev);
        mem.put<uint64_t>(node(task), 0);
        mem.put<uint64_t>(node(task) + 8, 0);
        mem.put<uint64_t>(task + img.asyncio().task_object.task_name, 0);
    }
    Result<Snapshot> walk(uint64_t tasks_per_check) {
        WalkInput input = img.input();
        input.tuning.tasks_per_check = tasks_per_check;
        return walk_snapshot(changing, input);
    }
    static std::vector<std::string> names(const Snapshot& s) {
        std::vector<std::string> out;
        for (const Task& t : s.interpreters.at(0).threads.at(0).tasks) out.push_back(t.name);
        return out;
    }
};

TEST_P(TornRead, TaskFreedWhileItsNameIsReadIsSkippedWhenCheckedOneByOne) {
    changing.after_read_of(name_of(b), [&] { free_task(b); });
    auto s = walk(1);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(changing.changed());
    EXPECT_EQ(names(*s), (std::vector<std::string>{"a", "c"}));
}

TEST_P(TornRead, TaskFreedWhileItsNameIsReadFailsABatch) {
    changing.after_read_of(name_of(b), [&] { free_task(b); });
    auto s = walk(256);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::CorruptData);
    EXPECT_NE(s.error().message.find("finished or was renamed while being read"), std::string::npos)
        << s.error().message;
}

TEST_P(TornRead, TaskFreedBeforeItIsReachedIsSkipped) {
    changing.after_read_of(name_of(a), [&] { free_task(b); });
    auto s = walk(256);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(changing.changed());
    EXPECT_EQ(names(*s), (std::vector<std::string>{"a", "c"}));
}

TEST_P(TornRead, LastTaskFreedBeforeItIsReachedIsSkippedWhenCheckedOneByOne) {
    changing.after_read_of(name_of(b), [&] { free_task(c); });
    auto s = walk(1);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(changing.changed());
    EXPECT_EQ(names(*s), (std::vector<std::string>{"a", "b"}));
}

TEST_P(TornRead, TaskRenamedWhileItsNameIsReadIsReadAgain) {
    const uint64_t renamed = img.str("b-renamed");
    changing.after_read_of(
        name_of(b), [&] { mem.put<uint64_t>(b + img.asyncio().task_object.task_name, renamed); });
    auto s = walk(1);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(names(*s), (std::vector<std::string>{"a", "b-renamed", "c"}));
}

TEST_P(TornRead, NameBytesChangedUnderTheSamePointerAreTorn) {
    // A freed name whose memory now holds another str of the same length, still pointed to.
    const uint64_t name = name_of(b);
    const uint64_t data = name + img.offsets().unicode_object.asciiobject_size;
    changing.after_read_of(data, [&] { mem.put<uint8_t>(data, 'x'); });
    auto s = walk(256);
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("finished or was renamed"), std::string::npos);
}

TEST_P(TornRead, NameReferenceCountChangesAreNotTorn) {
    // The target looking at a name (task.get_name()) changes only its reference count.
    const uint64_t name = name_of(b);
    changing.after_read_of(name + img.offsets().unicode_object.length,
                           [&] { mem.put<uint64_t>(name, mem.get<uint64_t>(name) + 3); });
    for (uint64_t per_check : {1u, 256u}) {
        auto s = walk(per_check);
        ASSERT_TRUE(s) << s.error().message;
        EXPECT_EQ(names(*s), (std::vector<std::string>{"a", "b", "c"}));
    }
    EXPECT_TRUE(changing.changed());
}

TEST_P(TornRead, PredecessorReusedByAnotherTaskIsNotFollowed) {
    // b is freed while its name is read, and a's memory meanwhile holds a new task at the list's
    // tail: following a's link now would drop c, which never left. The walk fails instead.
    const uint64_t other = img.str("new");
    changing.after_read_of(name_of(b), [&] {
        free_task(b);
        free_task(a);
        const uint64_t tail = mem.get<uint64_t>(list + 8);
        mem.put<uint64_t>(node(a), list);
        mem.put<uint64_t>(node(a) + 8, tail);
        mem.put<uint64_t>(tail, node(a));
        mem.put<uint64_t>(list + 8, node(a));
        mem.put<uint64_t>(a + img.asyncio().task_object.task_name, other);
    });
    auto s = walk(1);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::CorruptData);
}

// A task whose name cannot be read, also fresh, while it stays linked is broken, not leaving:
// it is kept with a marker for a name, and reported.
TEST_P(TornRead, AGenuinelyBrokenNameIsThatTasksProblem) {
    mem.put<uint64_t>(b + img.asyncio().task_object.task_name, 0);
    for (uint64_t per_check : {1u, 256u}) {
        auto s = walk(per_check);
        ASSERT_TRUE(s) << s.error().message;
        const auto& tasks = s->interpreters.at(0).threads.at(0).tasks;
        ASSERT_EQ(tasks.size(), 3u);
        EXPECT_EQ(tasks[1].name, "<unreadable>");
        EXPECT_EQ(tasks[1].marks, kNameUnreadable);
        ASSERT_EQ(s->problems.size(), 1u);
        EXPECT_EQ(s->problems[0].task, b);
        EXPECT_EQ(s->problems[0].part, Problem::Part::Name);
        EXPECT_NE(s->problems[0].what.find("task has no name"), std::string::npos)
            << s->problems[0].what;
    }
}

INSTANTIATE_TEST_SUITE_P(Versions, TornRead, ::testing::Values(14, 15));

}  // namespace
}  // namespace aps
