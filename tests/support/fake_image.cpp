// FakeImage: a synthetic CPython process laid out in FakeMemory (see fake_image.hpp).
#include "support/fake_image.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "read/call_layout.hpp"
#include "read/opcode_names.hpp"

namespace aps::test {
namespace {

constexpr uint64_t kLongSubclass = uint64_t{1} << 24;
constexpr uint64_t kUnicodeSubclass = uint64_t{1} << 28;

uint64_t round_up(uint64_t v, uint64_t a) {
    return (v + a - 1) / a * a;
}

// Generalized UTF-8 → code points (3-byte surrogate forms accepted). Bad input aborts: it is a
// bug in the test, not data under test.
std::vector<uint32_t> code_points(std::string_view s) {
    std::vector<uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        auto b = static_cast<unsigned char>(s[i]);
        int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) std::abort();
        uint32_t cp = n == 1 ? b : n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
        for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += n;
    }
    return out;
}

void push_varint(std::vector<std::byte>& t, uint64_t v) {
    while (v >= 64) {
        t.push_back(std::byte(0x40 | (v & 63)));
        v >>= 6;
    }
    t.push_back(std::byte(v));
}

void push_svarint(std::vector<std::byte>& t, int64_t v) {
    push_varint(t, v < 0 ? (static_cast<uint64_t>(-v) << 1) | 1 : static_cast<uint64_t>(v) << 1);
}

std::byte entry_start(unsigned code, unsigned length) {
    return std::byte(0x80 | (code << 3) | (length - 1));
}

}  // namespace

DebugOffsets debian_offsets(int minor) {
    const bool v15 = minor == 15;
    DebugOffsets d;
    d.version_hex = v15 ? 0x030F02F0 : 0x030E0AF0;
    d.major = 3;
    d.minor = v15 ? 15 : 14;
    d.free_threaded = false;
    d.runtime_state = {v15 ? 346568u : 316616u, v15 ? 936u : 808u};
    d.interpreter_state = {v15 ? 226240u : 225864u, v15 ? 7272u : 7280u, v15 ? 7264u : 7272u,
                           v15 ? 7336u : 7344u,     v15 ? 7352u : 7360u, v15 ? 7400u : 7408u};
    d.thread_state = {.size = v15 ? 888u : 832u,
                      .next = 8,
                      .native_thread_id = v15 ? 184u : 160u,
                      .current_frame = 72,
                      .base_frame = v15 ? 80u : 0u,
                      .status = 32,
                      .holds_gil = 36,
                      .gil_requested = v15 ? 40u : 0u,
                      .current_exception = v15 ? 136u : 112u,
                      .exc_info = v15 ? 144u : 120u};
    d.err_stackitem = {0, 8};
    d.interpreter_frame = {88, 0, 56, 74, 64, 8};
    d.code_object = {216, 112, 128, 136, 68, 208};
    d.pyobject = {8};
    d.type_object = {v15 ? 424u : 416u, 24, 168};
    d.set_object = {200, 24, 40, 32};
    d.long_object = {32, 16, 24};
    d.bytes_object = {40, 16, 32};
    d.unicode_object = {64, 32, 16, 40, 56};
    d.gen_object = {160, 72, 67};
    d.gc = {v15 ? 176u : 264u, v15 ? 112u : 192u, v15 ? 120u : 0u};
    d.llist_node = {0, 8};
    d.opcode_names = read::opcode_names(d.minor);
    d.calls = {.callable = read::callable_slots(d.opcode_names),
               .extended_arg = read::extended_arg_opcode(d.opcode_names),
               .m_ml = 16,
               .m_self = 24,
               .m_module = 32,
               .d_type = 16,
               .d_method = 40,
               .ml_name = 0};
    if (v15) {
        d.frame = {.suspended_yield_from = 2,
                   .cleared = 5,
                   .first_state = 0,
                   .last_state = 4,
                   .owned_by_thread = 0,
                   .owned_by_generator = 1,
                   .owned_by_interpreter = 3,
                   .owned_by_cstack = -1,
                   .awaited_slot = 2,
                   .step_agen = 16};
    } else {
        d.frame = {.suspended_yield_from = -1,
                   .cleared = 4,
                   .first_state = -3,
                   .last_state = 1,
                   .owned_by_thread = 0,
                   .owned_by_generator = 1,
                   .owned_by_interpreter = 3,
                   .owned_by_cstack = 4,
                   .awaited_slot = 1,
                   .step_agen = 16};
    }
    return d;
}

