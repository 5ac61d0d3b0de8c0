# A healthy but busy event loop: 200 tasks, each doing a little work per step and yielding at
# once, plus a chain of short callbacks, so that the loop always has something ready and any
# sample finds it in some task's step or callback. aps watch must not call it blocked.
import asyncio
import aps_target


def work(n):
    return sum(range(n))


async def worker(i):
    while True:
        work(40 + i % 7)
        await asyncio.sleep(0)


def callback(loop):
    work(20)
    loop.call_soon(callback, loop)


async def main():
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(worker(i), name=f"worker-{i}") for i in range(200)]
    loop.call_soon(callback, loop)
    await asyncio.sleep(0.2)
    aps_target.announce_ready()
    await asyncio.gather(*tasks)


asyncio.run(main())
