// libFuzzer target: walk_snapshot, render_ps and render_pstree (and the data views) over garbage
// target memory.
// The input first chooses a scenario that FakeImage lays out (version, interpreters, threads,
// tasks, coroutine chains, awaiters, names of every string kind), then a list of mutations: bit
// flips and byte writes, wild and NULL pointers, huge sizes and counts, self-loops and cycles,
// unmapped objects, and debug-offset values that still pass validation (as in production, the
// walker never sees offsets that fail it). A bit of the first byte has the walk read the chains
// on its second thread. Every input must end in a Snapshot or an Error.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "aps/loop_state.hpp"
#include "aps/offsets.hpp"
#include "aps/render.hpp"
#include "aps/walker.hpp"
#include "model/strings.hpp"
#include "support/fake_image.hpp"

namespace aps::fuzz {
namespace {

using test::Addr;
using test::FakeImage;
using test::Fn;
using test::Name;

// Consumes the input front to back; an exhausted input reads as zeros.
class Input {
  public:
    Input(const uint8_t* data, std::size_t size) : p_(data), n_(size) {}
    bool empty() const { return n_ == 0; }
    uint8_t u8() {
        if (n_ == 0) return 0;
        --n_;
        return *p_++;
    }
    uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
    uint32_t u32() { return u16() | (uint32_t{u16()} << 16); }
    uint64_t u64() { return u32() | (uint64_t{u32()} << 32); }
    // A number in [0, n).
    uint32_t below(uint32_t n) { return n <= 256 ? u8() % n : u32() % n; }

  private:
    const uint8_t* p_;
    std::size_t n_;
};

// ---- Scenario -------------------------------------------------------------------------------

// A name of any str kind: ASCII, Latin-1, UCS-2 (with surrogates), UCS-4, controls, long.
std::string text(Input& in) {
    static const char* const kFixed[] = {
        "main",
        "worker-1",
        "caf\xc3\xa9",
        "\xe4\xbb\xbb\xe5\x8a\xa1",
        "\xf0\x9f\x90\x8d snake",
        "\xed\xa0\x80",
        "line\nbreak\t\x1b[31m\x7f",
        "",
        "\u202eabc",
        "/usr/lib/a.py",
    };
    uint8_t pick = in.u8();
    if (pick < 2 * std::size(kFixed)) return kFixed[pick % std::size(kFixed)];
    if (pick < 240) {  // code points from the input, in the plane the next byte chooses
        std::string out;
        unsigned count = in.u8() % 12;
        for (unsigned i = 0; i < count; ++i) {
            uint8_t b = in.u8();
            uint32_t cp;
            switch (b >> 6) {
                case 0:
                    cp = b & 0x7F;
                    break;
                case 1:
                    cp = 0x80 + in.u8();
                    break;
                case 2:
                    cp = 0x100 + in.u16() % (0x10000 - 0x100);
                    break;
                default:
                    cp = 0x10000 + in.u32() % (0x110000 - 0x10000);
                    break;
            }
            model::append_utf8(out, cp);
        }
        return out;
    }
    return std::string(200 + in.u8(), static_cast<char>('a' + pick % 26));  // past the 255 cut
}

Fn frame_fn(Input& in) {
    Fn fn;
    fn.function = text(in);
    fn.file = text(in);
    uint8_t b = in.u8();
    // FakeImage writes firstlineno = line - 2: stay clear of int overflow there.
    fn.line = (b & 0x80) ? static_cast<int>(in.u32() % 2000000000u) - 1000000000 : 1 + (b & 0x3F);
    fn.no_line = b & 0x40;
    uint8_t via = in.u8() % 4;
    fn.via = via == 1   ? Fn::Via::AsyncGenAsend
             : via == 2 ? Fn::Via::AsyncGenAthrow
                        : Fn::Via::Coroutine;
    return fn;
}

Name task_name(Input& in, FakeImage& img) {
    switch (in.u8() % 8) {
        case 0:
            return Name::number(in.u8());
        case 1:
            return Name::number(static_cast<int64_t>(in.u64()));
        case 2: {
            std::vector<uint32_t> digits(in.u8() % 8);
            for (auto& d : digits) d = in.u32();
            return Name::object(img.long_digits(digits, in.u8() & 1));
        }
        case 3:
            return Name::object(img.str(text(in), test::StrLayout::Legacy));
        case 4:
            return Name::object(in.u8() & 1 ? img.add_future() : img.bytes({}));
        default:
            return Name(text(in));
    }
}

// Objects worth aiming at, by kind, with the fields a mutation is most likely to break.
enum Kind {
    kRuntime,
    kInterp,
    kThread,
    kListHead,
    kTask,
    kCoro,
    kCode,
    kStr,
    kBytes,
    kLong,
    kSet,
    kSetTable,
    kType,
    kWrapper,
    kFuture,
    kFrame,    // a frame of a thread's own stack (aps dump)
    kBuiltin,  // a built-in function or method descriptor a frame is calling
    kKinds
};

struct Field {
    uint64_t offset;
    unsigned width;
};

struct Target {
    Addr addr;
    Kind kind;
};

class Scenario {
  public:
    Scenario(Input& in, FakeImage& img) : img_(img) {
        build(in);
        discover();
    }