AsyncioOffsets debian_asyncio_offsets(int minor) {
    const bool v15 = minor == 15;
    AsyncioOffsets a;
    a.task_object = {168, 136, 96, 108, 109, 128, 152};
    a.interpreter_state = {v15 ? 226240u : 225864u, v15 ? 10856u : 10880u};
    a.thread_state = {v15 ? 1104u : 936u, v15 ? 1048u : 880u, v15 ? 1024u : 864u,
                      v15 ? 1032u : 872u};
    return a;
}

FakeImage::FakeImage(int minor, bool lean)
    : off_(debian_offsets(minor)), aio_(debian_asyncio_offsets(minor)), lean_(lean) {
    types_.str = type("str", kUnicodeSubclass);
    types_.integer = type("int", kLongSubclass);
    types_.bytes = type("bytes", 0);
    types_.code = type("code", 0);
    types_.coroutine = type("coroutine", 0);
    types_.async_gen = type("async_generator", 0);
    types_.asend = type("async_generator_asend", 0);
    types_.athrow = type("async_generator_athrow", 0);
    types_.generator = type("generator", 0);
    types_.task = type("_asyncio.Task", 0);
    types_.future = type("_asyncio.Future", 0);
    types_.set = type("set", 0);
    types_.set_dummy = type("<dummy key> type", 0);

    set_dummy_ = alloc(16);  // just a header, like setobject.c's _dummy_struct
    mem_.put<uint64_t>(set_dummy_ + off_.pyobject.ob_type, types_.set_dummy);
    pending_future_ = add_future();

    runtime_ = alloc(off_.runtime_state.interpreters_head + 64);
    main_interp_ = add_interpreter(0);
}

Addr FakeImage::alloc(uint64_t size) {
    Addr a = next_;
    mem_.map(a, size);
    next_ += round_up(size, 16) + 16;  // the gap makes any over-read fail
    return a;
}

Addr FakeImage::type(std::string_view tp_name, uint64_t tp_flags, bool in_image) {
    Addr name = alloc(tp_name.size() + 1);
    mem_.write(name, std::as_bytes(std::span(tp_name.data(), tp_name.size())));
    Addr t = next_;
    if (in_image) {
        std::swap(next_, image_next_);
        t = alloc(off_.type_object.size);
        std::swap(next_, image_next_);
    } else {
        t = alloc(off_.type_object.size);
    }
    mem_.put<uint64_t>(t + off_.type_object.tp_name, name);
    mem_.put<uint64_t>(t + off_.type_object.tp_flags, tp_flags);
    return t;
}

Addr FakeImage::add_interpreter(int64_t id) {
    const auto& is = off_.interpreter_state;
    uint64_t size = std::max(is.size, aio_.interpreter_state.size);
    if (lean_) {
        size = std::max({is.id, is.next, is.threads_head, is.threads_main}) + 8;
        size = std::max(size, aio_.interpreter_state.asyncio_tasks_head + 16);
        size = std::max(size, is.gc + off_.gc.size);
    }
    Addr interp = alloc(size);
    mem_.put<int64_t>(interp + is.id, id);
    Addr head_slot = runtime_ + off_.runtime_state.interpreters_head;
    mem_.put<uint64_t>(interp + is.next, mem_.get<uint64_t>(head_slot));
    mem_.put<uint64_t>(head_slot, interp);
    Addr tasks = exited_tasks(interp);  // empty circular list: head points at itself
    mem_.put<uint64_t>(tasks + off_.llist_node.next, tasks);
    mem_.put<uint64_t>(tasks + off_.llist_node.prev, tasks);
    return interp;
}

