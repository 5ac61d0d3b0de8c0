// Parsing and validating _Py_DebugOffsets and _Py_AsyncioModuleDebugOffsets. This is the only
// place in aps that knows how CPython 3.14 and 3.15 differ.
#include <fmt/format.h>

#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "aps/offsets.hpp"
#include "read/call_layout.hpp"
#include "read/opcode_names.hpp"

namespace aps {
namespace {

// ---- What differs between the supported versions ----------------------------------------------

enum Version { k314 = 0, k315 = 1 };

constexpr std::string_view kCookie = "xdebugpy";
constexpr size_t kVersionAt = 8;
constexpr size_t kFreeThreadedAt = 16;
constexpr std::array<size_t, 2> kTableSize = {760, 888};
// 3.14's table lacks unicode_object.compactunicodeobject_size; sizeof(PyCompactUnicodeObject).
constexpr uint64_t kCompactUnicodeSize314 = 56;

// Enum values and stack conventions from pycore_frame.h / pycore_interpframe_structs.h.
constexpr std::array<decltype(DebugOffsets::frame), 2> kFrameKnowledge = {{
    {.suspended_yield_from = -1,
     .cleared = 4,
     .first_state = -3,  // FRAME_CREATED .. FRAME_COMPLETED
     .last_state = 1,
     .owned_by_thread = 0,
     .owned_by_generator = 1,
     .owned_by_interpreter = 3,
     .owned_by_cstack = 4,
     .awaited_slot = 1,
     .step_agen = 16},
    {.suspended_yield_from = 2,
     .cleared = 5,
     .first_state = 0,  // FRAME_CREATED .. FRAME_EXECUTING
     .last_state = 4,
     .owned_by_thread = 0,
     .owned_by_generator = 1,
     .owned_by_interpreter = 3,
     .owned_by_cstack = -1,
     .awaited_slot = 2,
     .step_agen = 16},
}};

// PyCFunctionObject (cpython/methodobject.h: m_ml, m_self, m_module after the object header),
// PyMethodDescrObject (descrobject.h: d_type, d_name, d_qualname, then d_method) and PyMethodDef
// (ml_name first): the same in 3.14 and 3.15, release and debug builds alike.
constexpr uint64_t kCFunctionMl = 16, kCFunctionSelf = 24, kCFunctionModule = 32;
constexpr uint64_t kDescrType = 16, kDescrMethod = 40, kMethodDefName = 0;

// Where 3.14 keeps what its table does not say (from PyThreadState in cpython/pystate.h and
// _PyErr_StackItem in cpython/pyerrors.h; the same in release and debug builds): the int
// holds_gil right after the 4-byte _status, current_exception five pointers after current_frame
// (c_profilefunc, c_tracefunc, c_profileobj, c_traceobj come between). In both versions exc_info
// is the pointer after current_exception, and an item's previous_item the pointer after its
// exc_value, which is its first field.
struct ThreadKnowledge {
    int holds_gil_after_status;         // -1: in the table
    int current_exception_after_frame;  // -1: in the table
    uint64_t exc_info_after_current_exception;
    uint64_t previous_item_after_exc_value;
};
constexpr std::array<ThreadKnowledge, 2> kThreadKnowledge = {{{4, 40, 8, 8}, {-1, -1, 8, 8}}};

// One uint64 field of a table: its byte offset per version (-1: absent in that version), where
// it goes, and the width of the member it locates (0 for a "size" entry). A field "group.x" must
// fit, aligned to its width, inside the value of "group.size".
template <class T>
struct FieldSpec {
    std::string_view name;
    std::array<int, 2> at;
    uint64_t* (*slot)(T&);  // null: read only to validate the others
    unsigned width;
};

using RuntimeField = FieldSpec<DebugOffsets>;

// clang-format off
constexpr RuntimeField kRuntimeFields[] = {
    {"runtime_state.size",               {24, 24},   [](DebugOffsets& d) { return &d.runtime_state.size; }, 0},
    {"runtime_state.interpreters_head",  {40, 40},   [](DebugOffsets& d) { return &d.runtime_state.interpreters_head; }, 8},
    {"interpreter_state.size",           {48, 48},   [](DebugOffsets& d) { return &d.interpreter_state.size; }, 0},
    {"interpreter_state.id",             {56, 56},   [](DebugOffsets& d) { return &d.interpreter_state.id; }, 8},
    {"interpreter_state.next",           {64, 64},   [](DebugOffsets& d) { return &d.interpreter_state.next; }, 8},
    {"interpreter_state.threads_head",   {72, 72},   [](DebugOffsets& d) { return &d.interpreter_state.threads_head; }, 8},
    {"interpreter_state.threads_main",   {80, 80},   [](DebugOffsets& d) { return &d.interpreter_state.threads_main; }, 8},
    {"interpreter_state.gc",             {88, 88},   [](DebugOffsets& d) { return &d.interpreter_state.gc; }, 8},
    {"thread_state.size",                {176, 176}, [](DebugOffsets& d) { return &d.thread_state.size; }, 0},
    {"thread_state.next",                {192, 192}, [](DebugOffsets& d) { return &d.thread_state.next; }, 8},
    {"thread_state.current_frame",       {208, 208}, [](DebugOffsets& d) { return &d.thread_state.current_frame; }, 8},
    {"thread_state.base_frame",          {-1, 216},  [](DebugOffsets& d) { return &d.thread_state.base_frame; }, 8},
    {"thread_state.native_thread_id",    {224, 248}, [](DebugOffsets& d) { return &d.thread_state.native_thread_id; }, 8},
    {"thread_state.status",              {240, 264}, [](DebugOffsets& d) { return &d.thread_state.status; }, 4},
    {"thread_state.holds_gil",           {-1, 272},  [](DebugOffsets& d) { return &d.thread_state.holds_gil; }, 4},
    {"thread_state.gil_requested",       {-1, 280},  [](DebugOffsets& d) { return &d.thread_state.gil_requested; }, 4},
    {"thread_state.current_exception",   {-1, 288},  [](DebugOffsets& d) { return &d.thread_state.current_exception; }, 8},
    {"err_stackitem.exc_value",          {-1, 304},  [](DebugOffsets& d) { return &d.err_stackitem.exc_value; }, 8},
    {"interpreter_frame.size",           {248, 312}, [](DebugOffsets& d) { return &d.interpreter_frame.size; }, 0},
    {"interpreter_frame.previous",       {256, 320}, [](DebugOffsets& d) { return &d.interpreter_frame.previous; }, 8},
    {"interpreter_frame.executable",     {264, 328}, [](DebugOffsets& d) { return &d.interpreter_frame.executable; }, 8},
    {"interpreter_frame.instr_ptr",      {272, 336}, [](DebugOffsets& d) { return &d.interpreter_frame.instr_ptr; }, 8},
    {"interpreter_frame.owner",          {288, 352}, [](DebugOffsets& d) { return &d.interpreter_frame.owner; }, 1},
    {"interpreter_frame.stackpointer",   {296, 360}, [](DebugOffsets& d) { return &d.interpreter_frame.stackpointer; }, 8},
    {"code_object.size",                 {312, 376}, [](DebugOffsets& d) { return &d.code_object.size; }, 0},
    {"code_object.filename",             {320, 384}, [](DebugOffsets& d) { return &d.code_object.filename; }, 8},
    {"code_object.qualname",             {336, 400}, [](DebugOffsets& d) { return &d.code_object.qualname; }, 8},
    {"code_object.linetable",            {344, 408}, [](DebugOffsets& d) { return &d.code_object.linetable; }, 8},
    {"code_object.firstlineno",          {352, 416}, [](DebugOffsets& d) { return &d.code_object.firstlineno; }, 4},
    {"code_object.co_code_adaptive",     {384, 448}, [](DebugOffsets& d) { return &d.code_object.co_code_adaptive; }, 2},
    {"pyobject.size",                    {400, 464}, nullptr, 0},
    {"pyobject.ob_type",                 {408, 472}, [](DebugOffsets& d) { return &d.pyobject.ob_type; }, 8},
    {"type_object.size",                 {416, 480}, [](DebugOffsets& d) { return &d.type_object.size; }, 0},
    {"type_object.tp_name",              {424, 488}, [](DebugOffsets& d) { return &d.type_object.tp_name; }, 8},
    {"type_object.tp_flags",             {440, 504}, [](DebugOffsets& d) { return &d.type_object.tp_flags; }, 8},
    {"set_object.size",                  {496, 592}, [](DebugOffsets& d) { return &d.set_object.size; }, 0},
    {"set_object.used",                  {504, 600}, [](DebugOffsets& d) { return &d.set_object.used; }, 8},
    {"set_object.table",                 {512, 608}, [](DebugOffsets& d) { return &d.set_object.table; }, 8},
    {"set_object.mask",                  {520, 616}, [](DebugOffsets& d) { return &d.set_object.mask; }, 8},
    {"long_object.size",                 {568, 664}, [](DebugOffsets& d) { return &d.long_object.size; }, 0},
    {"long_object.lv_tag",               {576, 672}, [](DebugOffsets& d) { return &d.long_object.lv_tag; }, 8},
    {"long_object.ob_digit",             {584, 680}, [](DebugOffsets& d) { return &d.long_object.ob_digit; }, 4},
    {"bytes_object.size",                {592, 688}, [](DebugOffsets& d) { return &d.bytes_object.size; }, 0},
    {"bytes_object.ob_size",             {600, 696}, [](DebugOffsets& d) { return &d.bytes_object.ob_size; }, 8},
    {"bytes_object.ob_sval",             {608, 704}, [](DebugOffsets& d) { return &d.bytes_object.ob_sval; }, 1},
    {"unicode_object.size",              {616, 712}, [](DebugOffsets& d) { return &d.unicode_object.size; }, 0},
    {"unicode_object.state",             {624, 720}, [](DebugOffsets& d) { return &d.unicode_object.state; }, 4},
    {"unicode_object.length",            {632, 728}, [](DebugOffsets& d) { return &d.unicode_object.length; }, 8},
    {"unicode_object.asciiobject_size",  {640, 736}, [](DebugOffsets& d) { return &d.unicode_object.asciiobject_size; }, 8},
    {"unicode_object.compactunicodeobject_size", {-1, 744}, [](DebugOffsets& d) { return &d.unicode_object.compactunicodeobject_size; }, 8},
    {"gc.size",                          {648, 752}, [](DebugOffsets& d) { return &d.gc.size; }, 0},
    {"gc.collecting",                    {656, 760}, [](DebugOffsets& d) { return &d.gc.collecting; }, 4},
    {"gc.frame",                         {-1, 768},  [](DebugOffsets& d) { return &d.gc.frame; }, 8},
    {"gen_object.size",                  {664, 792}, [](DebugOffsets& d) { return &d.gen_object.size; }, 0},
    {"gen_object.gi_iframe",             {680, 808}, [](DebugOffsets& d) { return &d.gen_object.gi_iframe; }, 8},
    {"gen_object.gi_frame_state",        {688, 816}, [](DebugOffsets& d) { return &d.gen_object.gi_frame_state; }, 1},
    {"llist_node.next",                  {696, 824}, [](DebugOffsets& d) { return &d.llist_node.next; }, 8},
    {"llist_node.prev",                  {704, 832}, [](DebugOffsets& d) { return &d.llist_node.prev; }, 8},
};

using AsyncioField = FieldSpec<AsyncioOffsets>;

// _Py_AsyncioModuleDebugOffsets: the same 13 uint64 fields in both versions.
constexpr AsyncioField kAsyncioFields[] = {
    {"task_object.size",                   {0, 0},   [](AsyncioOffsets& a) { return &a.task_object.size; }, 0},
    {"task_object.task_name",              {8, 8},   [](AsyncioOffsets& a) { return &a.task_object.task_name; }, 8},
    {"task_object.task_awaited_by",        {16, 16}, [](AsyncioOffsets& a) { return &a.task_object.task_awaited_by; }, 8},
    {"task_object.task_is_task",           {24, 24}, [](AsyncioOffsets& a) { return &a.task_object.task_is_task; }, 1},
    {"task_object.task_awaited_by_is_set", {32, 32}, [](AsyncioOffsets& a) { return &a.task_object.task_awaited_by_is_set; }, 1},
    {"task_object.task_coro",              {40, 40}, [](AsyncioOffsets& a) { return &a.task_object.task_coro; }, 8},
    {"task_object.task_node",              {48, 48}, [](AsyncioOffsets& a) { return &a.task_object.task_node; }, 16},
    {"interpreter_state.size",             {56, 56}, [](AsyncioOffsets& a) { return &a.interpreter_state.size; }, 0},
    {"interpreter_state.asyncio_tasks_head", {64, 64}, [](AsyncioOffsets& a) { return &a.interpreter_state.asyncio_tasks_head; }, 16},
    {"thread_state.size",                  {72, 72}, [](AsyncioOffsets& a) { return &a.thread_state.size; }, 0},
    {"thread_state.asyncio_running_loop",  {80, 80}, [](AsyncioOffsets& a) { return &a.thread_state.asyncio_running_loop; }, 8},
    {"thread_state.asyncio_running_task",  {88, 88}, [](AsyncioOffsets& a) { return &a.thread_state.asyncio_running_task; }, 8},
    {"thread_state.asyncio_tasks_head",    {96, 96}, [](AsyncioOffsets& a) { return &a.thread_state.asyncio_tasks_head; }, 16},
};
// clang-format on

// ---- Reading the table ------------------------------------------------------------------------

uint64_t word_at(std::span<const std::byte> bytes, size_t at) {
    uint64_t v;
    std::memcpy(&v, bytes.data() + at, sizeof v);
    return v;
}

// Objects that embed whole sub-structures (runtime, interpreter) are large; the rest are small.
uint64_t size_bound(std::string_view size_name) {
    if (size_name.starts_with("runtime_state.") || size_name.starts_with("interpreter_state."))
        return 16u << 20;
    return 64u << 10;
}

std::string_view group_of(std::string_view name) {
    return name.substr(0, name.find('.'));
}

// Checks the table's values: sizes are positive and sane, each field fits aligned in its group.
// A field whose group size is not known (not stored in the parsed struct) is bounded by the
// largest size its group may have.
template <class T, size_t N>
std::optional<std::string> check_fields(const FieldSpec<T> (&specs)[N],
                                        const std::array<std::optional<uint64_t>, N>& values) {
    auto group_size = [&](std::string_view group) -> std::optional<uint64_t> {
        for (size_t i = 0; i < N; ++i) {
            if (specs[i].width == 0 && group_of(specs[i].name) == group) {
                return values[i] ? values[i] : size_bound(specs[i].name);
            }
        }
        return std::nullopt;
    };
    for (size_t i = 0; i < N; ++i) {
        if (!values[i]) continue;
        const auto& spec = specs[i];
        uint64_t v = *values[i];
        if (spec.width == 0) {
            if (v == 0 || v > size_bound(spec.name))
                return fmt::format("{}={} is not in (0, {}]", spec.name, v, size_bound(spec.name));
            continue;
        }
        unsigned align = spec.width > 8 ? 8 : spec.width;
        if (v % align != 0)
            return fmt::format("{}={} is not aligned to {} bytes", spec.name, v, align);
        auto size = group_size(group_of(spec.name));
        if (size && (v > *size || *size - v < spec.width)) {
            return fmt::format("{}={} with width {} exceeds {}.size {}", spec.name, v, spec.width,
                               group_of(spec.name), *size);
        }
    }
    return std::nullopt;
}

// Reads every listed field of a table; fields absent in this version stay empty.
template <class T, size_t N>
std::array<std::optional<uint64_t>, N> read_fields(const FieldSpec<T> (&specs)[N],
                                                   std::span<const std::byte> bytes, Version v,
                                                   T& out) {
    std::array<std::optional<uint64_t>, N> values{};
    for (size_t i = 0; i < N; ++i) {
        int at = specs[i].at[v];
        if (at < 0) continue;
        values[i] = word_at(bytes, static_cast<size_t>(at));
        if (specs[i].slot) *specs[i].slot(out) = *values[i];
    }
    return values;
}

// The listed fields of an already parsed table (fields the struct does not keep stay empty).
template <class T, size_t N>
std::array<std::optional<uint64_t>, N> stored_fields(const FieldSpec<T> (&specs)[N], T copy,
                                                     Version v) {
    std::array<std::optional<uint64_t>, N> values{};
    for (size_t i = 0; i < N; ++i) {
        if (specs[i].at[v] >= 0 && specs[i].slot) values[i] = *specs[i].slot(copy);
    }
    return values;
}

// The thread-state fields the version's table does not carry (kThreadKnowledge).
void place_thread_fields(DebugOffsets& d, Version v) {
    const ThreadKnowledge& k = kThreadKnowledge[v];
    if (k.holds_gil_after_status >= 0) {
        d.thread_state.holds_gil = d.thread_state.status + k.holds_gil_after_status;
    }
    if (k.current_exception_after_frame >= 0) {
        d.thread_state.current_exception =
            d.thread_state.current_frame + k.current_exception_after_frame;
    }
    d.thread_state.exc_info = d.thread_state.current_exception + k.exc_info_after_current_exception;
    d.err_stackitem.previous_item = d.err_stackitem.exc_value + k.previous_item_after_exc_value;
}

bool same_frame_knowledge(const decltype(DebugOffsets::frame)& a,
                          const decltype(DebugOffsets::frame)& b) {
    return a.suspended_yield_from == b.suspended_yield_from && a.cleared == b.cleared &&
           a.first_state == b.first_state && a.last_state == b.last_state &&
           a.step_agen == b.step_agen && a.owned_by_thread == b.owned_by_thread &&
           a.owned_by_generator == b.owned_by_generator &&
           a.owned_by_interpreter == b.owned_by_interpreter &&
           a.owned_by_cstack == b.owned_by_cstack && a.awaited_slot == b.awaited_slot;
}

// Checks that need more than one field.
std::optional<std::string> check_relations(const DebugOffsets& d) {
    if (d.llist_node.next != 0 || d.llist_node.prev != 8) {
        return fmt::format("llist_node.next={} llist_node.prev={} (expected 0 and 8)",
                           d.llist_node.next, d.llist_node.prev);
    }
    if (d.gen_object.gi_iframe > d.gen_object.size ||
        d.gen_object.size - d.gen_object.gi_iframe < d.interpreter_frame.size) {
        return fmt::format(
            "gen_object.gi_iframe={} with interpreter_frame.size {} exceeds gen_object.size {}",
            d.gen_object.gi_iframe, d.interpreter_frame.size, d.gen_object.size);
    }
    // The GC state is embedded in the interpreter state.
    if (d.interpreter_state.gc > d.interpreter_state.size ||
        d.interpreter_state.size - d.interpreter_state.gc < d.gc.size) {
        return fmt::format(
            "interpreter_state.gc={} with gc.size {} exceeds interpreter_state.size {}",
            d.interpreter_state.gc, d.gc.size, d.interpreter_state.size);
    }
    // What version knowledge places (3.14's holds_gil and current_exception, exc_info) must fit,
    // aligned, like the table's own fields.
    const std::pair<std::string_view, uint64_t> placed[] = {
        {"holds_gil", d.thread_state.holds_gil},
        {"current_exception", d.thread_state.current_exception},
        {"exc_info", d.thread_state.exc_info}};
    for (const auto& [name, at] : placed) {
        const uint64_t width = name == "holds_gil" ? 4 : 8;
        if (at % width != 0 || at > d.thread_state.size || d.thread_state.size - at < width) {
            return fmt::format("thread_state.{}={} does not fit aligned in thread_state.size {}",
                               name, at, d.thread_state.size);
        }
    }
    if (d.err_stackitem.previous_item % 8 != 0 || d.err_stackitem.exc_value % 8 != 0 ||
        d.err_stackitem.previous_item > 64 || d.err_stackitem.exc_value > 64) {
        return fmt::format("err_stackitem.exc_value={} previous_item={} are not plausible",
                           d.err_stackitem.exc_value, d.err_stackitem.previous_item);
    }
    if (d.unicode_object.asciiobject_size > d.unicode_object.size ||
        d.unicode_object.compactunicodeobject_size > d.unicode_object.size) {
        return fmt::format(
            "unicode_object.asciiobject_size={} compactunicodeobject_size={} exceed "
            "unicode_object.size {}",
            d.unicode_object.asciiobject_size, d.unicode_object.compactunicodeobject_size,
            d.unicode_object.size);
    }
    return std::nullopt;
}

std::string version_string(uint64_t hex) {
    unsigned major = (hex >> 24) & 0xff, minor = (hex >> 16) & 0xff, micro = (hex >> 8) & 0xff;
    unsigned level = (hex >> 4) & 0xf, serial = hex & 0xf;
    std::string s = fmt::format("{}.{}.{}", major, minor, micro);
    switch (level) {
        case 0xa:
            return s + fmt::format("a{}", serial);
        case 0xb:
            return s + fmt::format("b{}", serial);
        case 0xc:
            return s + fmt::format("rc{}", serial);
        case 0xf:
            return s;
        default:
            return s + fmt::format(" (release level {:#x})", level);
    }
}

Error corrupt(std::string_view table, std::string_view what) {
    return {Errc::InvalidOffsets, fmt::format("invalid {}: {}", table, what)};
}

}  // namespace

Result<DebugOffsets> parse_debug_offsets(std::span<const std::byte> bytes) {
    if (bytes.size() < kCookie.size() ||
        std::memcmp(bytes.data(), kCookie.data(), kCookie.size()) != 0) {
        return Error{Errc::NotPython, "no CPython debug offsets (cookie missing)"};
    }
    if (bytes.size() < kFreeThreadedAt + 8) {
        return corrupt("debug offsets", fmt::format("table truncated to {} bytes", bytes.size()));
    }

    DebugOffsets d;
    d.version_hex = word_at(bytes, kVersionAt);
    d.major = static_cast<int>((d.version_hex >> 24) & 0xff);
    d.minor = static_cast<int>((d.version_hex >> 16) & 0xff);
    if (d.major != 3 || (d.minor != 14 && d.minor != 15)) {
        return Error{Errc::UnsupportedVersion,
                     fmt::format("Python {} is not supported (aps reads 3.14 and 3.15)",
                                 version_string(d.version_hex))};
    }
    Version v = d.minor == 14 ? k314 : k315;

    uint64_t free_threaded = word_at(bytes, kFreeThreadedAt);
    if (free_threaded > 1) {
        return corrupt("debug offsets", fmt::format("free_threaded={}", free_threaded));
    }
    if (free_threaded == 1) {
        return Error{
            Errc::UnsupportedVersion,
            fmt::format("free-threaded ({}.{}t) builds are not supported", d.major, d.minor)};
    }
    if (bytes.size() < kTableSize[v]) {
        return corrupt("debug offsets",
                       fmt::format("table truncated to {} bytes ({} needed for Python {}.{})",
                                   bytes.size(), kTableSize[v], d.major, d.minor));
    }

    auto values = read_fields(kRuntimeFields, bytes, v, d);
    if (v == k314) d.unicode_object.compactunicodeobject_size = kCompactUnicodeSize314;
    d.frame = kFrameKnowledge[v];
    place_thread_fields(d, v);
    d.opcode_names = read::opcode_names(d.minor);
    d.calls = {.callable = read::callable_slots(d.opcode_names),
               .extended_arg = read::extended_arg_opcode(d.opcode_names),
               .m_ml = kCFunctionMl,
               .m_self = kCFunctionSelf,
               .m_module = kCFunctionModule,
               .d_type = kDescrType,
               .d_method = kDescrMethod,
               .ml_name = kMethodDefName};

    // The raw check also covers the fields the struct does not keep (pyobject.size).
    if (auto problem = check_fields(kRuntimeFields, values))
        return corrupt("debug offsets", *problem);
    if (auto valid = validate_debug_offsets(d); !valid) return std::move(valid).error();
    return d;
}

Result<void> validate_debug_offsets(const DebugOffsets& d) {
    if (d.major != 3 || (d.minor != 14 && d.minor != 15)) {
        return Error{Errc::UnsupportedVersion,
                     fmt::format("Python {}.{} is not supported (aps reads 3.14 and 3.15)", d.major,
                                 d.minor)};
    }
    if (d.free_threaded) {
        return Error{
            Errc::UnsupportedVersion,
            fmt::format("free-threaded ({}.{}t) builds are not supported", d.major, d.minor)};
    }
    Version v = d.minor == 14 ? k314 : k315;
    if (!same_frame_knowledge(d.frame, kFrameKnowledge[v])) {
        return corrupt("debug offsets", "frame knowledge does not match the version");
    }
    if (auto problem = check_fields(kRuntimeFields, stored_fields(kRuntimeFields, d, v)))
        return corrupt("debug offsets", *problem);
    if (auto problem = check_relations(d)) return corrupt("debug offsets", *problem);
    return {};
}

Result<AsyncioOffsets> parse_asyncio_offsets(std::span<const std::byte> bytes,
                                             const DebugOffsets& runtime) {
    if (bytes.size() < kAsyncioOffsetsSize) {
        return corrupt("asyncio debug offsets",
                       fmt::format("table truncated to {} bytes", bytes.size()));
    }
    AsyncioOffsets a;
    auto values = read_fields(kAsyncioFields, bytes, runtime.minor == 14 ? k314 : k315, a);
    if (auto problem = check_fields(kAsyncioFields, values))
        return corrupt("asyncio debug offsets", *problem);
    if (auto valid = validate_asyncio_offsets(a, runtime); !valid) return std::move(valid).error();
    return a;
}

Result<void> validate_asyncio_offsets(const AsyncioOffsets& a, const DebugOffsets& runtime) {
    Version v = runtime.minor == 14 ? k314 : k315;
    if (auto problem = check_fields(kAsyncioFields, stored_fields(kAsyncioFields, a, v)))
        return corrupt("asyncio debug offsets", *problem);

    // _PyThreadStateImpl starts with a PyThreadState; the interpreter state is the same struct.
    if (a.thread_state.size < runtime.thread_state.size ||
        a.interpreter_state.size < runtime.interpreter_state.size) {
        return corrupt("asyncio debug offsets",
                       fmt::format("thread_state.size={} interpreter_state.size={} are smaller "
                                   "than the runtime's {} and {}",
                                   a.thread_state.size, a.interpreter_state.size,
                                   runtime.thread_state.size, runtime.interpreter_state.size));
    }
    return {};
}

}  // namespace aps
