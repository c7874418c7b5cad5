"""/_media like a CDN that misbehaves: bodies cut or stalled part-way, expiring links, and a log of every request."""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from heygen_studio.sandbox.faults import ConnectionDropped, FaultPlan

MEDIA_PREFIX = "/_media/"
EXPIRES = "Expires"
_RANGE_START = re.compile(r"bytes=\s*(\d+)-")


@dataclass
class MediaRequest:
    """One /_media request as the sandbox answered it."""

    path: str
    range: str | None  # the Range header as sent
    status: int | None = None
    sent_bytes: int = 0  # of the body
    stalled: bool = False
    ended: str = "open"  # complete | cut (a fault dropped the connection) | abandoned (the client hung up in a stall)

    @property
    def range_start(self) -> int | None:
        """The first byte a `bytes=N-...` Range asked for (None without one)."""
        match = _RANGE_START.match(self.range or "")
        return int(match.group(1)) if match else None


def signed(url: str, ttl_s: float | None, now: float) -> str:
    """`url` as a link that expires `ttl_s` seconds from `now` (unchanged when links do not expire)."""
    return url if ttl_s is None else f"{url}?{EXPIRES}={now + ttl_s:.3f}"


def expired(query_string: bytes, now: float) -> bool:
    """Whether a link's Expires has passed; a mangled one is refused like an expired one."""
    values = parse_qs(query_string.decode("latin-1")).get(EXPIRES)
    if not values:
        return False
    try:
        return float(values[0]) < now
    except ValueError:
        return True


class MediaFaultMiddleware:
    """Logs every /_media request in `state.media_requests`, refuses expired links with 403 and applies
    the plan's media faults to the body."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state  # a SandboxState: `.faults`, `.media_requests`, `.now()`
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(MEDIA_PREFIX):
            await self.app(scope, receive, send)
            return
        asked = dict(scope["headers"]).get(b"range")
        entry = MediaRequest(scope["path"], asked.decode("latin-1") if asked else None)
        self.state.media_requests.append(entry)
        answer = _Answer(self, entry, send, receive)
        if expired(scope.get("query_string", b""), self.state.now()):
            await PlainTextResponse("This link has expired.", status_code=403)(scope, receive, answer)
            return
        await self.app(scope, receive, answer)

    def take(self, path: str) -> tuple[bool, bool, FaultPlan]:
        """Whether the body of `path` is cut and whether it stalls, using up the plan's counters."""
        plan: FaultPlan = self.state.faults
        if not path.endswith(plan.media_suffix):
            return False, False, plan
        with self._lock:
            cut, stall = plan.media_cut_next > 0, plan.media_stall_next > 0
            plan.media_cut_next -= cut
            plan.media_stall_next -= stall
        return cut, stall, plan


class _Answer:
    """The `send` of one media request: records what goes out; cuts or stalls the body as planned."""

    def __init__(self, middleware: MediaFaultMiddleware, entry: MediaRequest, send: Send, receive: Receive) -> None:
        self.middleware = middleware
        self.entry = entry
        self.send = send
        self.receive = receive
        self.at_bytes = middleware.state.faults.media_fault_at_bytes
        self.checked = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.entry.status = message["status"]
            await self.send(message)
            return
        if self.entry.ended == "abandoned":
            return
        body: bytes = message.get("body", b"")
        more: bool = message.get("more_body", False)
        head = self.at_bytes - self.entry.sent_bytes
        if not self.checked and head < len(body):  # this message reaches the fault point: only now count it
            self.checked = True
            cut, stall, plan = self.middleware.take(self.entry.path)
            if cut or stall:
                await self._body(body[:head], more=True)
                body = body[head:]
                if stall:
                    self.entry.stalled = True
                    if await _hung_up(self.receive, plan.media_stall_s):
                        self.entry.ended = "abandoned"
                        return
                if cut:
                    self.entry.ended = "cut"
                    raise ConnectionDropped("sandbox fault: media connection dropped mid-body")
        await self._body(body, more=more)
        if not more:
            self.entry.ended = "complete"

    async def _body(self, data: bytes, *, more: bool) -> None:
        await self.send({"type": "http.response.body", "body": data, "more_body": more})
        self.entry.sent_bytes += len(data)


async def _hung_up(receive: Receive, seconds: float) -> bool:
    """Wait `seconds`; True as soon as the client hangs up meanwhile."""
    try:
        async with asyncio.timeout(seconds):
            while (await receive())["type"] != "http.disconnect":
                pass
    except TimeoutError:
        return False
    return True
