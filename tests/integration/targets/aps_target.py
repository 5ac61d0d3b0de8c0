"""Helpers shared by the integration targets.

A target sets up its tasks, lets them park, writes its own view of them (the
"oracle") to $APS_TEST_ORACLE, prints READY and then never changes again.
This module must not import asyncio at import time (no_asyncio uses it).
"""
import json
import os
import sys
import threading

FOREVER = 3600  # seconds; the driver kills the target long before


def field_offset(obj, value, size):
    """The offset of the pointer `value` among the first `size` bytes of `obj` (for targets that
    break their own objects with ctypes)."""
    import ctypes
    word = ctypes.sizeof(ctypes.c_void_p)
    raw = ctypes.string_at(id(obj), size)
    for at in range(0, size - word + 1, word):
        if int.from_bytes(raw[at:at + word], sys.byteorder) == value:
            return at
    raise SystemExit("no field of %r holds %#x" % (obj, value))


def announce_ready(oracle=None):
    """Write the oracle (if asked for) and print READY."""
    path = os.environ.get("APS_TEST_ORACLE")
    if path:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(oracle if oracle is not None else {}, f)
        os.replace(path + ".tmp", path)
    sys.stdout.write("READY\n")
    sys.stdout.flush()


def coroutine_stack(task):
    """The task's coroutine chain as [qualname, filename, line], innermost first.

    Follows coroutine -> coroutine only (enough for the targets that use it).
    """
    import types
    frames = []
    coro = task.get_coro()
    while isinstance(coro, types.CoroutineType) and coro.cr_frame is not None:
        f = coro.cr_frame
        frames.append([f.f_code.co_qualname, f.f_code.co_filename, f.f_lineno])
        coro = coro.cr_await
    frames.reverse()
    return frames


def describe_tasks(tid=None):
    """This thread's running loop's tasks, as the oracle lists them."""
    import asyncio
    if tid is None:
        tid = threading.get_native_id()
    out = []
    for t in asyncio.all_tasks():
        awaited_by = getattr(t, "_asyncio_awaited_by", None) or ()   # 3.14+
        awaiters = sorted(hex(id(a)) for a in awaited_by)
        out.append({"tid": tid, "id": hex(id(t)), "name": t.get_name(),
                    "stack": coroutine_stack(t), "awaited_by": awaiters})
    return out


def when_quiet(fn, delay=0.3):
    """Call fn() from a callback of the running loop, `delay` seconds from now or later: once
    no other callback is ready to run, i.e. every task of this loop is parked."""
    import asyncio
    loop = asyncio.get_running_loop()

    def check():
        if loop._ready:                   # something still runnable: look again soon
            loop.call_later(0.05, check)
        else:
            fn()

    loop.call_later(delay, check)


def ready_when_parked(extra=(), delay=0.3, **info):
    """From inside the main task: print READY once every task has parked.

    The announcement runs as a loop callback `delay` seconds later, when no
    task is running; `extra` adds other threads' task descriptions and
    `info` other oracle fields.
    """
    def fire():
        tasks = list(extra) + describe_tasks()
        announce_ready({"main_tid": threading.get_native_id(), "tasks": tasks, **info})

    when_quiet(fire, delay)
