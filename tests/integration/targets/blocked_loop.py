# An event loop blocked by a synchronous call: task req-17 calls time.sleep inside a handler, so
# no other task of the loop runs. Other tasks park first (one awaits req-17, two sleep), and a
# second thread runs a healthy loop of its own. READY is printed from inside the blocking call's
# caller, just before it blocks.
import asyncio
import threading
import time
import aps_target

other_ready = threading.Event()


def blocking_io():
    aps_target.announce_ready({"main_tid": threading.get_native_id()})
    time.sleep(aps_target.FOREVER)


async def handler():
    blocking_io()


async def parked(i):
    await asyncio.sleep(aps_target.FOREVER)


async def other_loop_main():
    other_ready.set()
    await asyncio.sleep(aps_target.FOREVER)


async def main():
    threading.Thread(target=lambda: asyncio.run(other_loop_main()), daemon=True).start()
    other_ready.wait()
    tasks = [asyncio.create_task(parked(i), name=f"idle-{i}") for i in range(2)]
    await asyncio.sleep(0.2)  # let them park
    req = asyncio.create_task(handler(), name="req-17")
    await req
    await asyncio.gather(*tasks)


asyncio.run(main())
