# A chain of DEPTH tasks (argv[1], default 20,000): task i awaits task i+1, which it created;
# the last one sleeps. The reference's tree indents each task 8 columns deeper than the one
# before (its line and its awaiting frame): its text grows with the square of the depth, and its
# recursive walks stop near depth 1,000; aps caps the indentation.
import asyncio
import sys

import aps_target

DEPTH = int(sys.argv[1]) if len(sys.argv) > 1 else 20000


async def step(n):
    if n + 1 == DEPTH:
        aps_target.ready_when_parked(depth=DEPTH)
        await asyncio.sleep(aps_target.FOREVER)
    else:
        await asyncio.create_task(step(n + 1), name="t%d" % (n + 1))


asyncio.run(step(0))