    const std::vector<Target>& targets() const { return targets_; }
    std::vector<Field> fields(Kind kind) const;

  private:
    void build(Input& in);
    void call(Input& in, Addr frame);
    void discover();
    void add(Addr addr, Kind kind) {
        if (addr != 0 && seen_.insert(addr).second) targets_.push_back({addr, kind});
    }

    FakeImage& img_;
    std::vector<Addr> interps_, threads_, lists_, tasks_, futures_, frames_, builtins_;
    std::vector<Target> targets_;
    std::set<Addr> seen_;
};

// The frame at `frame` (a thread's innermost Python frame) waits in a call of a built-in: a
// module's function, one bound to an object, or a C type's method; each call instruction's
// stack layout, with an EXTENDED_ARG past 255 arguments. Or in no call.
void Scenario::call(Input& in, Addr frame) {
    static constexpr std::string_view kCalls[] = {"CALL", "CALL_KW", "CALL_FUNCTION_EX",
                                                  "CALL_BUILTIN_O (CALL)"};
    const uint8_t how = in.u8();
    if (how < 64) return;
    Addr callable = 0;
    if (how < 128) {
        callable = img_.builtin_function("time", "sleep");
    } else if (how < 192) {
        callable = img_.builtin_function("", "acquire", img_.integer(how));
    } else {
        callable = img_.method_descriptor(img_.type("_socket.socket", 0, false), "recv");
    }
    builtins_.push_back(callable);
    const uint16_t nargs = how & 1 ? 300 : how % 4;
    img_.set_call(frame, kCalls[(how >> 1) % std::size(kCalls)], nargs, callable);
}

void Scenario::build(Input& in) {
    interps_.push_back(img_.main_interpreter());
    for (unsigned i = in.u8() % 3; i > 0; --i) interps_.push_back(img_.add_interpreter(i));
    for (Addr interp : interps_) {
        lists_.push_back(img_.exited_tasks(interp));
        for (unsigned t = in.u8() % 4; t > 0; --t) {
            Addr thread = img_.add_thread(interp, 1000 + threads_.size());
            threads_.push_back(thread);
            lists_.push_back(img_.tasks_of(thread));
        }
    }
    for (unsigned n = in.u8() % 9; n > 0; --n) {
        Addr list = lists_[in.below(static_cast<uint32_t>(lists_.size()))];
        Name name = task_name(in, img_);
        std::vector<Fn> chain(in.u8() % 6);
        for (auto& fn : chain) fn = frame_fn(in);
        tasks_.push_back(img_.add_task(list, name, chain));
    }
    // Each thread's own stack (read by aps dump and watch): entry frames, Python frames, frames
    // being torn down, and a task's coroutine being stepped, which the thread then runs.
    for (Addr thread : threads_) {
        std::vector<test::ThreadFrame> stack;
        Addr running = 0;
        for (unsigned n = in.u8() % 6; n > 0; --n) {
            const uint8_t what = in.u8();
            if (what < 40) {
                stack.push_back(test::ThreadFrame::entry());
            } else if (what < 60) {
                stack.push_back(test::ThreadFrame::clearing());
            } else if (what < 90 && !tasks_.empty() && running == 0) {
                running = tasks_[what % tasks_.size()];
                stack.push_back(test::ThreadFrame::running(img_.coroutines(running).empty()
                                                               ? img_.coroutine({frame_fn(in)})
                                                               : img_.coroutines(running).front()));
            } else {
                stack.push_back(test::ThreadFrame{frame_fn(in)});
            }
        }
        const auto addrs = img_.set_stack(thread, stack);
        for (Addr f : addrs) frames_.push_back(f);
        // The innermost frame waiting in a built-in (what names a blocked loop's call).
        if (!stack.empty() && stack.back().kind == test::ThreadFrame::Kind::Python) {
            call(in, addrs.back());
        }
        if (running != 0) img_.set_running(thread, img_.alloc(16), running);
        if (in.u8() & 1) img_.set_holds_gil(thread, true);
        if (in.u8() & 1) img_.push_handled_exception(thread, in.u8() & 1 ? img_.integer(1) : 0);
    }
    if (tasks_.empty()) return;
    for (unsigned n = in.u8() % 10; n > 0; --n) {
        Addr child = tasks_[in.below(static_cast<uint32_t>(tasks_.size()))];
        uint8_t how = in.u8();
        if (how < 32) {
            img_.add_dummy_awaiter(child);
        } else if (how < 64) {
            futures_.push_back(img_.add_future());
            img_.await(child, futures_.back());
        } else {  // any task, itself included: cycles are the renderer's business
            img_.await(child, tasks_[how % tasks_.size()]);
        }
    }
}

void Scenario::discover() {
    auto& mem = img_.memory();
    const auto& off = img_.offsets();
    const auto& aio = img_.asyncio();
    add(img_.runtime(), kRuntime);
    for (Addr a : interps_) add(a, kInterp);
    for (Addr a : threads_) add(a, kThread);
    for (Addr a : lists_) add(a, kListHead);
    for (Addr a : futures_) add(a, kFuture);
    for (Addr a : frames_) add(a, kFrame);
    for (Addr a : builtins_) add(a, kBuiltin);
    add(img_.pending_future(), kFuture);
    const auto& ty = img_.types();
    for (Addr a : {ty.str, ty.integer, ty.bytes, ty.code, ty.coroutine, ty.async_gen, ty.asend,
                   ty.athrow, ty.generator, ty.task, ty.future, ty.set, ty.set_dummy}) {
        add(a, kType);
    }
    auto type_of = [&](Addr a) { return mem.get<uint64_t>(a + off.pyobject.ob_type); };
    auto add_str = [&](Addr s) {
        if (type_of(s) == ty.str) add(s, kStr);
    };
    for (Addr task : tasks_) {
        add(task, kTask);
        Addr name = mem.get<uint64_t>(task + aio.task_object.task_name);
        Addr name_type = type_of(name);
        add(name, name_type == ty.str ? kStr : name_type == ty.integer ? kLong : kBytes);
        if (mem.get<uint8_t>(task + aio.task_object.task_awaited_by_is_set)) {
            Addr set = mem.get<uint64_t>(task + aio.task_object.task_awaited_by);
            add(set, kSet);
            add(mem.get<uint64_t>(set + off.set_object.table), kSetTable);
        }
        for (Addr coro : img_.coroutines(task)) {
            add(coro, kCoro);
            Addr awaited = mem.get<uint64_t>(coro + off.gen_object.size);
            if (type_of(awaited) == ty.asend || type_of(awaited) == ty.athrow)
                add(awaited, kWrapper);
            Addr code = mem.get<uint64_t>(coro + off.gen_object.gi_iframe +
                                          off.interpreter_frame.executable) &
                        ~uint64_t{3};
            add(code, kCode);
            add_str(mem.get<uint64_t>(code + off.code_object.qualname));
            add_str(mem.get<uint64_t>(code + off.code_object.filename));
            add(mem.get<uint64_t>(code + off.code_object.linetable), kBytes);
        }
    }
}

std::vector<Field> Scenario::fields(Kind kind) const {
    const auto& d = img_.offsets();
    const auto& a = img_.asyncio();
    const uint64_t ob_type = d.pyobject.ob_type;
    switch (kind) {
        case kRuntime:
            return {{d.runtime_state.interpreters_head, 8}};
        case kInterp:
            return {{d.interpreter_state.id, 8},
                    {d.interpreter_state.next, 8},
                    {d.interpreter_state.threads_head, 8},
                    {a.interpreter_state.asyncio_tasks_head, 8},
                    {a.interpreter_state.asyncio_tasks_head + 8, 8}};
        case kThread:
            return {{d.thread_state.next, 8},
                    {d.thread_state.native_thread_id, 8},
                    {a.thread_state.asyncio_tasks_head, 8},
                    {a.thread_state.asyncio_tasks_head + 8, 8},
                    {d.thread_state.current_frame, 8},
                    {d.thread_state.holds_gil, 4},
                    {d.thread_state.exc_info, 8},
                    {a.thread_state.asyncio_running_task, 8}};
        case kFrame:
            return {{d.interpreter_frame.previous, 8},
                    {d.interpreter_frame.executable, 8},
                    {d.interpreter_frame.instr_ptr, 8},
                    {d.interpreter_frame.owner, 1},
                    {d.interpreter_frame.stackpointer, 8}};
        case kBuiltin:  // m_ml/d_type, m_self, m_module, d_method
            return {{ob_type, 8},
                    {d.calls.m_ml, 8},
                    {d.calls.m_self, 8},
                    {d.calls.m_module, 8},
                    {d.calls.d_method, 8}};
        case kListHead:
            return {{0, 8}, {8, 8}};
        case kTask:
        case kFuture:
            return {{ob_type, 8},
                    {a.task_object.task_name, 8},
                    {a.task_object.task_awaited_by, 8},
                    {a.task_object.task_is_task, 1},
                    {a.task_object.task_awaited_by_is_set, 1},
                    {a.task_object.task_coro, 8},
                    {a.task_object.task_node, 8},
                    {a.task_object.task_node + 8, 8}};
        case kCoro: {
            uint64_t f = d.gen_object.gi_iframe;
            return {{ob_type, 8},
                    {d.gen_object.gi_frame_state, 1},
                    {f + d.interpreter_frame.executable, 8},
                    {f + d.interpreter_frame.instr_ptr, 8},
                    {f + d.interpreter_frame.owner, 1},
                    {f + d.interpreter_frame.stackpointer, 8},
                    {d.gen_object.size, 8}};
        }
        case kCode:
            return {{d.code_object.qualname, 8},
                    {d.code_object.filename, 8},
                    {d.code_object.linetable, 8},
                    {d.code_object.firstlineno, 4}};
        case kStr:
            return {{ob_type, 8},
                    {d.unicode_object.length, 8},
                    {d.unicode_object.state, 4},
                    {d.unicode_object.compactunicodeobject_size, 8},
                    {d.unicode_object.asciiobject_size, 1}};
        case kBytes:
            return {{ob_type, 8},
                    {d.bytes_object.ob_size, 8},
                    {d.bytes_object.ob_sval, 1},
                    {d.bytes_object.ob_sval + 1, 1},
                    {d.bytes_object.ob_sval + 2, 1}};
        case kLong:
            return {{ob_type, 8}, {d.long_object.lv_tag, 8}, {d.long_object.ob_digit, 4}};
        case kSet:
            return {{ob_type, 8},
                    {d.set_object.used, 8},
                    {d.set_object.mask, 8},
                    {d.set_object.table, 8}};
        case kSetTable:
            return {{0, 8}, {16, 8}, {48, 8}, {80, 8}, {112, 8}};
        case kType:
            return {{d.type_object.tp_name, 8}, {d.type_object.tp_flags, 8}};
        case kWrapper:
            return {{ob_type, 8}, {16, 8}};
        case kKinds:
            break;
    }
    return {};
}

// ---- Mutations ------------------------------------------------------------------------------

class Mutator {
  public:
    Mutator(Input& in, FakeImage& img, const Scenario& sc, DebugOffsets& off, AsyncioOffsets& aio)
        : in_(in),
          img_(img),
          sc_(sc),
          off_(off),
          aio_(aio),
          regions_(img.memory().region_spans()) {}

