# One task awaited by many tasks (the awaited-by set holds many entries).
import asyncio
import aps_target


async def shared_work():
    await asyncio.sleep(aps_target.FOREVER)


async def waiter(shared):
    await shared


async def main():
    shared = asyncio.create_task(shared_work(), name="shared")
    waiters = [asyncio.create_task(waiter(shared), name=f"waiter-{i}") for i in range(12)]
    aps_target.ready_when_parked()
    await asyncio.wait(waiters)


asyncio.run(main())
