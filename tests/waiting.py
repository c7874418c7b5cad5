"""Waiting in tests: let the event loop run until something holds, or fail saying what did not happen."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def until(
    condition: Callable[[], object], what: str = "the condition", *, within: float = 30.0, every: float = 0.02
) -> None:
    """Run the loop until `condition()` is true; an AssertionError naming `what` after `within` seconds."""

    async def check() -> object:
        return condition()

    await until_value(check, bool, what, within=within, every=every)


async def until_value(
    ask: Callable[[], Awaitable[T]],
    done: Callable[[T], object],
    what: str = "the value",
    *,
    within: float = 30.0,
    every: float = 0.02,
) -> T:
    """Await `ask()` every `every` seconds until `done(value)`; that value, or an AssertionError after `within`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        value = await ask()
        if done(value):
            return value
        if loop.time() > deadline:
            raise AssertionError(f"{what}: not within {within:g} s (last {value!r})")
        await asyncio.sleep(every)