Addr FakeImage::add_thread(Addr interp, uint64_t native_tid) {
    const auto& is = off_.interpreter_state;
    Addr t = alloc(std::max(off_.thread_state.size, aio_.thread_state.size));
    mem_.put<uint64_t>(t + off_.thread_state.native_thread_id, native_tid);
    mem_.put<uint64_t>(t + off_.thread_state.next, mem_.get<uint64_t>(interp + is.threads_head));
    mem_.put<uint64_t>(interp + is.threads_head, t);
    if (mem_.get<uint64_t>(interp + is.threads_main) == 0) {
        mem_.put<uint64_t>(interp + is.threads_main, t);
    }
    Addr tasks = tasks_of(t);
    mem_.put<uint64_t>(tasks + off_.llist_node.next, tasks);
    mem_.put<uint64_t>(tasks + off_.llist_node.prev, tasks);
    // The thread's stack starts empty: 3.15's current frame is its base frame, 3.14's NULL.
    const auto& ts = off_.thread_state;
    // exc_info points at the thread state's own item (exc_state: 256 in 3.14, 288 in 3.15), which
    // holds no exception.
    mem_.put<uint64_t>(t + ts.exc_info, t + (off_.minor == 15 ? 288 : 256));
    if (ts.base_frame != 0) {
        Addr base = alloc(off_.interpreter_frame.size);
        mem_.put<uint8_t>(base + off_.interpreter_frame.owner, off_.frame.owned_by_interpreter);
        // Like an entry frame, it holds an object that is no code object (None in CPython).
        mem_.put<uint64_t>(base + off_.interpreter_frame.executable, set_dummy_);
        mem_.put<uint64_t>(t + ts.base_frame, base);
        mem_.put<uint64_t>(t + ts.current_frame, base);
        base_frames_[t] = base;
    }
    return t;
}

Addr FakeImage::base_frame(Addr tstate) const {
    auto it = base_frames_.find(tstate);
    return it == base_frames_.end() ? 0 : it->second;
}

std::vector<Addr> FakeImage::set_stack(Addr tstate, const std::vector<ThreadFrame>& frames) {
    const auto& f = off_.interpreter_frame;
    const auto& k = off_.frame;
    std::vector<Addr> out;
    Addr previous = base_frame(tstate);
    for (const ThreadFrame& tf : frames) {
        Addr frame = 0;
        if (tf.kind == ThreadFrame::Kind::Coroutine) {
            frame = tf.coro + off_.gen_object.gi_iframe;
            // A coroutine whose step runs is executing, its frame linked into the thread's.
            mem_.put<int8_t>(tf.coro + off_.gen_object.gi_frame_state, k.last_state);
        } else {
            frame = alloc(tf.kind == ThreadFrame::Kind::Python ? f.size + kStackRoom : f.size);
            if (tf.kind == ThreadFrame::Kind::Python) {
                Addr code_addr = code(tf.fn);
                mem_.put<uint64_t>(frame + f.executable, code_addr | 1);
                mem_.put<uint64_t>(frame + f.instr_ptr,
                                   code_addr + off_.code_object.co_code_adaptive + 2 * kInstrUnit);
                mem_.put<uint8_t>(frame + f.owner, k.owned_by_thread);
            } else if (tf.kind == ThreadFrame::Kind::Entry) {
                mem_.put<uint64_t>(frame + f.executable, set_dummy_);  // any object: not a code
                mem_.put<uint8_t>(frame + f.owner, k.owned_by_interpreter);
            } else {
                mem_.put<uint8_t>(frame + f.owner, k.owned_by_thread);
            }
        }
        mem_.put<uint64_t>(frame + f.previous, previous);
        previous = frame;
        out.push_back(frame);
    }
    mem_.put<uint64_t>(tstate + off_.thread_state.current_frame, previous);
    return out;
}

