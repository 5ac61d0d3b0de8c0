# TaskGroups three levels deep, several children per group.
import asyncio
import aps_target


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def mid(i):
    async with asyncio.TaskGroup() as tg:
        for j in range(2):
            tg.create_task(leaf(), name=f"leaf-{i}.{j}")


async def top():
    async with asyncio.TaskGroup() as tg:
        for i in range(3):
            tg.create_task(mid(i), name=f"mid-{i}")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(top(), name="top")
        tg.create_task(leaf(), name="sibling-leaf")
        aps_target.ready_when_parked()


asyncio.run(main())
