# asyncio.timeout / timeout_at context managers around awaits.
import asyncio
import aps_target


async def sleeper():
    await asyncio.sleep(aps_target.FOREVER)


async def bounded():
    async with asyncio.timeout(aps_target.FOREVER * 2):
        await sleeper()


async def bounded_task(t):
    loop = asyncio.get_running_loop()
    async with asyncio.timeout_at(loop.time() + aps_target.FOREVER * 2):
        await t


async def main():
    s = asyncio.create_task(sleeper(), name="sleeper")
    a = asyncio.create_task(bounded(), name="bounded")
    b = asyncio.create_task(bounded_task(s), name="bounded-task")
    aps_target.ready_when_parked()
    async with asyncio.timeout(None):
        await asyncio.gather(a, b)


asyncio.run(main())
