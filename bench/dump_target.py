#!/usr/bin/env python3
"""Benchmark target for aps dump: THREADS threads, each running an event loop with TASKS/THREADS
parked tasks (a chain of 3 coroutines each), plus the main thread's own loop.

    python3.15 bench/dump_target.py [--threads 50] [--tasks 10000]

Prints READY on stdout once every task of every loop is parked; nothing changes afterwards.
"""
import argparse
import asyncio
import sys
import threading


async def leaf_2():
    await asyncio.sleep(3600)


async def leaf_1():
    await leaf_2()


async def leaf_0():
    await leaf_1()


async def loop_main(n, parked):
    tasks = [asyncio.create_task(leaf_0(), name=f"t{i}") for i in range(n)]
    await asyncio.sleep(0.2)
    parked.release()
    await asyncio.gather(*tasks)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=50)
    p.add_argument("--tasks", type=int, default=10000)
    a = p.parse_args()
    parked = threading.Semaphore(0)
    per = a.tasks // a.threads
    for _ in range(a.threads):
        threading.Thread(target=lambda: asyncio.run(loop_main(per, parked)), daemon=True).start()
    for _ in range(a.threads):
        parked.acquire()
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    threading.Event().wait()


main()