Addr FakeImage::method_def(std::string_view name) {
    Addr def = alloc(32);  // a PyMethodDef
    Addr text = alloc(name.size() + 1);
    mem_.write(text, std::as_bytes(std::span(name.data(), name.size())));
    mem_.put<uint64_t>(def + off_.calls.ml_name, text);
    return def;
}

Addr FakeImage::builtin_function(std::string_view module, std::string_view name, Addr self) {
    const auto& c = off_.calls;
    const Addr def = method_def(name);
    Addr fn = alloc(c.m_module + 24);
    mem_.put<uint64_t>(fn + off_.pyobject.ob_type, type("builtin_function_or_method", 0));
    mem_.put<uint64_t>(fn + c.m_ml, def);
    mem_.put<uint64_t>(fn + c.m_self, self);
    mem_.put<uint64_t>(fn + c.m_module, module.empty() ? 0 : str(module));
    return fn;
}

Addr FakeImage::method_descriptor(Addr owner, std::string_view name) {
    const auto& c = off_.calls;
    const Addr def = method_def(name);
    Addr descr = alloc(c.d_method + 16);
    mem_.put<uint64_t>(descr + off_.pyobject.ob_type, type("method_descriptor", 0));
    mem_.put<uint64_t>(descr + c.d_type, owner);
    mem_.put<uint64_t>(descr + c.d_method, def);
    return descr;
}

void FakeImage::set_call(Addr frame, std::string_view opcode, uint16_t nargs, Addr callable) {
    const auto& f = off_.interpreter_frame;
    const auto& names = off_.opcode_names;
    const auto byte = [&](std::string_view name) {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end()) throw std::invalid_argument("no opcode " + std::string(name));
        return static_cast<uint8_t>(it - names.begin());
    };
    const uint8_t op = byte(opcode);
    const uint64_t instr = mem_.get<uint64_t>(frame + f.instr_ptr);
    mem_.put<uint8_t>(instr, op);
    mem_.put<uint8_t>(instr + 1, static_cast<uint8_t>(nargs & 0xff));
    if (nargs > 0xff) {
        mem_.put<uint8_t>(instr - 2, byte("EXTENDED_ARG"));
        mem_.put<uint8_t>(instr - 1, static_cast<uint8_t>(nargs >> 8));
    }
    const auto where = off_.calls.callable[op];
    const Addr stack = frame + f.size;
    mem_.put<uint64_t>(stack, callable | 1);  // a tagged _PyStackRef
    mem_.put<uint64_t>(frame + f.stackpointer,
                       stack + 8 * (where.slots + (where.plus_arg ? nargs : 0)));
}

void FakeImage::set_holds_gil(Addr tstate, bool holds) {
    mem_.put<int32_t>(tstate + off_.thread_state.holds_gil, holds ? 1 : 0);
}

void FakeImage::set_gil_requested(Addr tstate, bool requested) {
    if (off_.thread_state.gil_requested == 0) std::abort();  // 3.14 has no such field
    mem_.put<int32_t>(tstate + off_.thread_state.gil_requested, requested ? 1 : 0);
}

void FakeImage::set_current_exception(Addr tstate, Addr exception) {
    mem_.put<uint64_t>(tstate + off_.thread_state.current_exception, exception);
}

Addr FakeImage::push_handled_exception(Addr tstate, Addr exception) {
    const auto& e = off_.err_stackitem;
    Addr item = alloc(16);
    mem_.put<uint64_t>(item + e.exc_value, exception);
    mem_.put<uint64_t>(item + e.previous_item,
                       mem_.get<uint64_t>(tstate + off_.thread_state.exc_info));
    mem_.put<uint64_t>(tstate + off_.thread_state.exc_info, item);
    return item;
}

