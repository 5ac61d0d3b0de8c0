// Tests of how the walk classifies the objects on a coroutine chain by their type: native
// coroutines and async generators (through the objects that step them) have frames; anything else
// (a class implementing the coroutine protocol, a compiled coroutine) has none that aps can read,
// and is shown with an empty stack and its type named, as the reference shows it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "aps/walker.hpp"
#include "model/types.hpp"
#include "model/walker_test_support.hpp"
#include "support/fake_image.hpp"

namespace aps {
namespace {

using test::Fn;
using test::problems_text;
using test::stack_names;

class CoroKinds : public ::testing::TestWithParam<int> {
  protected:
    test::FakeImage img{GetParam()};
    uint64_t list = img.tasks_of(img.add_thread(1000));

    Snapshot walk() {
        auto r = walk_snapshot(img.memory(), img.input());
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? std::move(*r) : Snapshot{};
    }
    const Task& task(const Snapshot& s, std::size_t i) {
        return s.interpreters.at(0).threads.at(0).tasks.at(i);
    }
    std::string type_of(const Snapshot& s, const Task& t) {
        return t.coro_type < s.type_names.size() ? s.type_names[t.coro_type] : "-";
    }
    // Points the task's coroutine field at `obj`.
    void set_coro(uint64_t t, uint64_t obj) {
        img.memory().put<uint64_t>(t + img.asyncio().task_object.task_coro, obj);
    }
    // An object of `type`, `size` bytes of which the first 32 hold whatever a frame would be
    // read from in a generator: what a class instance with a few attributes looks like.
    uint64_t object_of(uint64_t type, uint64_t size = 64) {
        uint64_t obj = img.alloc(size);
        img.memory().put<uint64_t>(obj + img.offsets().pyobject.ob_type, type);
        for (uint64_t at = 16; at + 8 <= size; at += 8) {
            img.memory().put<uint64_t>(obj + at, 0x4141414141414141);
        }
        return obj;
    }
    // An asend/athrow-like object of `type` stepping `agen`.
    uint64_t step_of(uint64_t type, uint64_t agen) {
        uint64_t obj = img.alloc(32);
        img.memory().put<uint64_t>(obj + img.offsets().pyobject.ob_type, type);
        img.memory().put<uint64_t>(obj + img.offsets().frame.step_agen, agen);
        return obj;
    }
};

TEST_P(CoroKinds, NativeCoroutineNamesItsType) {
    img.add_task(list, "t", {{"main", "/t/p.py", 3}});
    auto s = walk();
    EXPECT_EQ(stack_names(s, task(s, 0).frames), "main");
    EXPECT_EQ(type_of(s, task(s, 0)), "coroutine");
}

// A class implementing send/throw/close/__await__ (aiohttp's _RequestContextManager, say): no
// frames, no problem, its type named. Its bytes where a generator's frame would be are garbage.
TEST_P(CoroKinds, ProtocolObjectHasAnEmptyStackAndItsTypeName) {
    uint64_t t = img.add_task(list, "req", {{"unused", "/t/p.py", 1}});
    img.add_task(list, "other", {{"main", "/t/p.py", 3}});
    const uint64_t heap_flags = model::kTpFlagsHeapType;
    set_coro(t, object_of(img.type("_RequestContextManager", heap_flags, false), 24));
    auto s = walk();
    EXPECT_TRUE(task(s, 0).frames.empty());
    EXPECT_EQ(type_of(s, task(s, 0)), "_RequestContextManager");
    EXPECT_EQ(task(s, 0).marks, 0);
    EXPECT_EQ(stack_names(s, task(s, 1).frames), "main");
    EXPECT_TRUE(s.problems.empty()) << problems_text(s);
}

// A name is not enough: a Python class, or a static type of another module (Cython names its
// coroutine and async-generator types as CPython does), is not the interpreter's own type.
TEST_P(CoroKinds, TypesNamedLikeNativeOnesElsewhereAreOther) {
    uint64_t a = img.add_task(list, "heap", {{"unused", "/t/p.py", 1}});
    uint64_t b = img.add_task(list, "cython", {{"unused", "/t/p.py", 1}});
    uint64_t c = img.add_task(list, "cython-asend", {{"unused", "/t/p.py", 1}});
    set_coro(a, object_of(img.type("coroutine", model::kTpFlagsHeapType, true), 200));
    set_coro(b, object_of(img.type("coroutine", 0, false), 200));
    uint64_t native_agen = img.coroutines(img.add_task(
        list, "agen", {{"c", "/t/p.py", 1}, {"agen", "/t/g.py", 2, Fn::Via::AsyncGenAsend}}))[1];
    set_coro(c, step_of(img.type("async_generator_asend", 0, false), native_agen));
    auto s = walk();
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_TRUE(task(s, i).frames.empty()) << i;
        EXPECT_EQ(task(s, i).marks, 0) << i;
    }
    EXPECT_EQ(type_of(s, task(s, 0)), "coroutine");
    EXPECT_EQ(type_of(s, task(s, 2)), "async_generator_asend");
    EXPECT_TRUE(s.problems.empty()) << problems_text(s);
}

// create_task(agen.__anext__()), asend(v), athrow(e), aclose(): the task's coroutine steps an
// async generator, whose frame and what it awaits are the task's stack.
TEST_P(CoroKinds, AsyncGeneratorStepLeadsToItsGenerator) {
    uint64_t holder = img.add_task(list, "holder",
                                   {{"c", "/t/p.py", 1},
                                    {"agen", "/t/g.py", 2, Fn::Via::AsyncGenAsend},
                                    {"leaf", "/t/p.py", 3},
                                    {"sleep", "/t/tasks.py", 725}});
    const uint64_t agen = img.coroutines(holder)[1];
    uint64_t asend_task = img.add_task(list, "asend", {{"unused", "/t/p.py", 1}});
    uint64_t athrow_task = img.add_task(list, "athrow", {{"unused", "/t/p.py", 1}});
    set_coro(asend_task, step_of(img.types().asend, agen));
    set_coro(athrow_task, step_of(img.types().athrow, agen));
    auto s = walk();
    EXPECT_EQ(stack_names(s, task(s, 1).frames), "sleep -> leaf -> agen");
    EXPECT_EQ(type_of(s, task(s, 1)), "async_generator_asend");
    EXPECT_EQ(stack_names(s, task(s, 2).frames), "sleep -> leaf -> agen");
    EXPECT_EQ(type_of(s, task(s, 2)), "async_generator_athrow");
    EXPECT_TRUE(s.problems.empty()) << problems_text(s);
}

// A step object that steps no async generator is broken: a marker and a problem, and the rest.
TEST_P(CoroKinds, StepOfSomethingElseIsAProblem) {
    uint64_t t = img.add_task(list, "bad-step", {{"unused", "/t/p.py", 1}});
    img.add_task(list, "fine", {{"main", "/t/p.py", 3}});
    uint64_t coro = img.coroutines(img.add_task(list, "c", {{"c", "/t/p.py", 1}}))[0];
    uint64_t step = step_of(img.types().asend, coro);
    set_coro(t, step);
    auto s = walk();
    EXPECT_EQ(stack_names(s, task(s, 0).frames), "<unreadable>");
    EXPECT_EQ(task(s, 0).marks, kStackUnreadable);
    EXPECT_EQ(stack_names(s, task(s, 1).frames), "main");
    EXPECT_EQ(problems_text(s),
              fmt::format("{:#x} stack: async_generator_asend at {:#x} steps a coroutine at "
                          "{:#x}, not an async generator\n",
                          t, step, coro));
}

// A coroutine awaiting a generator (a @types.coroutine one) ends there, as in the reference;
// a coroutine awaiting a coroutine goes on.
TEST_P(CoroKinds, GeneratorAwaitedByACoroutineEndsTheChain) {
    uint64_t t = img.add_task(list, "t", {{"outer", "/t/p.py", 1}, {"inner", "/t/p.py", 2}});
    uint64_t gen_task = img.add_task(list, "g", {{"gen", "/t/p.py", 5}});
    const uint64_t gen = img.coroutines(gen_task)[0];
    img.memory().put<uint64_t>(gen + img.offsets().pyobject.ob_type, img.types().generator);
    img.set_awaited(img.coroutines(t)[0], gen);
    auto s = walk();
    EXPECT_EQ(stack_names(s, task(s, 0).frames), "outer");
    // The generator itself has a frame: as a chain's first object it is read.
    EXPECT_EQ(stack_names(s, task(s, 1).frames), "gen");
    EXPECT_EQ(type_of(s, task(s, 1)), "generator");
}

INSTANTIATE_TEST_SUITE_P(Py, CoroKinds, ::testing::Values(14, 15),
                         [](const auto& info) { return fmt::format("3_{}", info.param); });

}  // namespace
}  // namespace aps
