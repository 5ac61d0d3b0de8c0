// FakeImage: lays out a synthetic CPython 3.14 / 3.15 process in a FakeMemory (runtime →
// interpreters → thread states → task lists → tasks → coroutines → code objects → str/int/bytes,
// awaited-by links and type objects) with the Debian offsets, so the walker can be tested (and
// fuzzed) without Python. Deterministic: the same calls give the same addresses and bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "aps/offsets.hpp"
#include "aps/walker.hpp"
#include "support/fake_memory.hpp"

namespace aps::test {

using Addr = uint64_t;

// The Debian amd64 tables (docs/design.md, "Debug offsets" and "Asyncio offsets") plus the
// frame knowledge, for minor 14 or 15.
DebugOffsets debian_offsets(int minor);
AsyncioOffsets debian_asyncio_offsets(int minor);

// One frame of a coroutine chain. Chains are given outermost first (the task's coroutine first).
struct Fn {
    enum class Via { Coroutine, AsyncGenAsend, AsyncGenAthrow };
    std::string function;
    std::string file;
    int line = 1;
    Via via = Via::Coroutine;  // how the previous frame awaits this one (ignored for the first)
    bool no_line = false;      // the instruction's location-table entry is NONE
};

// A task name: a str (from UTF-8; surrogates in generalized UTF-8), an int, or any object.
struct Name {
    Name(const char* s) : text(s) {}
    Name(std::string s) : text(std::move(s)) {}
    static Name number(int64_t n) {
        Name r("");
        r.text.reset();
        r.num = n;
        return r;
    }
    static Name object(Addr a) {
        Name r("");
        r.text.reset();
        r.obj = a;
        return r;
    }
    std::optional<std::string> text;
    std::optional<int64_t> num;
    Addr obj = 0;
};

enum class StrLayout { Compact, Legacy };

// One frame of a thread's own stack (aps dump). Stacks are given outermost first.
struct ThreadFrame {
    enum class Kind {
        Python,     // a function's frame, owned by the thread
        Entry,      // owned by the interpreter: C code called into Python here
        Clearing,   // a frame with no code object (being set up or torn down)
        Coroutine,  // the embedded frame of the coroutine `coro` (a task's step being run)
    };
    Fn fn;
    Kind kind = Kind::Python;
    Addr coro = 0;  // Kind::Coroutine: a coroutine object made by coroutine() or add_task()
    static ThreadFrame entry() { return ThreadFrame{{}, Kind::Entry}; }
    static ThreadFrame clearing() { return ThreadFrame{{}, Kind::Clearing}; }
    static ThreadFrame running(Addr coro) { return ThreadFrame{{}, Kind::Coroutine, coro}; }
};

class FakeImage {
  public:
    struct Types {
        Addr str, integer, bytes, code, coroutine, async_gen, asend, athrow, generator, task,
            future, set, set_dummy;
    };

    // lean: interpreter states cover only the fields aps reads, not the whole ~220 KB struct
    // (the fuzzer builds thousands of images a second, and ASan maps big blocks page by page).
    explicit FakeImage(int minor, bool lean = false);

    int minor() const { return off_.minor; }
    FakeMemory& memory() { return mem_; }
    const DebugOffsets& offsets() const { return off_; }
    const AsyncioOffsets& asyncio() const { return aio_; }
    const Types& types() const { return types_; }
    Addr runtime() const { return runtime_; }
    // The runtime's "file" holds the types made by type(..., in_image = true).
    WalkInput input() const {
        WalkInput in;
        in.runtime_addr = runtime_;
        in.offsets = off_;
        in.asyncio = &aio_;
        in.runtime_image = image();
        return in;
    }
    WalkInput input_without_asyncio() const {
        WalkInput in = input();
        in.asyncio = nullptr;
        return in;
    }
    std::vector<AddressRange> image() const { return {{kImageStart, image_next_}}; }
    // input(), with the chain worker reading through a second reader of this image from the
    // `parallel_from`-th task of a list on (the image may no longer change).
    WalkInput threaded_input(uint64_t parallel_from = 1) {
        mem_.share_with_threads();
        WalkInput in = input();
        in.tuning.parallel_from = parallel_from;
        in.second_reader = [this] { return mem_.another(); };
        return in;
    }

    // Interpreters and threads. The main interpreter (id 0) exists from the start; new ones and
    // new threads become the head of their list, as in CPython.
    Addr main_interpreter() const { return main_interp_; }
    Addr add_interpreter(int64_t id);
    Addr add_thread(Addr interp, uint64_t native_tid);
    Addr add_thread(uint64_t native_tid) { return add_thread(main_interp_, native_tid); }
    Addr tasks_of(Addr tstate) const { return tstate + aio_.thread_state.asyncio_tasks_head; }
    Addr exited_tasks(Addr interp) const {
        return interp + aio_.interpreter_state.asyncio_tasks_head;
    }