void FakeImage::set_running(Addr tstate, Addr loop, Addr task) {
    mem_.put<uint64_t>(tstate + aio_.thread_state.asyncio_running_loop, loop);
    mem_.put<uint64_t>(tstate + aio_.thread_state.asyncio_running_task, task);
}

void FakeImage::set_gc(Addr interp, bool collecting, Addr frame) {
    const auto& gc = off_.gc;
    const Addr state = interp + off_.interpreter_state.gc;
    mem_.put<int32_t>(state + gc.collecting, collecting ? 1 : 0);
    if (gc.frame != 0) mem_.put<uint64_t>(state + gc.frame, frame);
}

Addr FakeImage::str(std::string_view utf8, StrLayout layout) {
    auto key = std::make_pair(std::string(utf8), static_cast<int>(layout));
    if (auto it = strs_.find(key); it != strs_.end()) return it->second;
    const auto& u = off_.unicode_object;
    auto cps = code_points(utf8);
    uint32_t max = 0;
    for (auto cp : cps) max = std::max(max, cp);
    unsigned kind = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
    bool ascii = max < 0x80;
    bool compact = layout == StrLayout::Compact;
    uint64_t header = compact ? (ascii ? u.asciiobject_size : u.compactunicodeobject_size)
                              : u.compactunicodeobject_size + 8;
    uint64_t data_bytes = (cps.size() + 1) * kind;
    Addr s = alloc(header + (compact ? data_bytes : 0));
    Addr data = compact ? s + header : alloc(data_bytes);
    mem_.put<uint64_t>(s + off_.pyobject.ob_type, types_.str);
    mem_.put<int64_t>(s + u.length, static_cast<int64_t>(cps.size()));
    mem_.put<int64_t>(s + 24, -1);  // hash
    mem_.put<uint32_t>(s + u.state, (kind << 2) | (compact ? 1u << 5 : 0) | (ascii ? 1u << 6 : 0));
    if (!compact) mem_.put<uint64_t>(s + u.compactunicodeobject_size, data);
    for (std::size_t i = 0; i < cps.size(); ++i) {
        if (kind == 1) mem_.put<uint8_t>(data + i, static_cast<uint8_t>(cps[i]));
        if (kind == 2) mem_.put<uint16_t>(data + 2 * i, static_cast<uint16_t>(cps[i]));
        if (kind == 4) mem_.put<uint32_t>(data + 4 * i, cps[i]);
    }
    strs_.emplace(std::move(key), s);
    return s;
}

Addr FakeImage::long_digits(std::span<const uint32_t> digits, bool negative) {
    const auto& l = off_.long_object;
    Addr n = alloc(l.ob_digit + 4 * std::max<std::size_t>(digits.size(), 1));
    mem_.put<uint64_t>(n + off_.pyobject.ob_type, types_.integer);
    uint64_t sign = digits.empty() ? 1 : negative ? 2 : 0;
    mem_.put<uint64_t>(n + l.lv_tag, (uint64_t{digits.size()} << 3) | sign);
    for (std::size_t i = 0; i < digits.size(); ++i)
        mem_.put<uint32_t>(n + l.ob_digit + 4 * i, digits[i]);
    return n;
}

Addr FakeImage::integer(int64_t value) {
    uint64_t mag = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
    std::vector<uint32_t> digits;
    for (; mag != 0; mag >>= 30) digits.push_back(static_cast<uint32_t>(mag & ((1u << 30) - 1)));
    return long_digits(digits, value < 0);
}

