"""`heygen-studio sandbox --consent-required`: new photo avatars wait for consent until the consent page is opened."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from sandbox_helpers import KEY, photo_bytes
from waiting import until


@pytest.fixture
def sandbox_with_consent() -> Iterator[httpx.Client]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "heygen_studio.sandbox",
            "--port",
            "0",
            "--key",
            KEY,
            "--no-demo",
            "--job-seconds",
            "0.1",
            "--consent-required",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"listening on (\S+)", process.stdout.readline())
        assert url, "the sandbox did not start"
        with httpx.Client(base_url=url.group(1), headers={"X-Api-Key": KEY}, timeout=10) as client:
            yield client
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def group_status(client: httpx.Client, group_id: str) -> str:
    return client.get(f"/v3/avatars/{group_id}").json()["data"]["status"]


def test_the_help_explains_the_option() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "heygen_studio.sandbox", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--consent-required" in " ".join(shown.split())
    assert "until their consent page is opened" in " ".join(shown.split())


def test_a_new_photo_avatar_waits_for_consent_until_its_page_is_opened(sandbox_with_consent: httpx.Client) -> None:
    client = sandbox_with_consent
    asset_id = client.post("/v3/assets", files={"file": ("a.png", photo_bytes(), "image/png")}).json()["data"][
        "asset_id"
    ]
    created = client.post(
        "/v3/avatars", json={"type": "photo", "name": "Anna", "file": {"type": "asset_id", "asset_id": asset_id}}
    )
    assert created.status_code == 200, created.text
    group_id = created.json()["data"]["avatar_group"]["id"]
    settled = ("pending_consent", "completed")
    asyncio.run(until(lambda: group_status(client, group_id) in settled, "the group is trained", every=0.05))
    assert group_status(client, group_id) == "pending_consent"

    consent_url = client.post(f"/v3/avatars/{group_id}/consent", json={}).json()["data"]["url"]
    assert client.get(consent_url).status_code == 200
    assert group_status(client, group_id) == "completed"
