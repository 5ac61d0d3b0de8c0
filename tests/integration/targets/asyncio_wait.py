# asyncio.wait(FIRST_COMPLETED / ALL_COMPLETED) and asyncio.as_completed.
import asyncio
import aps_target


async def job(n):
    await asyncio.sleep(aps_target.FOREVER + n)


async def first(tasks):
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)


async def as_done(tasks):
    for fut in asyncio.as_completed(tasks):
        await fut


async def main():
    jobs = [asyncio.create_task(job(i), name=f"job-{i}") for i in range(4)]
    f = asyncio.create_task(first(jobs[:2]), name="first-completed")
    c = asyncio.create_task(as_done(jobs[2:]), name="as-completed")
    aps_target.ready_when_parked()
    await asyncio.wait([f, c, *jobs])


asyncio.run(main())
