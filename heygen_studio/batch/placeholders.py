"""Placeholders like `{first_name}` in a text, filled from a row's columns; `{{` and `}}` write a brace."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from heygen_studio.batch.sheets import column_key

# `{{`, `}}`, or one placeholder: a name with no braces in it. A lone brace is left as it is.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*[^{}\s][^{}]*)\}")


def placeholders(text: str) -> list[str]:
    """The placeholders of `text` as written (trimmed), in order, each once."""
    found: dict[str, str] = {}
    for match in _TOKEN.finditer(text):
        name = match.group(1)
        if name is not None:
            found.setdefault(column_key(name), name.strip())
    return list(found.values())


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with each placeholder replaced by `values[column_key(name)]` (KeyError for one it lacks)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        return token[0] if token in ("{{", "}}") else values[column_key(match.group(1))]

    return _TOKEN.sub(replace, text)


def all_placeholders(texts: Iterable[str]) -> list[str]:
    """The placeholders of all `texts` (trimmed, as first written), each once."""
    found: dict[str, str] = {}
    for text in texts:
        for name in placeholders(text):
            found.setdefault(column_key(name), name)
    return list(found.values())
