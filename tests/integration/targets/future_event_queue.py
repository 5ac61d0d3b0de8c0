# Tasks parked on a plain Future, an Event, a Queue, a Lock, a Condition.
import asyncio
import aps_target


async def on_future(fut):
    await fut


async def on_event(ev):
    await ev.wait()


async def on_queue(q):
    await q.get()


async def on_lock(lock):
    async with lock:
        pass


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    ev = asyncio.Event()
    q = asyncio.Queue()
    lock = asyncio.Lock()
    await lock.acquire()
    tasks = [
        asyncio.create_task(on_future(fut), name="on-future"),
        asyncio.create_task(on_event(ev), name="on-event"),
        asyncio.create_task(on_queue(q), name="on-queue"),
        asyncio.create_task(on_lock(lock), name="on-lock"),
    ]
    aps_target.ready_when_parked()
    await ev.wait()
    await asyncio.gather(*tasks)


asyncio.run(main())
