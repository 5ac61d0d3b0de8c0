# Task names containing control characters and a bidi override.
import asyncio
import aps_target


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def parent():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(leaf(), name="tab\there")
        tg.create_task(leaf(), name="esc\x1b[31mred\x1b[0m")


async def main():
    tasks = [
        asyncio.create_task(parent(), name="line\nbreak"),
        asyncio.create_task(leaf(), name="nul\x00byte"),
        asyncio.create_task(leaf(), name="del\x7fchar"),
        asyncio.create_task(leaf(), name="cr\rreturn"),
        asyncio.create_task(leaf(), name="bidi\u202eevil"),
        asyncio.create_task(leaf(), name="c1\x85next"),
    ]
    aps_target.ready_when_parked()
    await asyncio.gather(*tasks)


asyncio.run(main())