    void run() {
        for (unsigned n = 0; n < 24 && !in_.empty(); ++n) one();
    }

  private:
    void one();
    uint64_t value();
    Addr some_object() {
        const auto& t = sc_.targets();
        return t.empty() ? 0 : t[in_.below(static_cast<uint32_t>(t.size()))].addr;
    }
    void write(Addr addr, uint64_t v, unsigned width) {
        auto& mem = img_.memory();
        if (!mem.is_mapped(addr, width)) return;
        std::byte buf[8];
        std::memcpy(buf, &v, 8);
        mem.write(addr, std::span<const std::byte>(buf, width));
    }
    void mutate_offsets();

    Input& in_;
    FakeImage& img_;
    const Scenario& sc_;
    DebugOffsets& off_;
    AsyncioOffsets& aio_;
    std::vector<std::pair<uint64_t, uint64_t>> regions_;
};

uint64_t Mutator::value() {
    uint8_t pick = in_.u8();
    switch (pick % 16) {
        case 0:
            return 0;
        case 1:
            return 1;
        case 2:
            return ~uint64_t{0};
        case 3:
            return uint64_t{1} << (in_.u8() % 64);
        case 4:
            return (uint64_t{1} << (in_.u8() % 64)) - 1;
        case 5:
            return static_cast<uint64_t>(-static_cast<int64_t>(in_.u8()));
        case 6:
            return in_.u8();
        case 7:
            return in_.u64();
        case 8:
            return INT64_MAX;
        case 9:
            return static_cast<uint64_t>(INT64_MIN);
        case 10:
            return some_object() + aio_.task_object.task_node;  // a list node
        case 11:
            return some_object() | (in_.u8() & 3);  // tagged
        case 12:
            return some_object() + 8 * static_cast<int8_t>(in_.u8());
        case 13:
            return uint64_t{in_.u8()} << 3;  // a small lv_tag-like or size value
        default:
            return some_object();
    }
}

void Mutator::one() {
    uint8_t op = in_.u8();
    auto& mem = img_.memory();
    switch (op % 8) {
        case 0: {  // bit flip anywhere
            if (regions_.empty()) return;
            auto [start, size] = regions_[in_.below(static_cast<uint32_t>(regions_.size()))];
            if (size == 0) return;
            Addr at = start + in_.u32() % size;
            auto b = mem.get<uint8_t>(at);
            write(at, b ^ (1u << (in_.u8() % 8)), 1);
            return;
        }
        case 1: {  // byte write anywhere
            if (regions_.empty()) return;
            auto [start, size] = regions_[in_.below(static_cast<uint32_t>(regions_.size()))];
            if (size == 0) return;
            write(start + in_.u32() % size, in_.u8(), 1);
            return;
        }
        case 2:
        case 3:
        case 4: {  // a value into a known field of a known object
            const auto& t = sc_.targets();
            if (t.empty()) return;
            const Target& target = t[in_.below(static_cast<uint32_t>(t.size()))];
            auto fields = sc_.fields(target.kind);
            if (fields.empty()) return;
            Field f = fields[in_.below(static_cast<uint32_t>(fields.size()))];
            write(target.addr + f.offset, value(), f.width);
            return;
        }
        case 5: {  // a value at any aligned offset of a known object
            Addr a = some_object();
            write(a + 8 * (in_.u8() % 64), value(), 8);
            return;
        }
        case 6: {  // unmap an object
            Addr a = op & 0x80 ? some_object() : 0;
            if (a == 0 && !regions_.empty()) {
                a = regions_[in_.below(static_cast<uint32_t>(regions_.size()))].first;
            }
            mem.unmap(a);
            return;
        }
        default:
            mutate_offsets();
            return;
    }
}

// Changes one field of the offsets tables, keeping the change only if validation accepts it.
void Mutator::mutate_offsets() {
    DebugOffsets& d = off_;
    AsyncioOffsets& a = aio_;
    uint64_t* const slots[] = {
        &d.runtime_state.size,
        &d.runtime_state.interpreters_head,
        &d.interpreter_state.size,
        &d.interpreter_state.id,
        &d.interpreter_state.next,
        &d.interpreter_state.threads_head,
        &d.interpreter_state.threads_main,
        &d.thread_state.size,
        &d.thread_state.next,
        &d.thread_state.native_thread_id,
        &d.interpreter_frame.size,
        &d.interpreter_frame.executable,
        &d.interpreter_frame.instr_ptr,
        &d.interpreter_frame.owner,
        &d.interpreter_frame.stackpointer,
        &d.code_object.size,
        &d.code_object.filename,
        &d.code_object.qualname,
        &d.code_object.linetable,
        &d.code_object.firstlineno,
        &d.code_object.co_code_adaptive,
        &d.pyobject.ob_type,
        &d.type_object.size,
        &d.type_object.tp_name,
        &d.type_object.tp_flags,
        &d.set_object.size,
        &d.set_object.used,
        &d.set_object.table,
        &d.set_object.mask,
        &d.long_object.size,
        &d.long_object.lv_tag,
        &d.long_object.ob_digit,
        &d.bytes_object.size,
        &d.bytes_object.ob_size,
        &d.bytes_object.ob_sval,
        &d.unicode_object.size,
        &d.unicode_object.state,
        &d.unicode_object.length,
        &d.unicode_object.asciiobject_size,
        &d.unicode_object.compactunicodeobject_size,
        &d.gen_object.size,
        &d.gen_object.gi_iframe,
        &d.gen_object.gi_frame_state,
        &a.task_object.size,
        &a.task_object.task_name,
        &a.task_object.task_awaited_by,
        &a.task_object.task_is_task,
        &a.task_object.task_awaited_by_is_set,
        &a.task_object.task_coro,
        &a.task_object.task_node,
        &a.interpreter_state.size,
        &a.interpreter_state.asyncio_tasks_head,
        &a.thread_state.size,
        &a.thread_state.asyncio_tasks_head,
    };
    uint8_t pick = in_.u8();
    if (pick == 255) {  // the other version's frame knowledge and table shape
        DebugOffsets saved = d;
        int minor = d.minor == 14 ? 15 : 14;
        auto other = test::debian_offsets(minor);
        d.minor = minor;
        d.version_hex = other.version_hex;
        d.frame = other.frame;
        if (!validate_debug_offsets(d) || !validate_asyncio_offsets(a, d)) d = saved;
        return;
    }
    uint64_t* slot = slots[pick % std::size(slots)];
    uint64_t old = *slot;
    uint8_t how = in_.u8();
    switch (how % 6) {
        case 0:
            *slot = old + 8 * (1 + in_.u8() % 8);
            break;
        case 1:
            *slot = old - 8 * (1 + in_.u8() % 8);
            break;
        case 2:
            *slot = uint64_t{in_.u8()} * 8;
            break;
        case 3:
            *slot = in_.u16();
            break;
        case 4:
            *slot = old ^ (uint64_t{1} << (in_.u8() % 64));
            break;
        default:
            *slot = in_.u64();
            break;
    }
    if (!validate_debug_offsets(d) || !validate_asyncio_offsets(a, d)) *slot = old;
}

// What the renderers take on trust: every slice within its array, every frame's code known.
void check_slices(const Snapshot& snapshot) {
    const auto within = [](Slice slice, std::size_t size) {
        return slice.at <= size && slice.n <= size - slice.at;
    };
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            for (const Task& task : thread.tasks) {
                if (!within(task.frames, snapshot.frames.size()) ||
                    !within(task.awaited_by, snapshot.awaiters.size())) {
                    __builtin_trap();
                }
                for (const Awaiter& awaiter : snapshot.awaiters_of(task)) {
                    if (!within(awaiter.frames, snapshot.frames.size())) __builtin_trap();
                }
            }
        }
    }
    for (const Frame& frame : snapshot.frames) {
        if (frame.code >= snapshot.codes.size()) __builtin_trap();
    }
}

