# Memory-safety witness: parked tasks plus a 32 MiB bytes object.  Each line read on stdin
# ("sum") is answered with one line: the SHA-256 of the big object and of the raw bytes of
# every task object and its coroutine (refcounts included: the same code path computes it
# every time, so any write by a reader would show).  READY once every task is parked.
import asyncio
import ctypes
import hashlib
import os
import sys

import aps_target

BIG = os.urandom(32 * 1024 * 1024)


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def parent():
    async with asyncio.TaskGroup() as tg:
        for i in range(20):
            tg.create_task(leaf(), name="leaf-%d" % i)


def digest(tasks):
    h = hashlib.sha256(BIG)
    for t in tasks:
        h.update(ctypes.string_at(id(t), type(t).__basicsize__))
        c = t.get_coro()
        h.update(ctypes.string_at(id(c), type(c).__basicsize__))
    return h.hexdigest()


async def main():
    loop = asyncio.get_running_loop()
    parents = [asyncio.create_task(parent(), name="parent-%d" % i) for i in range(5)]

    def on_line():
        line = sys.stdin.readline()
        if not line:
            loop.remove_reader(sys.stdin.fileno())
            return
        tasks = sorted(asyncio.all_tasks(loop), key=id)
        sys.stdout.write("SUM %d %s\n" % (len(tasks), digest(tasks)))
        sys.stdout.flush()

    def ready():
        loop.add_reader(sys.stdin.fileno(), on_line)
        aps_target.announce_ready()

    aps_target.when_quiet(ready)
    await asyncio.gather(*parents)


asyncio.run(main())
