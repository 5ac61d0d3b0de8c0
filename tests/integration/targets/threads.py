# Three threads, each with its own event loop and tasks, plus the main thread's loop.
import asyncio
import threading
import aps_target

reports = []              # task descriptions from the other threads
thread_tids = {}          # thread index -> native thread id
all_parked = threading.Semaphore(0)


async def worker(i, j):
    await asyncio.sleep(aps_target.FOREVER)


async def thread_root(i):
    async with asyncio.TaskGroup() as tg:
        for j in range(2):
            tg.create_task(worker(i, j), name=f"thread{i}-worker{j}")

        def parked():
            reports.extend(aps_target.describe_tasks())
            all_parked.release()

        aps_target.when_quiet(parked, 0.2)


def thread_main(i):
    thread_tids[i] = threading.get_native_id()
    asyncio.run(thread_root(i))


async def main_worker():
    await asyncio.sleep(aps_target.FOREVER)


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(main_worker(), name="main-worker")
        # Thread states are linked newest first; these threads started in index order.
        aps_target.ready_when_parked(
            extra=reports, threads_oldest_first=[thread_tids[i] for i in sorted(thread_tids)])


threads = [threading.Thread(target=thread_main, args=(i,), daemon=True) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    all_parked.acquire()
asyncio.run(main())