// The data views over the same snapshot: the same cycle verdict as the tree, and JSON text
// with no raw control byte (every name escaped) that ends where it should.
void check_data_views(const Snapshot& snapshot, int tree_exit) {
    const auto render = [](auto&& view) {
        std::string text;
        const TreeOutput out = view([&text](std::string_view piece) { text.append(piece); });
        return std::make_pair(std::move(text), out.exit_code);
    };
    for (const View view : {View::Ps, View::PsTree}) {
        const int want = view == View::Ps ? 0 : tree_exit;
        const auto [json, json_exit] = render([&](const OutputSink& sink) {
            return render_json(snapshot, TargetInfo{1}, view, sink);
        });
        const auto [lines, lines_exit] = render([&](const OutputSink& sink) {
            return render_ndjson(snapshot, TargetInfo{1}, view, sink);
        });
        if (json_exit != want || lines_exit != want) __builtin_trap();
        if (json.size() < 3 || json.compare(json.size() - 2, 2, "}\n") != 0) __builtin_trap();
        if (lines.rfind("{\"type\":\"header\"", 0) != 0) __builtin_trap();
        if (lines.compare(lines.size() - 2, 2, "}\n") != 0) __builtin_trap();
        for (const std::string* text : {&json, &lines}) {
            for (const char c : *text) {
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n') __builtin_trap();
            }
        }
    }
    const auto [dot, dot_exit] =
        render([&](const OutputSink& sink) { return render_dot(snapshot, sink); });
    if (dot_exit != tree_exit || dot.compare(dot.size() - 2, 2, "}\n") != 0) __builtin_trap();
}

