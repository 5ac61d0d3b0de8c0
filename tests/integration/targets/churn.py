# Churn: several threads, each with its own event loop, create and finish tasks as fast as
# they can, rename tasks (set_name, names of changing length so the old str is freed), and
# build await graphs that come and go (gather, nested TaskGroups, asyncio.wait), while a few
# long-lived "anchor" tasks per thread stay put (their ids are in the oracle).
#
# Once every thread runs, the oracle ({"main_tid", "threads", "anchors"}) is written and READY
# printed; then one line `RATE <tasks/s> <total>` per second on stdout (tasks created by all
# threads during that second).  Runs until killed.
import asyncio
import os
import sys
import threading
import time

import aps_target

THREADS = int(os.environ.get("APS_CHURN_THREADS", "4"))
BATCH = 64
counts = [0] * THREADS
anchors = []                     # [tid, hex id] of the long-lived tasks
anchors_lock = threading.Lock()
started = threading.Barrier(THREADS + 1)


async def leaf(i):
    if i % 4 == 0:
        await asyncio.sleep(0)       # suspends once: the await graph has edges to read
    return i


async def renamer(slot):
    """Renames itself (the current task) with names of changing length."""
    me = asyncio.current_task()
    for k in range(3):
        me.set_name("r%d-%s" % (slot, "x" * ((slot * 7 + k) % 40)))
        await asyncio.sleep(0)


async def group_body(slot, n):
    async with asyncio.TaskGroup() as tg:
        for i in range(n):
            tg.create_task(leaf(i), name="g%d" % i)
        tg.create_task(renamer(slot))
        async with asyncio.TaskGroup() as inner:
            inner.create_task(leaf(0), name="inner")


async def anchor(idx):
    me = asyncio.current_task()
    k = 0
    while True:
        await asyncio.sleep(0.001)
        k += 1
        if k % 8 == 0:                  # long-lived tasks get renamed too (same id)
            me.set_name("anchor-%d-%s" % (idx, "y" * (k % 23)))


async def churn(idx):
    loop = asyncio.get_running_loop()
    tid = threading.get_native_id()
    keep = []
    for a in range(3):
        t = asyncio.create_task(anchor(idx * 10 + a), name="anchor-%d" % (idx * 10 + a))
        keep.append(t)
        with anchors_lock:
            anchors.append([tid, hex(id(t)), idx * 10 + a])
    started.wait()
    n = 0
    while True:
        # 1. a flat gather of short tasks, some renamed while pending
        batch = [asyncio.create_task(leaf(i), name="c%d" % (n + i)) for i in range(BATCH)]
        for t in batch[::5]:
            t.set_name("renamed-%d-%s" % (n, "z" * (n % 17)))
        await asyncio.gather(*batch)
        n += BATCH
        # 2. a TaskGroup with a nested TaskGroup and a self-renaming task
        await asyncio.create_task(group_body(n % 97, 16), name="group-%d" % n)
        n += 16 + 3
        # 3. asyncio.wait over tasks that await each other through a gather
        inner = [asyncio.create_task(leaf(i), name="w%d" % i) for i in range(8)]
        outer = asyncio.create_task(asyncio_gather_wrapper(inner), name="waiter")
        await asyncio.wait([outer, *inner])
        n += 9
        counts[idx] = n


async def asyncio_gather_wrapper(tasks):
    return await asyncio.gather(*tasks)


def thread_main(idx):
    asyncio.run(churn(idx))


def main():
    # THREADS loop threads; the main thread only reports the rate (it has no loop).
    for i in range(THREADS):
        threading.Thread(target=thread_main, args=(i,), daemon=True, name="churn-%d" % i).start()
    started.wait()
    aps_target.announce_ready({
        "main_tid": threading.get_native_id(),
        "threads": [th.native_id for th in threading.enumerate()],
        "anchors": anchors,
    })
    last, last_t = sum(counts), time.monotonic()
    while True:
        time.sleep(1.0)
        now, now_t = sum(counts), time.monotonic()
        sys.stdout.write("RATE %d %d\n" % ((now - last) / (now_t - last_t), now))
        sys.stdout.flush()
        last, last_t = now, now_t


if __name__ == "__main__":
    main()
