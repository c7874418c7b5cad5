"""Helpers for the HeyGen client tests: a recorder for mock HeyGen, the v3 contract validator and the checking wire."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import httpx
import jsonschema

from heygen_studio.api import RetryPolicy

SECRET = "sk-test-SECRET-4f9c2e"
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=0.05)


@dataclass
class Recorder:
    """What a mock HeyGen saw, and how long the client chose to sleep between attempts."""

    requests: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


Handler = Callable[[httpx.Request], httpx.Response]


def _load_contract() -> dict[str, Any]:
    text = resources.files("heygen_studio.sandbox").joinpath("contract/v3-contract.json").read_text()
    return json.loads(text)


CONTRACT = _load_contract()


def _anyof_discriminators(schema: Any) -> Any:
    """jsonschema knows no OpenAPI discriminator: check the discriminator value, then match any branch.

    (Several v3 branches are structurally identical, e.g. the engine configs, so plain oneOf can't tell them apart.)
    """
    if isinstance(schema, list):
        return [_anyof_discriminators(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _anyof_discriminators(value) for key, value in schema.items() if key != "discriminator"}
    disc = schema.get("discriminator")
    if disc and "oneOf" in out:
        branches = out.pop("oneOf")
        prop = disc["propertyName"]
        out["allOf"] = [
            {"anyOf": branches},
            {"properties": {prop: {"enum": sorted(disc["mapping"])}}, "required": [prop]},
        ]
    return out


def operation_for(method: str, path: str) -> dict[str, Any]:
    """The contract operation a request's method and path fall under (most specific template first)."""
    matches = []
    for op in CONTRACT["operations"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", op["path"]) + "$"
        if op["method"] == method and re.match(pattern, path):
            matches.append(op)
    assert matches, f"{method} {path} is not in the v3 contract"
    return min(matches, key=lambda op: op["path"].count("{"))


def validate_v3_request(request: httpx.Request) -> dict[str, Any]:
    """Check a v3 request's query and JSON body against the contract; return the operation."""
    op = operation_for(request.method, request.url.path)
    declared = {p["name"]: p for p in op["parameters"]}
    for name, value in request.url.params.multi_items():
        assert name in declared, f"{op['operation']}: query parameter {name!r} is not in the contract"
        enum = declared[name].get("enum")
        assert not enum or value in enum, f"{op['operation']}: {name}={value!r} not in {enum}"
    if op["body_encoding"] == "json":
        body = json.loads(request.content or b"{}")
        schema = _anyof_discriminators(copy.deepcopy(op["request_schema"]))
        jsonschema.validate(body, schema)
    elif op["body_encoding"] == "multipart":
        assert request.headers["content-type"].startswith("multipart/form-data")
        assert b'name="file"' in request.content
    return op


def validate_v3_response(method: str, path: str, body: Any) -> None:
    """Check a v3 response body against the contract's response schema (none to check where it publishes none)."""
    op = operation_for(method, path)
    if op["response_schema"] is None:
        return
    jsonschema.validate(body, _anyof_discriminators(copy.deepcopy(op["response_schema"])))


class ContractChecking(httpx.AsyncBaseTransport):
    """Passes requests to the sandbox, checking v3 requests and the sandbox's v3 answers against the contract,
    and remembering every request it passed on."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.checked = 0
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        is_v3 = request.url.path.startswith("/v3/")
        if is_v3:
            validate_v3_request(request)
        response = await self.inner.handle_async_request(request)
        await response.aread()
        if is_v3 and response.is_success:
            validate_v3_response(request.method, request.url.path, json.loads(response.content))
            self.checked += 1
        return response

    def posts(self, path: str) -> list[dict[str, Any]]:
        """The JSON bodies of the POSTs to `path`, in order."""
        return [json.loads(r.content) for r in self.requests if r.method == "POST" and r.url.path == path]


def finished(item: Any) -> bool:
    return item.status is not None and item.status.is_final
