"""api.limits_for: what each API generation accepts, known without opening a client."""

from __future__ import annotations

from typing import Literal

import pytest

from heygen_studio.api import limits_for, open_client


@pytest.mark.parametrize("generation", ["v3", "v2"])
async def test_the_limits_are_those_of_the_generations_client(generation: Literal["v3", "v2"]) -> None:
    api = open_client(generation, "key")
    try:
        assert limits_for(generation) == api.limits
    finally:
        await api.aclose()


def test_v3_and_v2_differ_where_heygen_does() -> None:
    assert limits_for("v3") != limits_for("v2")