    // A thread's own stack, outermost first (3.15: above its base frame); returns the frames'
    // addresses in the same order. The thread's status fields are set separately.
    std::vector<Addr> set_stack(Addr tstate, const std::vector<ThreadFrame>& frames);
    Addr base_frame(Addr tstate) const;  // 3.15's sentinel at the bottom of the stack (3.14: 0)
    void set_holds_gil(Addr tstate, bool holds);
    void set_gil_requested(Addr tstate, bool requested);  // 3.15 only
    void set_current_exception(Addr tstate, Addr exception);
    // Pushes an item on the thread's stack of handled exceptions (exc_info), holding `exception`
    // (0: an item with none, as a generator's is while it handles none); returns the item.
    Addr push_handled_exception(Addr tstate, Addr exception);
    // The running event loop and the task whose step it runs (asyncio's thread-state fields).
    void set_running(Addr tstate, Addr loop, Addr task);
    void set_gc(Addr interp, bool collecting, Addr frame);
    // The opcode byte at each fake frame's instruction.
    static constexpr uint8_t kOpcode = 0x2A;
    // Built-ins a frame can be calling: a module's C function (a builtin_function_or_method
    // whose m_module is the module's name, or with none, bound to `self`), and a C type's method
    // (a method_descriptor of the type at `type`).
    Addr builtin_function(std::string_view module, std::string_view name, Addr self = 0);
    Addr method_descriptor(Addr type, std::string_view name);
    // Puts the frame at `frame` (a Python frame of set_stack) in the call instruction named
    // `opcode` (as opcode_names names it) with `nargs` arguments (EXTENDED_ARG before it past
    // 255), waiting for `callable`, which its evaluation stack holds where the version puts it.
    void set_call(Addr frame, std::string_view opcode, uint16_t nargs, Addr callable);
    // Room for a Python frame's evaluation stack after the frame (set_call's arguments).
    static constexpr uint64_t kStackRoom = 8 * 300;

    // Tasks. add_task appends to the list whose head node is list_head (tasks_of / exited_tasks).
    Addr add_task(Addr list_head, const Name& name, const std::vector<Fn>& chain);
    Addr add_future();  // a plain asyncio Future (fut_is_task 0), in no list
    // `parent` awaits `child`: parent joins child's awaited-by (one object, then a set).
    void await(Addr child, Addr parent);
    // Adds a deleted (dummy) slot to child's awaited-by set, at the current end of the slots.
    void add_dummy_awaiter(Addr child);
    // The chain's coroutine-like objects, outermost first (async generators, not wrappers).
    const std::vector<Addr>& coroutines(Addr task) const { return tasks_.at(task).coros; }
    // Overwrites what the coroutine-like object `coro` awaits.
    void set_awaited(Addr coro, Addr awaited);

    // Objects.
    Addr alloc(uint64_t size);  // a fresh zeroed region, with an unmapped gap after it
    Addr str(std::string_view utf8, StrLayout layout = StrLayout::Compact);
    Addr integer(int64_t value);
    Addr long_digits(std::span<const uint32_t> digits, bool negative);
    Addr bytes(std::span<const std::byte> data);
    Addr code(const Fn& fn);
    Addr coroutine(const std::vector<Fn>& chain, std::vector<Addr>* objects = nullptr);
    // A type object. in_image: a static type of the interpreter's own file (the image the
    // runtime is in), as CPython's types are; otherwise one of another module's (a Cython
    // extension's) or a class's (with Py_TPFLAGS_HEAPTYPE in tp_flags).
    Addr type(std::string_view tp_name, uint64_t tp_flags, bool in_image = true);
    Addr set_dummy() const { return set_dummy_; }
    Addr pending_future() const { return pending_future_; }

    // Where a frame's instruction pointer points: this code unit of its code object.
    static constexpr uint64_t kInstrUnit = 4;

  private:
    struct TaskRec {
        std::vector<Addr> awaiters;  // 0 = a dummy slot
        std::vector<Addr> coros;
    };
    void write_awaited_by(Addr task);
    Addr gen_object(Addr type, const Fn& fn, Addr awaited);
    Addr method_def(std::string_view name);  // a PyMethodDef naming a C function

    DebugOffsets off_;
    AsyncioOffsets aio_;
    FakeMemory mem_;
    static constexpr Addr kImageStart = 0x600000;
    Addr next_ = 0x7f0000010000;
    Addr image_next_ = kImageStart;  // the interpreter's file: its static objects
    Types types_{};
    Addr runtime_ = 0, main_interp_ = 0, set_dummy_ = 0, pending_future_ = 0;
    bool lean_ = false;
    std::map<Addr, TaskRec> tasks_;
    std::map<std::pair<std::string, int>, Addr> strs_;
    std::map<std::tuple<std::string, std::string, int, bool>, Addr> codes_;
    std::map<Addr, Addr> base_frames_;  // tstate → its base frame (3.15)
};

}  // namespace aps::test
