"""Library jobs on the in-process sandbox: a v2 looks job resumed after a kill adds its looks once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from waiting import until

from heygen_studio import config
from heygen_studio.api import Orientation, Pose, Style
from heygen_studio.config import Paths, Settings, app_paths
from heygen_studio.sandbox.config import SandboxConfig
from heygen_studio.services.library_jobs import LibraryJobs
from heygen_studio.session import Connection, Session
from heygen_studio.storage.keyring_backends import MemoryKeyring
from heygen_studio.storage.library_jobs import JobKind, JobState
from heygen_studio.storage.secrets import SecretStore
from heygen_studio.tasks import TaskRegistry


class Killed(Exception):
    """The app dies here."""


@pytest.fixture
def paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Paths:
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path / "home"))
    return app_paths().ensure()


async def test_v2_looks_added_once_when_the_app_dies_before_the_job_is_marked_done(paths: Paths) -> None:
    session = Session(
        paths,
        Settings(),
        TaskRegistry(),
        secrets=SecretStore(MemoryKeyring()),
        sandbox_config=SandboxConfig(job_seconds=0.1),
    )
    await session.use_sandbox(remember=False)
    url = session.connection.base_url  # type: ignore[union-attr]
    await session._switch(Connection("v2", url, url, "sandbox"))
    api = session.require_api()
    group = (await api.list_groups("private")).items[0]
    sandbox = session._sandbox.server.state  # type: ignore[union-attr]
    looks_before = len(sandbox.groups[group.id].look_ids)

    jobs = LibraryJobs(session, poll_s=0.05)
    real_update = jobs.store.update

    def die_before_done(job_id: int, *, state: JobState, **changes: Any) -> Any:
        if state is JobState.DONE:
            raise Killed
        return real_update(job_id, state=state, **changes)

    jobs.store.update = die_before_done  # type: ignore[method-assign]
    jobs.start(
        JobKind.LOOKS,
        "beach look",
        group.id,
        lambda api: api.generate_looks(group.id, "at the beach", Orientation.SQUARE, Pose.HALF_BODY, Style.REALISTIC),
    )
    await until(lambda: len(sandbox.groups[group.id].look_ids) > looks_before and not jobs._pollers)
    added = len(sandbox.groups[group.id].look_ids) - looks_before
    [job] = jobs.store.unfinished("sandbox", "v2")
    assert job.state is JobState.RUNNING  # the kill came after the add, before "done" was written

    await session.tasks.aclose()
    session.tasks = TaskRegistry()  # the restarted app: same database, same sandbox
    restarted = LibraryJobs(session, poll_s=0.05)
    await restarted.resume()
    await until(lambda: restarted.store.get(job.id).state is JobState.DONE)
    assert len(sandbox.groups[group.id].look_ids) == looks_before + added
    assert added == len(restarted.store.get(job.id).result["image_keys"])
    names = [look.name for look in (await api.list_looks(group.id)).items if look.name.startswith("beach look")]
    assert sorted(names) == [f"beach look — look {number}" for number in range(1, added + 1)]  # one name each

    await session.tasks.aclose()
    await session.aclose()
