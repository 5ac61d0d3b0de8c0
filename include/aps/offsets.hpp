// The target's own description of its memory layout: _Py_DebugOffsets (start of .PyRuntime) and
// _Py_AsyncioModuleDebugOffsets (.AsyncioDebug), parsed and validated once. Everything that
// differs between CPython 3.14 and 3.15 is decided in the parser (src/read/debug_offsets.cpp);
// the rest of aps reaches every field by name.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "aps/error.hpp"

namespace aps {

// Offsets are byte offsets inside the named object; sizes are the object's size in the target.
struct DebugOffsets {
    uint64_t version_hex = 0;  // PY_VERSION_HEX of the target
    int major = 0;
    int minor = 0;
    bool free_threaded = false;

    struct {
        uint64_t size, interpreters_head;
    } runtime_state{};
    struct {
        uint64_t size, id, next, threads_head, threads_main;
        uint64_t gc;  // the embedded struct _gc_runtime_state (see `gc` below)
    } interpreter_state{};
    // The fields a thread's stack and status are read from (aps dump). A field the version does
    // not have is 0: base_frame and gil_requested are 3.15's; in 3.14, holds_gil,
    // current_exception and exc_info are placed by version knowledge (debug_offsets.cpp).
    struct {
        uint64_t size, next, native_thread_id;
        uint64_t current_frame;      // the innermost _PyInterpreterFrame, or NULL
        uint64_t base_frame;         // the sentinel every walk of the stack ends at (3.15)
        uint64_t status;             // the 4-byte _status bit field
        uint64_t holds_gil;          // int
        uint64_t gil_requested;      // int (3.15)
        uint64_t current_exception;  // the exception being raised, or NULL
        uint64_t exc_info;           // the top of the stack of exceptions being handled
    } thread_state{};
    // One _PyErr_StackItem: an exception being handled, and the item below it.
    struct {
        uint64_t exc_value, previous_item;
    } err_stackitem{};
    struct {
        uint64_t size, executable, instr_ptr, owner, stackpointer;
        uint64_t previous;  // the calling frame
    } interpreter_frame{};
    struct {
        uint64_t size, filename, qualname, linetable, firstlineno, co_code_adaptive;
    } code_object{};
    struct {
        uint64_t ob_type;
    } pyobject{};
    struct {
        uint64_t size, tp_name, tp_flags;
    } type_object{};
    struct {
        uint64_t size, used, table, mask;
    } set_object{};
    struct {
        uint64_t size, lv_tag, ob_digit;
    } long_object{};
    struct {
        uint64_t size, ob_size, ob_sval;
    } bytes_object{};
    struct {
        uint64_t size, state, length, asciiobject_size, compactunicodeobject_size;
    } unicode_object{};
    struct {
        uint64_t size, gi_iframe, gi_frame_state;
    } gen_object{};
    // struct _gc_runtime_state, inside the interpreter state at interpreter_state.gc.
    struct {
        uint64_t size;
        uint64_t collecting;  // int: a collection is running
        uint64_t frame;       // the frame that started it (3.15; 0: the version has none)
    } gc{};
    struct {
        uint64_t next, prev;
    } llist_node{};

    // What `aps dump --opcodes` prints for each opcode byte of this version (256 names).
    std::span<const std::string_view> opcode_names;

    // Version knowledge that the table does not carry (enum values and stack conventions).
    struct {
        int8_t suspended_yield_from;  // gi_frame_state of a coroutine suspended in `await`
        int8_t cleared;               // gi_frame_state of a finished coroutine
        // Every other state a generator's frame can be in lies in [first_state, last_state];
        // anything else is not a generator's state.
        int8_t first_state;
        int8_t last_state;
        uint8_t owned_by_thread;
        uint8_t owned_by_generator;
        uint8_t owned_by_interpreter;
        int16_t owned_by_cstack;  // -1 where the version has no such owner
        uint64_t awaited_slot;    // the awaited object is at stackpointer - awaited_slot * 8
        // The async generator an asend/athrow object steps is its first field after the header.
        uint64_t step_agen;
    } frame{};

    // What names the built-in a frame is calling (time.sleep): where a call instruction's
    // callable sits on the frame's evaluation stack, and the layouts of the objects that name
    // a C function, which the table does not carry.
    struct CallKnowledge {
        // Per opcode byte: the callable is `slots` slots below the stack pointer while the call
        // runs, plus the instruction's argument where that counts the arguments (plus_arg);
        // slots 0: the opcode makes no such call.
        struct Callable {
            uint8_t slots = 0;
            bool plus_arg = false;
        };
        std::array<Callable, 256> callable;
        int16_t extended_arg;  // EXTENDED_ARG's byte: the argument's high byte comes before
        uint64_t m_ml, m_self, m_module;  // builtin_function_or_method (PyCFunctionObject)
        uint64_t d_type, d_method;        // method_descriptor (PyMethodDescrObject)
        uint64_t ml_name;                 // PyMethodDef: the function's C name
    };
    CallKnowledge calls{};
};

struct AsyncioOffsets {
    struct {
        uint64_t size, task_name, task_awaited_by, task_is_task, task_awaited_by_is_set, task_coro,
            task_node;
    } task_object{};
    struct {
        uint64_t size, asyncio_tasks_head;
    } interpreter_state{};
    struct {
        uint64_t size, asyncio_tasks_head;
        uint64_t asyncio_running_loop, asyncio_running_task;  // the loop and task a thread runs
    } thread_state{};
};

// Bytes to read from the start of .PyRuntime so that parse_debug_offsets sees the whole table of
// every supported version.
inline constexpr std::size_t kDebugOffsetsReadSize = 1024;
inline constexpr std::size_t kAsyncioOffsetsSize = 104;

// Parses and validates _Py_DebugOffsets. Errc::NotPython when the cookie is absent,
// Errc::UnsupportedVersion (naming the version) for versions other than 3.14 and 3.15 or for a
// free-threaded build, Errc::InvalidOffsets for offsets that fail the sanity checks.
Result<DebugOffsets> parse_debug_offsets(std::span<const std::byte> bytes);

// Parses and validates _Py_AsyncioModuleDebugOffsets against the already parsed runtime offsets.
Result<AsyncioOffsets> parse_asyncio_offsets(std::span<const std::byte> bytes,
                                             const DebugOffsets& runtime);

// The checks the parsers apply to a parsed table, on their own: a supported version, the frame
// knowledge of that version, sizes in range, every field aligned inside its object, and the
// relations between fields. Whatever passes is safe for the walker to use (it still treats the
// target's memory as untrusted). Errc::UnsupportedVersion or Errc::InvalidOffsets.
Result<void> validate_debug_offsets(const DebugOffsets& offsets);
Result<void> validate_asyncio_offsets(const AsyncioOffsets& asyncio, const DebugOffsets& runtime);

}  // namespace aps
