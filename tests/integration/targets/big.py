# $APS_BIG_TASKS parked tasks (default 100,000) in groups of 100, for reads that take a while.
import asyncio
import os

import aps_target

N = int(os.environ.get("APS_BIG_TASKS", "100000"))


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def group(g, n):
    async with asyncio.TaskGroup() as tg:
        for i in range(n):
            tg.create_task(leaf(), name="t-%d-%d" % (g, i))


async def main():
    async with asyncio.TaskGroup() as tg:
        for g in range(max(1, N // 100)):
            tg.create_task(group(g, 99), name="g-%d" % g)
        aps_target.when_quiet(aps_target.announce_ready, 0.5)


asyncio.run(main())
