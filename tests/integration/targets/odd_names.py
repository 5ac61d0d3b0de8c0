# Names holding bytes that are not UTF-8, and names longer than 1,024 characters.
#
# Python holds a byte that did not decode (os.fsdecode) as a lone surrogate U+DC80-U+DCFF: a task
# parks in a module imported from a directory named b"lat\xe9n", file b"parked\xff.py"; two tasks
# have such names, one of them the awaiter of all the others (the ps table's awaiter-name column).
# A coroutine's qualname and another's file name are 1,100 characters long (the references cut
# both at 1,024). The oracle lists those two whole names under "long".
import asyncio
import importlib
import os
import sys
import tempfile

import aps_target

MODULE = "import asyncio\n\n\nasync def parked():\n    await asyncio.sleep(%d)\n" % (
    aps_target.FOREVER)
LONG_QUALNAME = "long_" + "q" * 1100 + "_end"
LONG_FILENAME = "/" + "f" * 1100 + "/end.py"


def import_from_undecodable_path():
    # Next to the oracle, in the driver's temporary folder, which the driver removes.
    oracle = os.environ.get("APS_TEST_ORACLE")
    base = os.path.dirname(oracle) if oracle else tempfile.mkdtemp(prefix="aps-odd-names-")
    folder = os.path.join(os.fsencode(base), b"lat\xe9n")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, b"parked\xff.py"), "w") as f:
        f.write(MODULE)
    sys.path.insert(0, os.fsdecode(folder))
    return importlib.import_module(os.fsdecode(b"parked\xff"))


async def park():
    await asyncio.sleep(aps_target.FOREVER)


async def template():
    await park()


long_qualname = type(template)(template.__code__.replace(co_qualname=LONG_QUALNAME), globals(),
                               "long_qualname")
ns = {"park": park}
exec(compile("async def in_long_file():\n    await park()\n", LONG_FILENAME, "exec"), ns)


async def main():
    parked = import_from_undecodable_path()
    tasks = [asyncio.create_task(parked.parked(), name=os.fsdecode(b"t\xe9")),
             asyncio.create_task(long_qualname(), name="long-qualname"),
             asyncio.create_task(ns["in_long_file"](), name="long-file")]
    aps_target.ready_when_parked(long=[LONG_QUALNAME, LONG_FILENAME])
    await asyncio.gather(*tasks)


async def parent():
    await asyncio.create_task(main(), name=os.fsdecode(b"caf\xe9-\xff"))


asyncio.run(parent())
