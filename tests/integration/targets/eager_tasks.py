# eager_task_factory: tasks start running synchronously at creation.
import asyncio
import aps_target


async def quick():
    return 42              # finishes eagerly, never registered as pending


async def blocker(n):
    await asyncio.sleep(aps_target.FOREVER + n)


async def parent():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(quick(), name="eager-quick")
        tg.create_task(blocker(1), name="eager-child-1")
        tg.create_task(blocker(2), name="eager-child-2")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    p = asyncio.create_task(parent(), name="eager-parent")
    aps_target.ready_when_parked()
    await p


asyncio.run(main())
