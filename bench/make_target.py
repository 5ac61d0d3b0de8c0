#!/usr/bin/env python3
"""Benchmark target: a CPython 3.14/3.15 process with N parked asyncio tasks.

    python3.14 bench/make_target.py --tasks N [--depth D] [--fan-in F] [--name-len L]
                                    [--structure FILE]

Shape (N counts every task, the main task included):
  - the main task (named "main") awaits one shared "forever" future;
  - the other N-1 tasks come in groups: one group task awaiting, with asyncio.gather,
    F leaf tasks (fan-in F: each group task is in the awaited-by of F leaves). With F = 0
    there are no groups: every task is a leaf awaited by nobody;
  - a leaf runs a chain of D nested coroutines (leaf_0 -> leaf_1 -> ... -> leaf_{D-1}); the
    innermost awaits the shared future;
  - task names are "t<index>" padded with '.' to L characters (never cut).

Prints progress to stderr, writes the structure (if asked) and then READY on stdout once every
task is parked; from then on nothing changes until the process is killed.

Structure file (TSV, one line per task, list order is not implied):
    <hex id>\t<name>\t<hex id of its awaiter, or "">\t<kind: main|group|leaf>
"""
import argparse
import asyncio
import os
import sys

FOREVER_NAME = "main"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tasks", type=int, required=True, help="total tasks, main task included")
    p.add_argument("--depth", type=int, default=3, help="coroutine chain depth of a leaf (>=1)")
    p.add_argument("--fan-in", type=int, default=10,
                   help="leaves per group task (0: no group tasks)")
    p.add_argument("--name-len", type=int, default=12, help="task name length (padded)")
    p.add_argument("--structure", help="write the structure TSV here before READY")
    a = p.parse_args()
    if a.tasks < 1 or a.depth < 1 or a.fan_in < 0 or a.name_len < 0:
        p.error("need --tasks >= 1, --depth >= 1, --fan-in >= 0, --name-len >= 0")
    # The structure is renamed into place: never over a device such as /dev/null.
    if a.structure and os.path.exists(a.structure) and not os.path.isfile(a.structure):
        p.error("--structure must name a regular file: %s" % a.structure)
    return a


def name_for(i, length):
    base = f"t{i}"
    return base + "." * (length - len(base)) if len(base) < length else base


class State:
    def __init__(self, total):
        self.total = total
        self.parked = 0
        self.forever = None


# Nested coroutines: leaf_0 awaits leaf_1 ... leaf_{depth-1} awaits the shared future. Written
# out (not recursive) so every level has its own code object and qualname.
async def leaf_chain(state, depth):
    if depth <= 1:
        state.parked += 1
        await state.forever
    else:
        await leaf_next(state, depth - 1)


async def leaf_next(state, depth):
    if depth <= 1:
        state.parked += 1
        await state.forever
    else:
        await leaf_chain(state, depth - 1)


async def group(state, children):
    state.parked += 1
    await asyncio.gather(*children)


def progress(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


async def main(args):
    loop = asyncio.get_running_loop()
    state = State(args.tasks)
    state.forever = loop.create_future()
    me = asyncio.current_task()
    me.set_name(FOREVER_NAME)
    others = args.tasks - 1
    awaiter = {}  # task -> group task (leaves of a group)
    created = 0
    step = max(others // 10, 1)
    next_report = step
    index = 1
    while created < others:
        if args.fan_in > 0 and others - created >= 2:
            leaves = min(args.fan_in, others - created - 1)
            children = []
            for _ in range(leaves):
                children.append(loop.create_task(leaf_chain(state, args.depth),
                                                 name=name_for(index, args.name_len)))
                index += 1
            g = loop.create_task(group(state, children), name=name_for(index, args.name_len))
            index += 1
            for c in children:
                awaiter[c] = g
            created += leaves + 1
        else:
            loop.create_task(leaf_chain(state, args.depth), name=name_for(index, args.name_len))
            index += 1
            created += 1
        if created >= next_report:
            progress(f"make_target: created {created}/{others} tasks")
            next_report += step
    while state.parked < others:
        await asyncio.sleep(0.01)
    progress(f"make_target: {others} tasks parked")
    loop.call_later(0.2, announce, args, awaiter)
    await state.forever


def announce(args, awaiter):
    if args.structure:
        with open(args.structure + ".tmp", "w", encoding="utf-8") as f:
            for t in asyncio.all_tasks():
                parent = awaiter.get(t)
                if t.get_name() == FOREVER_NAME:
                    kind = "main"
                else:
                    kind = "group" if t.get_coro().__qualname__ == "group" else "leaf"
                f.write(f"{hex(id(t))}\t{t.get_name()}\t"
                        f"{hex(id(parent)) if parent is not None else ''}\t{kind}\n")
        os.replace(args.structure + ".tmp", args.structure)
    sys.stdout.write("READY\n")
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
