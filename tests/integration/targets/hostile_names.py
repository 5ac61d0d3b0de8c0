# Names built to break a table: control characters, ESC sequences, NUL, bidi overrides and a
# lone surrogate in task names; a 1,000,000-character task name; a coroutine whose qualname
# (code.replace(co_qualname=...)) and one whose file name (compile(src, filename, ...)) are
# about 1 MB and hold ESC/newline/bidi too.  (A Python str cannot hold an invalid code point:
# every value 0..0x10FFFF is a code point, and lone surrogates are the only "invalid" ones.)
# The oracle lists {"names": [...], "qualname": ..., "filename": ...}.
import asyncio
import types

import aps_target

BIG = 1_000_000
NAMES = [
    "esc\x1b[31mred\x1b[0m", "nl\nline", "nul\x00byte", "bidi\u202eevil\u2066x",
    "surrogate\ud800lone", "c1\x85\x9b", "tab\tcr\r", "bell\x07bs\x08del\x7f",
    "N" * BIG,
]
QUALNAME = "q\x1b[2J\n\u202e" + "Q" * BIG
FILENAME = "/f\x1b]0;title\x07\n\u2067" + "F" * BIG + ".py"


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def template():
    await asyncio.sleep(aps_target.FOREVER)


hostile_qualname = types.FunctionType(template.__code__.replace(co_qualname=QUALNAME),
                                      globals(), "hostile")
ns = {"asyncio": asyncio, "FOREVER": aps_target.FOREVER}
exec(compile("async def from_file():\n    await asyncio.sleep(FOREVER)\n", FILENAME, "exec"), ns)


async def main():
    tasks = [asyncio.create_task(leaf(), name=n) for n in NAMES]
    tasks.append(asyncio.create_task(hostile_qualname(), name="has-big-qualname"))
    tasks.append(asyncio.create_task(ns["from_file"](), name="has-big-filename"))
    aps_target.ready_when_parked(names=NAMES, qualname=QUALNAME, filename=FILENAME)
    await asyncio.gather(*tasks)


asyncio.run(main())
