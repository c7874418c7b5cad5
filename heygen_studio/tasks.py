"""A registry that owns background asyncio tasks so nothing outlives the window that started it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskRegistry:
    """Starts named tasks, reports their unexpected failures, and cancels them all on `aclose`."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def spawn(self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """Run `coro` in the background; an exception it raises goes to the loop's error handler."""
        if self._closed:
            coro.close()
            raise RuntimeError("the app is shutting down; no new background work")
        # The app's loop (qasync) also runs Qt slots; widgets built before it runs still queue work.
        task = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            task.get_loop().call_exception_handler(
                {
                    "message": f"Background task {task.get_name()!r} failed",
                    "exception": error,
                    "task": task,
                }
            )

    async def aclose(self) -> None:
        """Cancel every task still running and wait until they have all finished."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        log.debug("Cancelled %d background task(s)", len(tasks))
