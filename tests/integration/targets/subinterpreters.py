# Tasks in the main interpreter and in subinterpreters, each running its own event loop in its own
# thread (concurrent.interpreters, or the _interpreters module underneath it). The oracle lists
# every task with its interpreter's id; "interpreters_oldest_first" gives the creation order.
# APS_SUBINTERPRETERS (default 2) sets how many subinterpreters are started.
import asyncio
import json
import os
import threading
import time
import aps_target

try:
    from concurrent import interpreters
except ImportError:  # 3.13 and older have no public module; aps rejects them anyway
    interpreters = None

SUB_CODE = """
import asyncio, json, sys, threading
sys.path.insert(0, TARGETS)
import aps_target

async def sub_leaf():
    await asyncio.sleep(aps_target.FOREVER)

async def sub_waiter(i):
    await sub_leaf()

async def sub_main():
    asyncio.current_task().set_name(f"sub{INDEX}-root")
    async with asyncio.TaskGroup() as tg:
        for i in range(2):
            tg.create_task(sub_waiter(i), name=f"sub{INDEX}-task{i}")

        def parked():
            with open(REPORT + ".tmp", "w", encoding="utf-8") as f:
                json.dump(aps_target.describe_tasks(), f)
            import os
            os.replace(REPORT + ".tmp", REPORT)

        aps_target.when_quiet(parked, 0.2)

asyncio.run(sub_main())
"""


def run_sub(interp, code):
    interp.exec(code)


async def main_leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def main():
    asyncio.current_task().set_name("main-root")
    async with asyncio.TaskGroup() as tg:
        tg.create_task(main_leaf(), name="main-leaf")
        aps_target.ready_when_parked(extra=sub_tasks, interpreters_oldest_first=interp_ids)


oracle_path = os.environ.get("APS_TEST_ORACLE", "/tmp/aps-subinterpreters")
sub_tasks = []
interp_ids = [0]
for index in range(int(os.environ.get("APS_SUBINTERPRETERS", "2"))):
    interp = interpreters.create()
    report = "%s.sub%d.json" % (oracle_path, index)
    interp.prepare_main(TARGETS=os.path.dirname(os.path.abspath(__file__)), REPORT=report,
                        INDEX=index)
    threading.Thread(target=run_sub, args=(interp, SUB_CODE), daemon=True).start()
    deadline = time.monotonic() + 50
    while not os.path.exists(report):
        if time.monotonic() > deadline:
            raise SystemExit("subinterpreter %d never parked its tasks" % index)
        time.sleep(0.05)
    with open(report, encoding="utf-8") as f:
        for task in json.load(f):
            sub_tasks.append(dict(task, interp=interp.id))
    os.unlink(report)
    interp_ids.append(interp.id)

asyncio.run(main())