// aps dump's views over the same snapshot: every thread stack within the frames, the text and
// the JSON made without a trap, the JSON ending where it should.
void check_dump(const Snapshot& snapshot) {
    for (const Interpreter& interp : snapshot.interpreters) {
        for (const Thread& thread : interp.threads) {
            const Slice s = thread.stack.frames;
            if (s.at > snapshot.frames.size() || s.n > snapshot.frames.size() - s.at) {
                __builtin_trap();
            }
        }
    }
    for (DumpStacks stacks :
         {DumpStacks::AllThreads, DumpStacks::AllTasks, DumpStacks::RunningTasks}) {
        DumpView view;
        view.pid = 1;
        view.stacks = stacks;
        view.opcodes = true;
        view.cwd = "/";
        std::string text, json;
        render_dump(snapshot, view, [&](std::string_view piece) { text += piece; });
        if (text.empty() || text.back() != '\n') __builtin_trap();
        const std::vector<ThreadLoop> loops = thread_loops(snapshot, &snapshot, 1.0);
        render_dump_json(snapshot, view, loops, [&](std::string_view piece) { json += piece; });
        if (json.compare(json.size() - 2, 2, "}\n") != 0) __builtin_trap();
    }
}

}  // namespace
}  // namespace aps::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    using namespace aps;
    fuzz::Input in(data, size);
    const uint8_t head = in.u8();
    test::FakeImage img(head & 1 ? 15 : 14, /*lean=*/true);
    fuzz::Scenario scenario(in, img);
    DebugOffsets off = img.offsets();
    AsyncioOffsets aio = img.asyncio();
    fuzz::Mutator(in, img, scenario, off, aio).run();
    if (!validate_debug_offsets(off) || !validate_asyncio_offsets(aio, off)) __builtin_trap();

    // The chain worker: a second thread reads the chains of every task after the first.
    WalkInput input = head & 0x20 ? img.threaded_input() : img.input();
    if (!(head & 0x20)) input.tuning.parallel_from = UINT64_MAX;
    input.offsets = off;
    input.asyncio = (head & 0x0E) == 0x0E ? nullptr : &aio;
    // The first attempt's batched check, or a retry's task-by-task one.
    if (head & 0x10) input.tuning.tasks_per_check = 1;
    // aps dump's and watch's walk: the threads' own stacks too, with every kind of frame.
    if (head & 0x40) {
        input.request.stacks = true;
        input.request.native = head & 0x80;
        input.request.gc = true;
        input.request.detail = head & 0x80;
    }
    auto snapshot = walk_snapshot(img.memory(), input);
    if (!snapshot) {
        if (snapshot.error().message.empty()) __builtin_trap();  // every error says what failed
        return 0;
    }
    fuzz::check_slices(*snapshot);
    std::string ps = render_ps(*snapshot);
    TreeOutput tree = render_pstree(*snapshot);
    if (ps.empty() || (tree.exit_code != 0 && tree.err.empty())) __builtin_trap();
    fuzz::check_data_views(*snapshot, tree.exit_code);
    if (head & 0x40) fuzz::check_dump(*snapshot);
    return 0;
}