Addr FakeImage::bytes(std::span<const std::byte> data) {
    const auto& b = off_.bytes_object;
    Addr o = alloc(b.ob_sval + data.size() + 1);
    mem_.put<uint64_t>(o + off_.pyobject.ob_type, types_.bytes);
    mem_.put<int64_t>(o + b.ob_size, static_cast<int64_t>(data.size()));
    if (!data.empty()) mem_.write(o + b.ob_sval, data);
    return o;
}

// The location table: units 0–1 (prologue) at firstlineno, units 2–9 (around kInstrUnit) at
// fn.line (or no location), units 10–17 on the same line.
Addr FakeImage::code(const Fn& fn) {
    auto key = std::make_tuple(fn.function, fn.file, fn.line, fn.no_line);
    if (auto it = codes_.find(key); it != codes_.end()) return it->second;
    const auto& c = off_.code_object;
    int firstlineno = fn.line - 2;
    std::vector<std::byte> t;
    t.push_back(entry_start(13, 2));  // NO_COLUMNS, Δ0
    push_svarint(t, 0);
    if (fn.no_line) {
        t.push_back(entry_start(15, 8));  // NONE
    } else {
        t.push_back(entry_start(14, 8));  // LONG: Δline 2, Δend 0, col 4, end col 9
        push_svarint(t, 2);
        push_varint(t, 0);
        push_varint(t, 5);
        push_varint(t, 10);
    }
    t.push_back(entry_start(0, 8));  // SHORT0
    t.push_back(std::byte(0x12));
    Addr table = bytes(t);
    Addr qualname = str(fn.function);
    Addr filename = str(fn.file);
    Addr code = alloc(c.co_code_adaptive + 2 * 18);
    mem_.put<uint64_t>(code + off_.pyobject.ob_type, types_.code);
    mem_.put<uint64_t>(code + c.qualname, qualname);
    mem_.put<uint64_t>(code + c.filename, filename);
    mem_.put<uint64_t>(code + c.linetable, table);
    mem_.put<int32_t>(code + c.firstlineno, firstlineno);
    mem_.put<uint8_t>(code + c.co_code_adaptive + 2 * kInstrUnit, kOpcode);
    codes_.emplace(key, code);
    return code;
}

Addr FakeImage::gen_object(Addr type, const Fn& fn, Addr awaited) {
    const auto& g = off_.gen_object;
    const auto& f = off_.interpreter_frame;
    const auto& k = off_.frame;
    Addr code_addr = code(fn);
    Addr gen = alloc(g.size + 32);  // the frame's value stack follows the object
    Addr frame = gen + g.gi_iframe;
    mem_.put<uint64_t>(gen + off_.pyobject.ob_type, type);
    mem_.put<int8_t>(gen + g.gi_frame_state, k.suspended_yield_from);
    mem_.put<uint64_t>(frame + f.executable, code_addr | 1);  // a tagged _PyStackRef
    mem_.put<uint64_t>(frame + f.instr_ptr,
                       code_addr + off_.code_object.co_code_adaptive + 2 * kInstrUnit);
    mem_.put<uint8_t>(frame + f.owner, k.owned_by_generator);
    mem_.put<uint64_t>(frame + f.stackpointer, gen + g.size + 8 * k.awaited_slot);
    for (uint64_t i = 1; i < k.awaited_slot; ++i) mem_.put<uint64_t>(gen + g.size + 8 * i, 1);
    mem_.put<uint64_t>(gen + g.size, awaited);
    return gen;
}

void FakeImage::set_awaited(Addr coro, Addr awaited) {
    mem_.put<uint64_t>(coro + off_.gen_object.size, awaited);
}

