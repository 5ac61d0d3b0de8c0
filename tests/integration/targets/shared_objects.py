# A hostile program whose tasks share one huge object, to check that what aps holds stays bounded
# by what the target holds.
#   name: 1,000 tasks share one name of 1,000,000 characters (one str object).
#   set:  a hub task is awaited by 400,000 futures (its awaited-by set has a table of 2^20
#         slots), and 50 other tasks are pointed at that same set (ctypes copies the hub's
#         awaited-by fields into them): 20,000,000 awaiter links for a few MB of target memory.
# gc is off and nothing awaits these tasks: the target never touches what it broke.
import asyncio
import ctypes
import gc
import sys

import aps_target


async def park():
    await asyncio.sleep(aps_target.FOREVER)


async def awaiter(t):
    await t


async def main():
    what = sys.argv[1]
    loop = asyncio.get_running_loop()
    tasks = []
    if what == "name":
        big = "n" * 1_000_000
        tasks = [asyncio.create_task(park(), name=big) for _ in range(1000)]
    else:
        hub = asyncio.create_task(park(), name="hub")
        tasks = [asyncio.create_task(awaiter(hub), name="a%d" % i) for i in range(2)]
        tasks += [asyncio.create_task(park(), name="shared-%d" % i) for i in range(50)]
    keep = []

    def fire():
        gc.disable()
        if what == "set":
            awaited_by = [x for x in gc.get_referents(hub) if type(x) is set][0]
            futures = [loop.create_future() for _ in range(400_000)]
            awaited_by.update(futures)
            keep.append(futures)
            # The set pointer, then fut_state, fut_is_task and fut_awaited_by_is_set behind it.
            at = aps_target.field_offset(hub, id(awaited_by), 512)
            fields = ctypes.string_at(id(hub) + at, 16)
            for t in tasks[2:]:
                ctypes.memmove(id(t) + at, fields, 16)
            ctypes.c_ssize_t.from_address(id(awaited_by)).value += 1 << 30  # never freed
        aps_target.announce_ready({})

    aps_target.when_quiet(fire)
    await asyncio.sleep(aps_target.FOREVER)


asyncio.run(main())
