# Nested TaskGroups whose oracle is what the program says about itself through
# asyncio.capture_call_graph (each task's call stack and awaiters); the oracle also keeps
# asyncio.format_call_graph's text of every task, for the log. Used for embedded hosts.
import asyncio
import threading
import aps_target


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def worker(i):
    async with asyncio.TaskGroup() as tg:
        for j in range(2):
            tg.create_task(leaf(), name=f"leaf-{i}.{j}")


def self_view():
    tasks, text = [], []
    for t in asyncio.all_tasks():
        graph = asyncio.capture_call_graph(t)
        stack = [[e.frame.f_code.co_qualname, e.frame.f_code.co_filename, e.frame.f_lineno]
                 for e in graph.call_stack]
        awaiters = sorted(hex(id(a.future)) for a in graph.awaited_by)
        tasks.append({"tid": threading.get_native_id(), "id": hex(id(t)), "name": t.get_name(),
                      "stack": stack, "awaited_by": awaiters})
        text.append(asyncio.format_call_graph(t))
    return tasks, text


async def main():
    async with asyncio.TaskGroup() as tg:
        for i in range(2):
            tg.create_task(worker(i), name=f"worker-{i}")

        def fire():
            tasks, text = self_view()
            aps_target.announce_ready({"main_tid": threading.get_native_id(), "tasks": tasks,
                                       "format_call_graph": text})

        aps_target.when_quiet(fire)


asyncio.run(main())
