# asyncio.shield: the outer task awaits the shield future, not the inner task.
import asyncio
import aps_target


async def precious():
    await asyncio.sleep(aps_target.FOREVER)


async def guarded(inner):
    await asyncio.shield(inner)


async def main():
    inner = asyncio.create_task(precious(), name="precious")
    outer = asyncio.create_task(guarded(inner), name="guarded")
    direct = asyncio.create_task(guarded(precious()), name="guarded-coro")
    aps_target.ready_when_parked()
    await asyncio.gather(outer, direct)


asyncio.run(main())
