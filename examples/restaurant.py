"""A small restaurant, for trying aps: a host task runs a TaskGroup of customers; each customer
awaits a waiter, who awaits the chef, who awaits the cooking; the kitchen also runs a dishwasher.

    python3.14 examples/restaurant.py &      then      aps ps $!   /   aps pstree $!
"""

import asyncio


async def cooking(dish):
    await asyncio.sleep(3600)


async def chef(dish):
    await cooking(dish)


async def waiter(table):
    await chef(f"dish for table {table}")


async def customer(table):
    await waiter(table)


async def dishwasher():
    while True:
        await asyncio.sleep(3600)


async def restaurant():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(customer(1), name="customer1.0")
        tg.create_task(customer(2), name="customer2.0")
        tg.create_task(dishwasher(), name="dishwasher")
        for _ in range(3):
            await asyncio.sleep(0)
        print("ready", flush=True)
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(restaurant())
