# Awaiting inside async generators: the chain goes through asend.
import asyncio
import aps_target


async def ticks():
    yield 1
    await asyncio.sleep(aps_target.FOREVER)
    yield 2


async def relay():
    async for x in ticks():
        yield x


async def consume():
    async for _ in relay():
        pass


async def consume_anext():
    gen = ticks()
    await anext(gen)
    await anext(gen)


async def main():
    a = asyncio.create_task(consume(), name="consumer")
    b = asyncio.create_task(consume_anext(), name="anext-consumer")
    aps_target.ready_when_parked()
    await asyncio.gather(a, b)


asyncio.run(main())
