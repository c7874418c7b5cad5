"""Garbage is collected on the Qt thread, never in a worker thread that happens to allocate."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QApplication

from heygen_studio.ui.main_thread_gc import MainThreadGarbageCollector


class Cycle:
    """Cyclic garbage that records the thread its finalizer ran in."""

    def __init__(self, seen: list[str]) -> None:
        self.me = self
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


def test_cycles_made_here_are_collected_on_the_qt_thread_even_when_a_worker_allocates(qapp: QApplication) -> None:
    assert not gc.isenabled()  # the UI tests' own collector (conftest) is running, as in the app
    collector = MainThreadGarbageCollector(qapp, interval_ms=10)
    seen: list[str] = []
    Cycle(seen)

    kept: list[list[object]] = []

    def allocate() -> None:  # far past gc's thresholds: with gc enabled this worker would collect
        kept.extend([] for _ in range(50_000))

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert seen == []  # nothing collected off the Qt thread
    assert collector.collect_if_due() is not None  # the worker's allocations made a collection due
    assert seen == [threading.current_thread().name]  # and it ran here, on the Qt thread
    collector.stop()
    assert gc.isenabled()
    gc.disable()  # the conftest's collector still owns collection for the rest of this test
