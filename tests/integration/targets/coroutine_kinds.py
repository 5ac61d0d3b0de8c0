# Tasks whose coroutine is not a plain `async def` coroutine, each once standing alone and once
# awaited by another task: async-generator steps (__anext__, asend, athrow, aclose), objects that
# implement the coroutine protocol (with and without __slots__, and an aiohttp-like request
# wrapper, as `create_task(session.get(url))` makes), and a coroutine awaiting a
# @types.coroutine generator. The reference shows a step's async generator and what it awaits,
# and an empty stack for a protocol object; the oracle adds each task's coroutine type.
import asyncio
import types

import aps_target


async def leaf():
    await asyncio.sleep(aps_target.FOREVER)


async def agen():
    while True:
        try:
            x = yield 1
            await leaf()
        except ValueError:
            await leaf()
        except GeneratorExit:
            await leaf()
            raise


async def fresh_agen():
    await leaf()
    yield 1


class Protocol:
    def __init__(self, coro):
        self._coro = coro

    def send(self, value):
        return self._coro.send(value)

    def throw(self, *args):
        return self._coro.throw(*args)

    def close(self):
        return self._coro.close()

    def __await__(self):
        return self._coro.__await__()


class SlotsProtocol(Protocol):
    __slots__ = ("_coro",)


class _RequestContextManager:
    """What aiohttp's ClientSession.get() returns: awaitable, and an async context manager."""
    __slots__ = ("_coro", "_resp")

    def __init__(self, coro):
        self._coro = coro

    def send(self, arg):
        return self._coro.send(arg)

    def throw(self, *args):
        return self._coro.throw(*args)

    def close(self):
        return self._coro.close()

    def __await__(self):
        return self._coro.__await__()

    async def __aenter__(self):
        self._resp = await self._coro
        return self._resp

    async def __aexit__(self, *exc):
        pass


class Session:
    async def _request(self, url):
        await leaf()

    def get(self, url):
        return _RequestContextManager(self._request(url))


@types.coroutine
def generator_based():
    yield from asyncio.sleep(aps_target.FOREVER).__await__()


async def awaits_generator():
    await generator_based()


async def awaits_protocol():
    await Protocol(leaf())


async def waiter(task):
    await task


async def started(kind):
    """An async generator parked at its first yield, then stepped by `kind`."""
    g = agen()
    await g.__anext__()
    if kind == "asend":
        return g.asend(5)
    if kind == "athrow":
        return g.athrow(ValueError())
    return g.aclose()


async def main():
    session = Session()
    makers = {
        "anext": lambda: fresh_agen().__anext__(),
        "asend": None, "athrow": None, "aclose": None,
        "protocol": lambda: Protocol(leaf()),
        "slots": lambda: SlotsProtocol(leaf()),
        "request": lambda: session.get("http://localhost/"),
        "types_coroutine": awaits_generator,
        "awaits_protocol": awaits_protocol,
    }
    for kind, make in makers.items():
        for role in ("alone", "awaited"):
            coro = await started(kind) if make is None else make()
            task = asyncio.create_task(coro, name="%s-%s" % (kind, role))
            if role == "awaited":
                asyncio.create_task(waiter(task), name="waiter-of-%s" % kind)
    aps_target.ready_when_parked()
    await asyncio.sleep(aps_target.FOREVER)


asyncio.run(main())
