"""UI stall meter: a QTimer heartbeat on the running Qt loop; a stall is how late each beat came.

`Heartbeat(sample_over_ms=50)` also samples the main thread's Python stack from a watcher thread
whenever a beat is that late, so a benchmark can say what blocked the UI (`Stalls.blockers`).
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer

SAMPLE_EVERY_S = 0.005
STACK_DEPTH = 8  # innermost frames kept per sample


@dataclass(frozen=True)
class Stalls:
    """How late the heartbeat came, in milliseconds past its interval, and what was on the stack."""

    beats: int
    longest_ms: float
    p99_ms: float
    median_ms: float
    blockers: tuple[tuple[int, str], ...] = field(default=())  # (samples, innermost frames), most first

    def as_dict(self) -> dict[str, object]:
        figures: dict[str, object] = {
            "beats": self.beats,
            "longest_ms": self.longest_ms,
            "p99_ms": self.p99_ms,
            "median_ms": self.median_ms,
        }
        if self.blockers:
            figures["blockers"] = [
                {"ms": round(samples * SAMPLE_EVERY_S * 1000), "stack": stack} for samples, stack in self.blockers
            ]
        return figures


class Heartbeat:
    """`start()`, let the loop run, `stop()` → Stalls. Only a running Qt loop makes it beat."""

    def __init__(self, interval_ms: int = 10, sample_over_ms: float | None = None) -> None:
        self.interval_ms = interval_ms
        self._late_ms: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)
        self._sample_over_s = None if sample_over_ms is None else (interval_ms + sample_over_ms) / 1000
        self._samples: Counter[str] = Counter()
        self._watching = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> None:
        self._late_ms.clear()
        self._samples.clear()
        self._last = time.perf_counter()
        self._timer.start()
        if self._sample_over_s is not None:
            self._watching.set()
            self._watcher = threading.Thread(
                target=self._watch, args=(threading.get_ident(),), name="stall-sampler", daemon=True
            )
            self._watcher.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self._late_ms.append(max(0.0, (now - self._last) * 1000 - self.interval_ms))
        self._last = now

    def _watch(self, main_thread: int) -> None:
        assert self._sample_over_s is not None
        while self._watching.is_set():
            time.sleep(SAMPLE_EVERY_S)
            if time.perf_counter() - self._last > self._sample_over_s:
                frame = sys._current_frames().get(main_thread)  # noqa: SLF001  (the sampling profilers' way)
                if frame is not None:
                    frames = traceback.extract_stack(frame)[-STACK_DEPTH:]
                    self._samples[
                        " <- ".join(f"{f.name} ({f.filename.rsplit('/', 1)[-1]}:{f.lineno})" for f in reversed(frames))
                    ] += 1

    def stop(self) -> Stalls:
        self._timer.stop()
        self._watching.clear()
        if self._watcher is not None:
            self._watcher.join()
        late = sorted(self._late_ms) or [0.0]
        return Stalls(
            beats=len(self._late_ms),
            longest_ms=round(late[-1], 1),
            p99_ms=round(late[min(len(late) - 1, int(len(late) * 0.99))], 1),
            median_ms=round(late[len(late) // 2], 2),
            blockers=tuple((count, stack) for stack, count in self._samples.most_common(10)),
        )