Addr FakeImage::coroutine(const std::vector<Fn>& chain, std::vector<Addr>* objects) {
    std::vector<Addr> objs(chain.size());
    Addr awaitable = pending_future_;
    for (std::size_t i = chain.size(); i-- > 0;) {
        const Fn& fn = chain[i];
        bool agen = i > 0 && fn.via != Fn::Via::Coroutine;
        objs[i] = gen_object(agen ? types_.async_gen : types_.coroutine, fn, awaitable);
        awaitable = objs[i];
        if (agen) {
            awaitable = alloc(32);
            mem_.put<uint64_t>(awaitable + off_.pyobject.ob_type,
                               fn.via == Fn::Via::AsyncGenAsend ? types_.asend : types_.athrow);
            mem_.put<uint64_t>(awaitable + 16, objs[i]);
        }
    }
    if (objects) *objects = objs;
    return objs.empty() ? 0 : objs.front();
}

Addr FakeImage::add_future() {
    const auto& t = aio_.task_object;
    Addr fut = alloc(t.size);
    mem_.put<uint64_t>(fut + off_.pyobject.ob_type, types_.future);
    mem_.put<uint8_t>(fut + t.task_is_task, 0);
    return fut;
}

Addr FakeImage::add_task(Addr list_head, const Name& name, const std::vector<Fn>& chain) {
    const auto& t = aio_.task_object;
    const auto& n = off_.llist_node;
    Addr task = alloc(t.size);
    TaskRec rec;
    Addr coro = coroutine(chain, &rec.coros);
    Addr name_obj = name.text ? str(*name.text) : name.num ? integer(*name.num) : name.obj;
    mem_.put<uint64_t>(task + off_.pyobject.ob_type, types_.task);
    mem_.put<uint64_t>(task + t.task_name, name_obj);
    mem_.put<uint64_t>(task + t.task_coro, coro);
    mem_.put<uint8_t>(task + t.task_is_task, 1);
    Addr node = task + t.task_node;  // append at the tail of the circular list
    Addr tail = mem_.get<uint64_t>(list_head + n.prev);
    mem_.put<uint64_t>(tail + n.next, node);
    mem_.put<uint64_t>(node + n.prev, tail);
    mem_.put<uint64_t>(node + n.next, list_head);
    mem_.put<uint64_t>(list_head + n.prev, node);
    tasks_.emplace(task, std::move(rec));
    return task;
}

void FakeImage::await(Addr child, Addr parent) {
    tasks_[child].awaiters.push_back(parent);
    write_awaited_by(child);
}

void FakeImage::add_dummy_awaiter(Addr child) {
    tasks_[child].awaiters.push_back(0);
    write_awaited_by(child);
}

// One awaiter → the object itself; otherwise a fresh set whose entry i sits at slot 2i+1.
void FakeImage::write_awaited_by(Addr task) {
    const auto& t = aio_.task_object;
    const auto& entries = tasks_[task].awaiters;
    if (entries.size() == 1 && entries[0] != 0) {
        mem_.put<uint64_t>(task + t.task_awaited_by, entries[0]);
        mem_.put<uint8_t>(task + t.task_awaited_by_is_set, 0);
        return;
    }
    const auto& s = off_.set_object;
    uint64_t slots = 8;
    while (slots < 2 * entries.size() + 2) slots *= 2;
    Addr table = alloc(slots * 16);
    int64_t used = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        Addr key = entries[i] ? entries[i] : set_dummy_;
        mem_.put<uint64_t>(table + 16 * (2 * i + 1), key);
        mem_.put<uint64_t>(table + 16 * (2 * i + 1) + 8, key >> 4);  // some hash
        used += entries[i] != 0;
    }
    Addr set = alloc(s.size);
    mem_.put<uint64_t>(set + off_.pyobject.ob_type, types_.set);
    mem_.put<int64_t>(set + 16, static_cast<int64_t>(entries.size()));  // fill
    mem_.put<int64_t>(set + s.used, used);
    mem_.put<int64_t>(set + s.mask, static_cast<int64_t>(slots - 1));
    mem_.put<uint64_t>(set + s.table, table);
    mem_.put<uint64_t>(task + t.task_awaited_by, set);
    mem_.put<uint8_t>(task + t.task_awaited_by_is_set, 1);
}

}  // namespace aps::test
