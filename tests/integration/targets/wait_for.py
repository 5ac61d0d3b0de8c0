# asyncio.wait_for with a long timeout, on a coroutine and on a task.
import asyncio
import aps_target


async def slow():
    await asyncio.sleep(aps_target.FOREVER)


async def impatient(x):
    await asyncio.wait_for(x, timeout=aps_target.FOREVER * 2)


async def main():
    target = asyncio.create_task(slow(), name="slow-task")
    a = asyncio.create_task(impatient(slow()), name="wait-for-coro")
    b = asyncio.create_task(impatient(target), name="wait-for-task")
    aps_target.ready_when_parked()
    await asyncio.wait_for(asyncio.gather(a, b), timeout=aps_target.FOREVER * 3)


asyncio.run(main())
