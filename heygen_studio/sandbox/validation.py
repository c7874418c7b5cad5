"""Validation against HeyGen's v3 contract: request bodies, query parameters and responses."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

from heygen_studio.sandbox.errors import invalid, missing

_MUST_BE = re.compile(r"Must be '([^']+)'")
_RANGE = re.compile(r"\((\d+)-(\d+)\)")
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_:.-]{1,255}")
IDEMPOTENCY_HEADER = "Idempotency-Key"


@functools.cache
def operations() -> dict[str, dict[str, Any]]:
    """The contract's operations by name (e.g. "VideoCreate")."""
    text = resources.files("heygen_studio.sandbox").joinpath("contract/v3-contract.json").read_text("utf-8")
    return {operation["operation"]: operation for operation in json.loads(text)["operations"]}


def _alternatives(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For a `oneOf` with an OpenAPI `discriminator`: each discriminator value's alternative.

    The contract's mapping points at components it does not carry, so each alternative is matched
    by its discriminator property's "Must be 'x'" text or, failing that, by a required field named
    like the value (the asset inputs: `url`, `asset_id`).
    """
    prop = schema["discriminator"]["propertyName"]
    found: dict[str, dict[str, Any]] = {}
    for alternative in schema["oneOf"]:
        described = _MUST_BE.search(alternative.get("properties", {}).get(prop, {}).get("description", ""))
        if described:
            found[described.group(1)] = alternative
            continue
        for value in schema["discriminator"]["mapping"]:
            if value in alternative.get("required", []):
                found[value] = alternative
    return found


def _one_of(
    validator: Any, one_of: list[dict[str, Any]], instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """`oneOf` that honours OpenAPI's discriminator: validate only the alternative the value picks."""
    discriminator = schema.get("discriminator")
    if not discriminator or not isinstance(instance, dict):
        yield from validators.Draft202012Validator.VALIDATORS["oneOf"](validator, one_of, instance, schema)
        return
    prop = discriminator["propertyName"]
    if prop not in instance:
        yield ValidationError(
            f"'{prop}' is a required property", validator="required", validator_value=[prop], instance=instance
        )
        return
    value = instance[prop]
    mapping = discriminator["mapping"]
    if value not in mapping:
        yield ValidationError(f"{value!r} is not one of {sorted(mapping)}", path=[prop], validator="enum")
        return
    chosen = _alternatives(schema).get(value)
    if chosen is None:
        unclaimed = [alt for alt in one_of if alt not in _alternatives(schema).values()]
        yield from validators.Draft202012Validator.VALIDATORS["oneOf"](validator, unclaimed, instance, schema)
        return
    yield from validator.descend(instance, chosen)


_Validator = validators.extend(Draft202012Validator, {"oneOf": _one_of})  # type: ignore[no-untyped-call]  # jsonschema leaves extend unannotated


@functools.cache
def _validator(operation: str, part: str) -> Any:
    return _Validator(operations()[operation][part])


def param_name(error: ValidationError) -> str:
    """The field a validation error is about, as "scenes[0].input.script"."""
    path = list(error.absolute_path)
    wanted = error.validator_value
    if error.validator == "required" and isinstance(wanted, list):
        present = error.instance if isinstance(error.instance, dict) else {}
        path.append(next((name for name in wanted if name not in present), wanted[0]))
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def _first_error(operation: str, part: str, instance: Any) -> ValidationError | None:
    errors = sorted(_validator(operation, part).iter_errors(instance), key=lambda error: list(error.absolute_path))
    return errors[0] if errors else None


def check_body(operation: str, body: Any) -> None:
    """Raise 400 invalid_parameter naming the first field of `body` the operation's schema rejects."""
    if operations()[operation]["request_schema"] is None:
        return
    error = _first_error(operation, "request_schema", body)
    if error is None:
        return
    param = param_name(error)
    if error.validator == "required":
        raise missing(param)
    raise invalid(param, f"Invalid value for {param}: {error.message}")


def idempotency_key(headers: Mapping[str, str]) -> str | None:
    """The request's Idempotency-Key, if it sent one; 400 unless it is 1-255 characters of [A-Za-z0-9_:.-]."""
    key = headers.get(IDEMPOTENCY_HEADER)
    if key is not None and not _IDEMPOTENCY_KEY.fullmatch(key):
        raise invalid(
            IDEMPOTENCY_HEADER, "Idempotency-Key must be 1 to 255 characters of letters, digits, '_', ':', '.' and '-'."
        )
    return key


def check_query(operation: str, query: Mapping[str, str]) -> dict[str, Any]:
    """The operation's query parameters from `query`, typed; 400 naming the first bad one."""
    values: dict[str, Any] = {}
    for parameter in operations()[operation]["parameters"]:
        name = parameter["name"]
        raw = query.get(name)
        if raw is None:
            if parameter["required"]:
                raise missing(name)
            continue
        if parameter["enum"] and raw not in parameter["enum"]:
            raise invalid(name, f"{name} must be one of {', '.join(parameter['enum'])}")
        values[name] = _int_parameter(parameter, raw) if parameter["type"] == "int" else raw
    return values


def _int_parameter(parameter: dict[str, Any], raw: str) -> int:
    name = parameter["name"]
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, f"{name} must be an integer") from None
    bounds = _RANGE.search(parameter.get("help") or "")
    low, high = (int(bounds.group(1)), int(bounds.group(2))) if bounds else (1, 100)
    if not low <= value <= high:
        raise invalid(name, f"{name} must be between {low} and {high}")
    return value


def response_errors(operation: str, body: Any) -> list[str]:
    """Why `body` does not match the operation's response schema (empty when it does, or it has none)."""
    if operations()[operation]["response_schema"] is None:
        return []
    return [
        f"{param_name(error)}: {error.message}" for error in _validator(operation, "response_schema").iter_errors(body)
    ]
