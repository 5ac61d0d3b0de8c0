# For `aps watch`: tasks parked for known times.  "parked-forever" waits from the start on an
# Event that is never set (and Task-1 on the gather of all tasks); the "mover-N" tasks move to
# another await site every 0.5 s, going round 7 sites, so two samples about a second apart
# (1 s +- jitter = 1 to 3 sites further) never find a mover where it was.
import asyncio
import aps_target


async def parked_forever(event):
    await event.wait()


async def mover():
    while True:
        await asyncio.sleep(0.5)
        await asyncio.sleep(0.5)
        await asyncio.sleep(0.5)
        await asyncio.sleep(0.5)
        await asyncio.sleep(0.5)
        await asyncio.sleep(0.5)
        await asyncio.sleep(0.5)


async def main():
    event = asyncio.Event()
    tasks = [asyncio.create_task(parked_forever(event), name="parked-forever")]
    tasks += [asyncio.create_task(mover(), name="mover-%d" % i) for i in (1, 2, 3)]
    await asyncio.sleep(0.1)
    aps_target.announce_ready()
    await asyncio.gather(*tasks)


asyncio.run(main())
