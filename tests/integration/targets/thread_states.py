# Threads in states the dump's status words name: one handling an exception (asleep inside an
# `except` block), one parked in a lock's acquire, one in a generator's frame, and the main
# thread's event loop with tasks parked on asyncio's synchronization primitives.
import asyncio
import threading
import time
import aps_target

started = threading.Barrier(4)
lock = threading.Lock()
lock.acquire()


def handling():
    try:
        raise ValueError("being handled")
    except ValueError:
        started.wait()
        time.sleep(aps_target.FOREVER)


def waiting():
    started.wait()
    lock.acquire()


def generating():
    def gen():
        started.wait()
        time.sleep(aps_target.FOREVER)
        yield
    next(gen())


async def on_lock(alock):
    async with alock:
        pass


async def main():
    for fn in (handling, waiting, generating):
        threading.Thread(target=fn, daemon=True).start()
    started.wait()
    alock = asyncio.Lock()
    await alock.acquire()
    event, sem, cond = asyncio.Event(), asyncio.Semaphore(0), asyncio.Condition()
    async with asyncio.TaskGroup() as tg:
        tg.create_task(on_lock(alock), name="on-lock")
        tg.create_task(event.wait(), name="on-event")
        tg.create_task(sem.acquire(), name="on-semaphore")

        async def on_condition():
            async with cond:
                await cond.wait()
        tg.create_task(on_condition(), name="on-condition")
        aps_target.ready_when_parked()


asyncio.run(main())
