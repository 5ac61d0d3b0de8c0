# A diamond of tasks, LEVELS deep (argv[1], default 30): two tasks per level, each awaiting both
# tasks of the next level (asyncio.gather), main awaiting the first level. The reference prints
# every shared subtree again under each of its awaiters, so its text doubles with each level
# (2^29 copies of the bottom level at 30); aps prints it compact.
import asyncio
import sys

import aps_target

LEVELS = int(sys.argv[1]) if len(sys.argv) > 1 else 30


async def bottom():
    await asyncio.sleep(aps_target.FOREVER)


async def level(a, b):
    await asyncio.gather(a, b)


async def main():
    below = [asyncio.create_task(bottom(), name="L%d%s" % (LEVELS - 1, k)) for k in "ab"]
    for n in range(LEVELS - 2, -1, -1):
        below = [asyncio.create_task(level(*below), name="L%d%s" % (n, k)) for k in "ab"]
    aps_target.ready_when_parked(levels=LEVELS)
    await asyncio.gather(*below)


asyncio.run(main())
