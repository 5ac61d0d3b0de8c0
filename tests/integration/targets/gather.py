# asyncio.gather of named tasks, unnamed tasks and bare coroutines.
import asyncio
import aps_target


async def fetch(n):
    await asyncio.sleep(aps_target.FOREVER + n)


async def collect():
    named = [asyncio.create_task(fetch(i), name=f"fetch-{i}") for i in range(3)]
    unnamed = [asyncio.create_task(fetch(10 + i)) for i in range(2)]
    await asyncio.gather(*named, *unnamed, fetch(20), fetch(21))


async def main():
    t = asyncio.create_task(collect(), name="collector")
    aps_target.ready_when_parked()
    await t


asyncio.run(main())
