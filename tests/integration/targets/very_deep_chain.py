# One task 70,000 coroutines deep (a legitimate program with its recursion limit raised), and a
# shallow one beside it. The reference fails the whole command past 1,023 (3.14) or 1,535 (3.15)
# frames; aps reads 65,536 frames, cuts the rest with a marker and prints every other task.
import asyncio
import sys

import aps_target

DEPTH = 70_000
sys.setrecursionlimit(DEPTH * 2)


async def level(n):
    if n == 0:
        await asyncio.sleep(aps_target.FOREVER)
    else:
        await level(n - 1)


async def main():
    deep = asyncio.create_task(level(DEPTH), name="deep")
    asyncio.create_task(level(3), name="shallow")
    aps_target.ready_when_parked(deep=hex(id(deep)))
    await asyncio.sleep(aps_target.FOREVER)


asyncio.run(main())
