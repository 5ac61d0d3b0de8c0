# A thread runs a loop, creates tasks, stops the loop and exits without
# finishing (or closing) them: the pending tasks move to the interpreter's
# list (tid 0).  The main thread has tasks of its own.
import asyncio
import threading
import aps_target

abandoned = []            # keeps the loop and the tasks alive


async def orphan_child():
    await asyncio.sleep(aps_target.FOREVER)


async def orphan_parent(child):
    await child


def short_lived_thread():
    loop = asyncio.new_event_loop()
    child = loop.create_task(orphan_child(), name="orphan-child")
    parent = loop.create_task(orphan_parent(child), name="orphan-parent")
    lone = loop.create_task(orphan_child(), name="orphan-lone")
    loop.run_until_complete(asyncio.sleep(0.05))   # let them park
    abandoned.extend([loop, child, parent, lone])
    abandoned.append([{"tid": 0, "id": hex(id(t)), "name": t.get_name()}
                      for t in (child, parent, lone)])


async def main_worker():
    await asyncio.sleep(aps_target.FOREVER)


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(main_worker(), name="main-worker")
        aps_target.ready_when_parked(extra=abandoned[-1])


t = threading.Thread(target=short_lived_thread)
t.start()
t.join()
asyncio.run(main())
