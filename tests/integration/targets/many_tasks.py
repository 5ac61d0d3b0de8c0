# 2,500 tasks, in groups of 50 awaited by a group task.
import asyncio
import aps_target


async def unit():
    await asyncio.sleep(aps_target.FOREVER)


async def group(g):
    async with asyncio.TaskGroup() as tg:
        for i in range(49):
            tg.create_task(unit(), name=f"unit-{g}-{i}")


async def main():
    async with asyncio.TaskGroup() as tg:
        for g in range(50):
            tg.create_task(group(g), name=f"group-{g}")
        aps_target.ready_when_parked(delay=1.0)


asyncio.run(main())
