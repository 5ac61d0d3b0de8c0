# Line numbers at the edges of what a location table can say: an emptied table, "no location"
# entries, lines near 2^29 and 2^31 (from co_firstlineno and from deltas that need a sixth varint
# group), negative lines, INT_MIN, a line that wraps past INT_MAX, and bytes CPython's compiler
# never writes. Each coroutine gets a crafted co_linetable that gives every instruction one line,
# so the line of the parked frame is known whatever instruction it is parked at.
#
# The oracle's "lines" lists, per crafted coroutine (its task has the same name), the line aps
# prints ("aps", -1 when unknown) and the one this version's reference prints ("ref"; null where
# the reference's value rests on undefined behaviour of C).
import asyncio
import sys

import aps_target

NO_COLUMNS, LONG, NONE, ONE_LINE1 = 13, 14, 15, 11
V314 = sys.version_info[:2] == (3, 14)


async def park():
    await asyncio.sleep(aps_target.FOREVER)


def varint(u):
    out = bytearray()
    while True:
        group, u = u & 63, u >> 6
        if not u:
            out.append(group)
            return bytes(out)
        out.append(group | 64)


def svarint(delta):
    return varint((-delta << 1) | 1 if delta < 0 else delta << 1)


def entry(code, length, body=b""):
    return bytes([0x80 | code << 3 | (length - 1)]) + body


def table(units, head, rest):
    """`head` (whole entries, one code unit each), then `rest` entries (one code unit each) up to
    `units` code units."""
    out = bytearray(b"".join(head))
    for _ in range(units - len(head)):
        out += rest
    return bytes(out)


def crafted(name, head, firstlineno=None, linetable=None, rest=None):
    """A coroutine function named `name` (co_qualname) whose code parks in park(), every code
    unit after `head` at the head's last line (or as `rest` says)."""
    async def template():
        await park()
    code = template.__code__
    units = len(code.co_code) // 2
    if linetable is None:
        linetable = table(units, head, entry(NO_COLUMNS, 1, b"\x00") if rest is None else rest)
    template.__code__ = code.replace(co_qualname=name, co_name=name, co_linetable=linetable,
                                     co_firstlineno=firstlineno or code.co_firstlineno)
    return template


INT_MAX = 2**31 - 1
NC = lambda delta: entry(NO_COLUMNS, 1, svarint(delta))          # noqa: E731
GROUPS7 = bytes([0x40] * 6 + [0x01])          # a seventh varint group: undefined in C

# (name, function, line aps prints, line the 3.14 reference prints, the 3.15 reference's)
CASES = [
    ("emptied", crafted("emptied", [], linetable=b""), -1, -1, -1),
    # The first unit says +5, every other one "no location": 3.14 keeps the line before.
    ("no_location", crafted("no_location", [NC(5)], firstlineno=7, rest=entry(NONE, 1)),
     -1, 12, -1),
    ("first_2p29", crafted("first_2p29", [NC(0)], firstlineno=2**29 + 5),
     2**29 + 5, 2**29 + 5, 2**29 + 5),
    ("first_near_max", crafted("first_near_max", [NC(3)], firstlineno=INT_MAX - 10),
     INT_MAX - 7, INT_MAX - 7, INT_MAX - 7),
    # Deltas of 2^29 and more need a sixth varint group, which the 3.15 reference rejects.
    ("delta_2p29", crafted("delta_2p29", [NC(2**29)], firstlineno=1), 2**29 + 1, 2**29 + 1, -1),
    ("delta_to_max", crafted("delta_to_max", [NC(INT_MAX - 1)], firstlineno=1),
     INT_MAX, INT_MAX, -1),
    ("delta_2p29_minus_1", crafted("delta_2p29_minus_1", [NC(2**29 - 1)], firstlineno=1),
     2**29, 2**29, 2**29),
    ("long_end_line", crafted("long_end_line", [entry(LONG, 1, svarint(4) + varint(2**30)
                                                      + varint(1) + varint(2))], firstlineno=5),
     9, 9, -1),
    ("negative", crafted("negative", [NC(-10)], firstlineno=1), -9, -9, -9),
    ("int_min", crafted("int_min", [NC(-INT_MAX), NC(-2)], firstlineno=1),
     -2**31, -2**31, -1),
    ("wraps", crafted("wraps", [NC(20)], firstlineno=INT_MAX - 9),
     -2**31 + 10, -2**31 + 10, -2**31 + 10),
    ("seven_groups", crafted("seven_groups", [entry(NO_COLUMNS, 1, GROUPS7)], firstlineno=1),
     -1, None, -1),
    # Bytes every CPython decoder reads alike: a varint byte with bit 7 set (only its low bits
    # count), ONE_LINE columns of 128 and more, an entry start without bit 7.
    ("varint_bit7", crafted("varint_bit7", [entry(NO_COLUMNS, 1, b"\x84")], firstlineno=9),
     11, 11, 11),
    ("one_line_columns", crafted("one_line_columns", [entry(ONE_LINE1, 1, b"\xc8\xc9")],
                                 firstlineno=9), 10, 10, 10),
    ("start_without_bit7", crafted("start_without_bit7", [bytes([NO_COLUMNS << 3, 4])],
                                   firstlineno=9), 11, 11, 11),
    # A SHORT entry's byte with bit 7 set: both references give up (-1).
    ("short_bit7", crafted("short_bit7", [NC(2), entry(0, 1, b"\x85")], firstlineno=9),
     -1, -1, -1),
]


async def main():
    tasks = [asyncio.create_task(fn(), name=name) for name, fn, *_ in CASES]
    lines = [{"function": name, "aps": aps, "ref": ref314 if V314 else ref315}
             for name, _, aps, ref314, ref315 in CASES]

    def check_interpreter():
        # Where the interpreter itself knows the line (f_lineno is None for unknown and negative
        # lines), it is the line aps prints; but for two tables it reads its own way: it finds
        # entries by their bit 7 (short_bit7) and shifts by 36 (seven_groups, undefined in C).
        for task, (name, _, aps, _, _) in zip(tasks, CASES):
            lineno = task.get_coro().cr_frame.f_lineno
            if lineno is not None and name not in ("short_bit7", "seven_groups") and lineno != aps:
                sys.exit("odd_lines: %s is at line %s, the table says %s" % (name, lineno, aps))

    aps_target.when_quiet(check_interpreter, delay=0.1)
    aps_target.ready_when_parked(lines=lines)
    await asyncio.gather(*tasks)


asyncio.run(main())
