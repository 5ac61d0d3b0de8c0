# Two tasks awaiting each other: pstree reports the cycle (exit 1), ps prints normally.
import asyncio
import aps_target

tasks = {}


async def a():
    await tasks["B"]


async def b():
    await tasks["A"]


async def main():
    tasks["A"] = asyncio.create_task(a(), name="A")
    tasks["B"] = asyncio.create_task(b(), name="B")
    aps_target.ready_when_parked()
    await asyncio.sleep(aps_target.FOREVER)


asyncio.run(main())
