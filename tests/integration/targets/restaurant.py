# The seed article's example: restaurant -> TaskGroup -> customer1.0 -> waiter -> chef -> cooking -> sleep
import asyncio
import aps_target


async def customer():
    await waiter()


async def waiter():
    await chef()


async def chef():
    await cooking()


async def cooking():
    await asyncio.sleep(aps_target.FOREVER)


async def restaurant():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(customer(), name="customer1.0")
        aps_target.ready_when_parked()
        await asyncio.sleep(aps_target.FOREVER)


asyncio.run(restaurant())
