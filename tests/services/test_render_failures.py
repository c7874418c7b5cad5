"""One bad render fails alone with a message, a used-up quota is not retried, an enqueue is sent at once,
and an unknown fate is looked up patiently, also for a v3 key HeyGen has forgotten after 24 hours."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from render_support import FAST, Rig, counts, faults, never_run
from waiting import until

from heygen_studio.api import InvalidRequestError
from heygen_studio.domain.project import Scene
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.services.render_queue import RenderQueue
from heygen_studio.storage.render_jobs import JobStatus, RenderJob, spec_to_json


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    sandbox = SandboxServer(SandboxConfig(job_seconds=0.1, credits=100000))
    sandbox.start()
    yield sandbox
    sandbox.stop()


async def idle_queue(rig: Rig) -> RenderQueue:
    """A queue that saves jobs and works on none (the process before the one under test)."""
    rig.open()
    assert rig.db is not None and rig.api is not None
    idle = RenderQueue(rig.db, never_run, output_dir=rig.out)
    idle.attach(rig.api, "sandbox")
    return idle


@pytest.mark.parametrize("speed", [math.inf, math.nan], ids=["Infinity", "NaN"])
async def test_a_voice_speed_that_is_not_a_number_is_refused_with_a_plain_message(
    server: SandboxServer, tmp_path: Path, speed: float
) -> None:
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    queue = rig.start()
    project = await rig.project()
    with pytest.raises(InvalidRequestError) as refused:
        await queue.enqueue(replace(project, scenes=(Scene(script="Too fast to say.", voice_speed=speed),)))
    assert "Scene 1's voice speed" in str(refused.value) and "Scenes editor" in str(refused.value)
    assert rig.jobs() == []
    await rig.stop()


@pytest.mark.parametrize("generation", ["v3", "v2"])
async def test_a_saved_job_that_cannot_be_sent_fails_alone_and_the_next_one_renders(
    server: SandboxServer, tmp_path: Path, generation: str
) -> None:
    """An infinite speed saved by an older version killed the loop, and every process that recovered it."""
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, generation, server.state)
    idle = await idle_queue(rig)
    bad = await idle.enqueue(await rig.project("Bad"))
    good = await idle.enqueue(await rig.project("Good"))
    spec = bad.video_spec()
    idle.jobs.update(bad.id, spec=spec_to_json(replace(spec, scenes=(replace(spec.scenes[0], speed=math.inf),))))
    rig.start()
    await until(lambda: all(job.status.is_final for job in rig.jobs()))

    by_id = {job.id: job for job in rig.jobs()}
    assert by_id[bad.id].status == JobStatus.FAILED
    assert "voice speed is inf" in (by_id[bad.id].error or "")
    assert by_id[good.id].status == JobStatus.DOWNLOADED
    assert counts(rig.url)["videos_created"] == 1
    await rig.stop()


@pytest.mark.parametrize("generation", ["v3", "v2"])
@pytest.mark.parametrize(
    ("code", "says"),
    [("quota_exceeded", "allowance is used up"), ("trial_video_limit_exceeded", "trial has made all the videos")],
)
async def test_a_used_up_quota_is_not_retried_and_the_user_is_told(
    server: SandboxServer, tmp_path: Path, generation: str, code: str, says: str
) -> None:
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, generation, server.state)
    queue = rig.start()
    project = await rig.project("Over quota")
    create = "/v3/videos" if generation == "v3" else "/v2/video"
    faults(rig.url, rate_limit_next=10, retry_after_s=0.05, rate_limit_code=code, path_prefix=create, methods=["POST"])
    job = await queue.enqueue(project)
    await until(lambda: rig.jobs()[0].status.is_final)

    failed = queue.jobs.get(job.id)
    assert failed is not None and failed.status == JobStatus.FAILED
    assert says in (failed.error or "") and "heygen.com" in (failed.error or "")
    assert server.state.faults.rate_limit_next == 9  # asked once: waiting does not bring a quota back
    assert counts(rig.url).get("videos_created", 0) == 0
    await rig.stop()


async def test_an_enqueue_during_a_busy_round_is_sent_at_once_not_after_the_idle_wait(
    server: SandboxServer, tmp_path: Path
) -> None:
    slow = replace(FAST, poll_first_s=30.0, poll_max_s=30.0, idle_s=30.0, lease_s=120.0)
    rig = Rig(tmp_path / "studio.sqlite3", tmp_path / "out", server.url, "v3", server.state, timing=slow)
    idle = await idle_queue(rig)
    earlier = await idle.enqueue(await rig.project("Sent before a crash"))
    idle.jobs.update(earlier.id, status=JobStatus.SUBMITTING)
    faults(rig.url, stall_next=1, stall_s=1.0, path_prefix="/v3/videos", methods=["POST"])
    queue = rig.start()  # its first round re-sends the earlier job, and that answer takes a second
    await asyncio.sleep(0.4)
    started = time.monotonic()
    job = await queue.enqueue(await rig.project("New"))
    await until(lambda: queue.jobs.get(job.id).remote_id is not None, within=8)  # type: ignore[union-attr]
    assert time.monotonic() - started < 3.0
    await rig.stop()


async def unknown_fate_job(
    rig: Rig, remote_copies: int, key_age_s: float = 0.0, status: JobStatus = JobStatus.SUBMITTING
) -> RenderJob:
    """A job left `submitting` (or queued again after a 429) with no remote id, as after a crash;
    `remote_copies` videos carry its token and its Idempotency-Key, first sent `key_age_s` ago."""
    idle = await idle_queue(rig)
    assert rig.api is not None
    job = await idle.enqueue(await rig.project("Lost answer"))
    for _ in range(remote_copies):
        await rig.api.submit_video(job.video_spec(), job.idempotency_key)
    return idle.jobs.update(job.id, status=status, key_sent_at=time.time() - key_age_s)


async def test_v2_keeps_looking_up_the_title_through_seconds_of_server_errors_instead_of_asking(
    server: SandboxServer, tmp_path: Path
) -> None:
    rig = Rig(
        tmp_path / "db.sqlite3",
        tmp_path / "out",
        server.url,
        "v2",
        server.state,
        timing=replace(FAST, lookup_patience_s=60.0),
    )
    faults(rig.url, error_rate=1.0, path_prefix="/v1/video.list")
    job = await unknown_fate_job(rig, remote_copies=1)
    [remote_id] = server.state.videos
    rig.start()
    await asyncio.sleep(5.0)  # more than four failed look-ups

    assert not rig.jobs()[0].needs_decision and rig.jobs()[0].status == JobStatus.SUBMITTING
    faults(rig.url)
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED)
    assert rig.jobs()[0].remote_id == remote_id and rig.jobs()[0].id == job.id
    assert counts(rig.url)["videos_created"] == 1
    await rig.stop()


DAY = 24 * 3600.0


@pytest.mark.parametrize("status", [JobStatus.SUBMITTING, JobStatus.QUEUED])
async def test_a_v3_key_older_than_a_day_is_never_resent_the_video_is_looked_up(
    server: SandboxServer, tmp_path: Path, status: JobStatus
) -> None:
    rig = Rig(tmp_path / "db.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    job = await unknown_fate_job(rig, remote_copies=1, key_age_s=DAY + 60, status=status)
    [remote_id] = server.state.videos
    rig.start()
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED)

    assert rig.jobs()[0].remote_id == remote_id and rig.jobs()[0].id == job.id
    assert counts(rig.url)["videos_created"] == 1
    assert counts(rig.url).get("idempotent_replays", 0) == 0  # the forgotten key was not sent again
    await rig.stop()


async def test_a_v3_job_with_an_old_key_and_no_video_at_heygen_is_sent_with_a_new_key(
    server: SandboxServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path / "db.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    job = await unknown_fate_job(rig, remote_copies=0, key_age_s=DAY + 60)
    rig.start()
    await until(lambda: rig.jobs()[0].status == JobStatus.DOWNLOADED)

    sent = rig.jobs()[0]
    assert sent.idempotency_key != job.idempotency_key and time.time() - (sent.key_sent_at or 0) < 60
    assert counts(rig.url)["videos_created"] == 1
    await rig.stop()


async def test_a_v3_job_with_an_old_key_asks_the_user_when_the_list_cannot_be_read(
    server: SandboxServer, tmp_path: Path
) -> None:
    rig = Rig(tmp_path / "db.sqlite3", tmp_path / "out", server.url, "v3", server.state)
    faults(rig.url, error_rate=1.0, path_prefix="/v3/videos", methods=["GET"])
    await unknown_fate_job(rig, remote_copies=1, key_age_s=DAY + 60)
    rig.start()
    await until(lambda: rig.jobs()[0].needs_decision, within=30)

    asked = rig.jobs()[0]
    assert asked.status == JobStatus.SUBMITTING and "may or may not have received" in (asked.error or "")
    assert counts(rig.url)["videos_created"] == 1 and counts(rig.url).get("idempotent_replays", 0) == 0
    await rig.stop()
