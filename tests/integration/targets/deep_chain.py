# A 200-frame coroutine chain (well below both references' caps).
import asyncio
import aps_target

DEPTH = 200


async def descend(n):
    if n == 0:
        await asyncio.sleep(aps_target.FOREVER)
    else:
        await descend(n - 1)


async def main():
    t = asyncio.create_task(descend(DEPTH - 1), name="deep")
    aps_target.ready_when_parked()
    await t


asyncio.run(main())
