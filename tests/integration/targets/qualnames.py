# Qualified names: methods, nested closures, classmethods, staticmethods,
# lambdas returning coroutines.
import asyncio
import aps_target


async def park():
    await asyncio.sleep(aps_target.FOREVER)


class Kitchen:
    async def cook(self):
        await park()

    @classmethod
    async def open(cls):
        await park()

    @staticmethod
    async def clean():
        await park()

    class Oven:
        async def bake(self):
            await park()


def outer():
    async def inner():
        async def innermost():
            await park()
        await innermost()
    return inner


make = lambda: park()          # a lambda returning a coroutine


async def main():
    tasks = [
        asyncio.create_task(Kitchen().cook(), name="method"),
        asyncio.create_task(Kitchen.open(), name="classmethod"),
        asyncio.create_task(Kitchen.clean(), name="staticmethod"),
        asyncio.create_task(Kitchen.Oven().bake(), name="nested-class"),
        asyncio.create_task(outer()(), name="closure"),
        asyncio.create_task(make(), name="lambda"),
        asyncio.create_task((lambda: Kitchen().cook())(), name="inline-lambda"),
    ]
    aps_target.ready_when_parked()
    await asyncio.gather(*tasks)


asyncio.run(main())
