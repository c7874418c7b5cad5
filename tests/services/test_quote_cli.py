"""`heygen-studio quote`: a project's price against the sandbox over loopback, and the wallet after it renders."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from waiting import until_value

from heygen_studio.api import open_client
from heygen_studio.api.models import Status
from heygen_studio.cli import quote
from heygen_studio.config import Profile, Settings, app_paths, save_settings
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.domain.pricing import AvatarType, Engine, quote_video, video_rate
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef, video_spec
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.accounts import API_URL_ENV
from heygen_studio.storage.secrets import SecretStore

MINUTE = " ".join(["word"] * 150)  # 60 seconds at the normal 150 words a minute


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEYGEN_STUDIO_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def sandbox_options() -> dict[str, Any]:
    return {}


@pytest.fixture
def sandbox(sandbox_options: dict[str, Any]) -> Iterator[str]:
    server = SandboxServer(SandboxConfig(job_seconds=0.1, **sandbox_options))
    url = server.start()
    yield url
    server.stop()


def photo_look(url: str) -> str:
    looks = httpx.get(f"{url}/v3/avatars/looks", params={"ownership": "private"}, headers={"X-Api-Key": "sandbox"})
    return looks.json()["data"][0]["id"]


def project_file(tmp_path: Path, url: str, **fields: Any) -> Path:
    path = tmp_path / "minute.hgproj"
    path.write_text(
        Project(
            title="A minute",
            look=LookRef(photo_look(url), "Eileen"),
            voice=VoiceRef("demo-en-us-ava"),
            scenes=(Scene(script=MINUTE),),
            **fields,
        ).dumps()
    )
    return path


def run_quote(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = quote.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize(("engine", "total"), [(Engine.AVATAR_IV, "$3.00"), (Engine.AVATAR_III, "$1.00")])
def test_a_minute_of_photo_avatar_at_1080p_is_quoted_per_engine(
    sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: Engine, total: str
) -> None:
    status, out, _ = run_quote(
        capsys, str(project_file(tmp_path, sandbox, engine=engine)), "--sandbox", sandbox, "--json"
    )
    quoted = json.loads(out)
    assert status == 0
    assert quoted["total"]["text"] == total and quoted["currency"] == "usd"
    assert quoted["scenes"] == [{"number": 1, "seconds": 60.0, "cost": quoted["total"]}]
    assert (quoted["avatar_type"], quoted["engine"], quoted["resolution"]) == ("photo_avatar", engine.value, "1080p")
    assert quoted["balance"]["describe"] == "$25.00 left" and quoted["fits"] is True


def test_after_it_renders_the_wallet_is_lower_by_its_duration_at_five_cents(sandbox: str, tmp_path: Path) -> None:
    project = Project.loads(project_file(tmp_path, sandbox).read_bytes())

    async def render() -> tuple[Money, Money, float]:
        async with open_client("v3", "sandbox", base_url=sandbox, upload_url=sandbox) as api:
            before = (await api.account()).balance
            submitted = await api.submit_video(video_spec(project, "v3"), "quote-test-1")
            status = await until_value(
                lambda: api.video_status(submitted.video_id), lambda s: s.status is Status.COMPLETED, every=0.05
            )
            after = (await api.account()).balance
            assert before is not None and after is not None and before.remaining and after.remaining
            assert status.duration_s is not None
            return before.remaining, after.remaining, status.duration_s

    before, after, duration = asyncio.run(render())
    assert before - after == Money.usd(Decimal(repr(duration)) * Decimal("0.05"))


@pytest.mark.parametrize("sandbox_options", [{"balance": 2}])
def test_a_project_costing_more_than_the_balance_does_not_fit(
    sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = str(project_file(tmp_path, sandbox))
    status, out, _ = run_quote(capsys, project, "--sandbox", sandbox)
    assert status == 1
    assert out.splitlines() == [
        "Scene 1: about 1 min, $3.00",
        "Total: about 1 min, $3.00 (Avatar IV, photo avatar, 1080p; $0.05 a second)",
        "Balance: $2.00 left: $1.00 more is needed.",
    ]
    status, out, _ = run_quote(capsys, project, "--sandbox", sandbox, "--json")
    assert status == 1 and json.loads(out)["fits"] is False and json.loads(out)["shortfall"]["text"] == "$1.00"


def test_a_bad_project_or_no_connection_is_exit_2_with_a_plain_message(
    sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = tmp_path / "damaged.hgproj"
    damaged.write_text("{not json")
    status, out, err = run_quote(capsys, str(damaged), "--sandbox", sandbox)
    assert status == 2 and out == "" and err.startswith("heygen-studio: ") and "Traceback" not in err
    status, out, err = run_quote(capsys, str(tmp_path / "missing.hgproj"), "--sandbox", sandbox)
    assert status == 2 and "Cannot read" in err
    closed = httpx.URL(sandbox).copy_with(port=1)
    status, out, err = run_quote(capsys, str(project_file(tmp_path, sandbox)), "--sandbox", str(closed))
    assert status == 2 and out == "" and "Cannot get the account's balance" in err


def test_a_studio_avatar_look_is_priced_at_its_own_rate(
    sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    looks = httpx.get(
        f"{sandbox}/v3/avatars/looks",
        params={"ownership": "public", "avatar_type": "studio_avatar"},
        headers={"X-Api-Key": "sandbox"},
    ).json()["data"]
    path = tmp_path / "studio.hgproj"
    path.write_text(Project(look=LookRef(looks[0]["id"]), scenes=(Scene(script=MINUTE),)).dumps())
    status, out, _ = run_quote(capsys, str(path), "--sandbox", sandbox)
    assert status == 0
    assert "Total: about 1 min, $4.00 (Avatar IV, studio avatar, 1080p; $0.0667 a second)" in out


def test_the_built_in_sandbox_quotes_from_its_own_wallet(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "no-look.hgproj"
    path.write_text(Project(scenes=(Scene(script=MINUTE),), engine=Engine.AVATAR_III).dumps())
    status, out, _ = run_quote(capsys, str(path), "--sandbox")
    assert status == 0 and out.splitlines()[-1] == "Balance: $25.00 left: it fits."
    assert "$1.00 (Avatar III, photo avatar, 1080p" in out
    assert (home / "data" / "sandbox" / "state.json").exists()  # the app's own pretend account


def test_a_look_that_is_gone_is_priced_as_a_photo_avatar_with_a_note(
    sandbox: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gone.hgproj"
    path.write_text(Project(look=LookRef("deleted-look", "Old look"), scenes=(Scene(script=MINUTE),)).dumps())
    status, out, err = run_quote(capsys, str(path), "--sandbox", sandbox, "--json")
    assert status == 0 and json.loads(out)["total"]["text"] == "$3.00"
    assert "'Old look' is not in this account; priced as a photo avatar" in err


def test_usage_based_without_a_cap_always_fits_and_an_unknown_balance_cannot_tell() -> None:
    rate = video_rate("v3", BillingType.USAGE_BASED)
    assert rate is not None
    quote_ = quote_video([60.0], rate)
    uncapped = Balance(BillingType.USAGE_BASED, Currency.USD, spent=Money.usd(900))
    assert quote.Quoted(Project(), "v3", AvatarType.PHOTO, quote_, uncapped).fits is True
    unknown = quote.Quoted(Project(), "v3", AvatarType.PHOTO, quote_, Balance(BillingType.WALLET, Currency.USD))
    assert unknown.fits is None and quote.as_text(unknown).endswith("\nBalance unknown: cannot tell whether it fits.")
    credits = quote.Quoted(
        Project(), "v3", AvatarType.PHOTO, quote_, Balance(BillingType.WALLET, Currency.CREDITS, Money.credits(600))
    )
    assert credits.fits is None and quote.as_text(credits).endswith(
        "Balance: 600 credits left: cannot tell whether it fits: the account counts credits and HeyGen prices "
        "this video in US dollars."
    )


def test_the_command_is_listed_and_explains_its_exit_status() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "heygen_studio", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "quote" in listed
    shown = subprocess.run(
        [sys.executable, "-m", "heygen_studio", "quote", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "0 it fits, 1 it does not fit" in " ".join(shown.split())


def test_a_v2_profile_is_quoted_in_credits_from_its_own_quota(
    sandbox: str, tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(API_URL_ENV, sandbox)
    settings = Settings(profiles=[Profile("Legacy", "v2")], active_profile="Legacy")
    save_settings(settings, app_paths().ensure().settings_file)
    secrets = SecretStore()
    secrets.set("Legacy", "sandbox")
    try:
        status, out, _ = run_quote(capsys, str(project_file(tmp_path, sandbox)), "--profile", "Legacy", "--json")
    finally:
        secrets.delete("Legacy")
    quoted = json.loads(out)
    assert status == 0 and (quoted["generation"], quoted["currency"]) == ("v2", "credits")
    assert quoted["total"]["text"] == "6 credits"  # Avatar IV on v2: 6 credits a minute
    assert quoted["balance"]["describe"] == "600 credits left"
    status, _, err = run_quote(capsys, str(project_file(tmp_path, sandbox)), "--profile", "Nobody")
    assert status == 2 and "There is no profile named 'Nobody'" in err
