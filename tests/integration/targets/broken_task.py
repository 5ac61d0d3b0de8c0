# A program that breaks one of its own tasks for good: its coroutine field is pointed at a buffer
# that claims to be a native coroutine (the real coroutine type) and holds garbage. aps must print
# every other task, that task with a marker, one stderr line naming it, and exit 9, every time.
#
# argv[1] picks what is broken: "stack" (the coroutine's frame state is garbage) or "awaiters"
# (the task's awaited-by set claims a huge table). The oracle lists the tasks as they were
# before; "broken" names the victim. The garbage is never touched by the target itself: gc is
# off (a collection would traverse it) and the victim awaits a future that never completes.
import asyncio
import ctypes
import gc
import sys

import aps_target

WORD = ctypes.sizeof(ctypes.c_void_p)



def fake_coroutine(like):
    """A buffer with a coroutine's header (a huge refcount, the real coroutine type) and garbage
    where its frame would be."""
    size = 1024
    buf = ctypes.create_string_buffer(b"\x41" * size, size)
    ctypes.c_ssize_t.from_address(ctypes.addressof(buf)).value = 1 << 40
    ctypes.c_void_p.from_address(ctypes.addressof(buf) + WORD).value = id(type(like))
    return buf


def break_stack(task, keep):
    coro = task.get_coro()
    at = aps_target.field_offset(task, id(coro), 512)
    buf = fake_coroutine(coro)
    keep.extend([coro, buf])   # the real coroutine and the buffer stay alive, unreferenced
    ctypes.c_void_p.from_address(id(task) + at).value = ctypes.addressof(buf)


def break_awaiters(task, keep):
    # The task is awaited by two tasks: its awaited-by field holds a set, whose mask is made
    # huge (the table it claims is far beyond what aps reads).
    # (task._asyncio_awaited_by is a copy: the task's own set is among what it references.)
    sets = [x for x in gc.get_referents(task) if type(x) is set and len(x) == 2]
    if len(sets) != 1:
        raise SystemExit("the victim's awaited-by set is not found: %r" % sets)
    awaited_by = sets[0]
    keep.append(awaited_by)
    # PySetObject: ob_refcnt, ob_type, fill, used, mask, table ... (3.14 and 3.15)
    ctypes.c_ssize_t.from_address(id(awaited_by) + 4 * WORD).value = (1 << 40) - 1


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def middle():
    await leaf()


async def victim_body(never):
    await never


async def awaiter(t):
    await t


async def main():
    what = sys.argv[1]
    never = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(middle(), name="fine-%d" % i) for i in range(3)]
    victim = asyncio.create_task(victim_body(never), name="victim")
    if what == "awaiters":
        tasks += [asyncio.create_task(awaiter(victim), name="awaiter-%d" % i) for i in range(2)]
    tasks.append(asyncio.create_task(middle(), name="after"))
    keep = []

    def fire():
        oracle = {"tasks": aps_target.describe_tasks(), "broken": hex(id(victim)),
                  "part": what}
        gc.disable()
        if what == "stack":
            break_stack(victim, keep)
        else:
            break_awaiters(victim, keep)
        aps_target.announce_ready(oracle)

    aps_target.when_quiet(fire)
    await asyncio.sleep(aps_target.FOREVER)


asyncio.run(main())
