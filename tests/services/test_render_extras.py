"""What a render with the new choices saves, against the loopback sandbox: a transparent one as .webm, one with
burned-in captions also as "Title (captions)" beside the plain one, never over a file that is there."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from render_support import Rig
from waiting import until

from heygen_studio.sandbox.server import SandboxServer
from heygen_studio.storage.render_jobs import JobStatus


def saved_files(rig: Rig) -> list[str]:
    return sorted(path.name for path in rig.out.iterdir())


async def test_a_transparent_render_is_a_webm_that_shares_no_name_with_an_mp4_of_the_same_title(rig: Rig) -> None:
    project = await rig.project("Same")
    queue = rig.start()
    clear = await queue.enqueue(replace(project, transparent=True, background="#00FF00"))
    plain = await queue.enqueue(project)
    await until(lambda: all(job.status.is_final for job in rig.jobs()), within=40)
    found = {job.id: job for job in rig.jobs()}
    assert found[clear.id].status is JobStatus.DOWNLOADED and found[plain.id].status is JobStatus.DOWNLOADED
    names = {Path(found[clear.id].file_path or "").name, Path(found[plain.id].file_path or "").name}
    assert names in ({"Same.webm", "Same (2).mp4"}, {"Same (2).webm", "Same.mp4"})  # whichever was first
    stems = {Path(name).stem for name in names}
    assert all(f"{stem}.jpg" in saved_files(rig) for stem in stems)  # each keeps its own thumbnail
    await rig.stop()


async def test_burned_in_captions_are_saved_beside_the_plain_video_and_the_subtitles_too(
    rig: Rig, server: SandboxServer
) -> None:
    rig.out.mkdir(parents=True)
    (rig.out / "Talk (captions).mp4").write_bytes(b"the user's own file")
    project = await rig.project("Talk")
    queue = rig.start()
    job = await queue.enqueue(replace(project, burn_captions=True))
    await until(lambda: rig.jobs()[0].status.is_final, within=40)
    done = rig.jobs()[0]
    assert done.status is JobStatus.DOWNLOADED, done.error
    video = Path(done.file_path or "")
    assert video.name == "Talk (2).mp4"  # "Talk" would have put its captioned copy over the user's file
    captioned = rig.out / "Talk (2) (captions).mp4"
    own, burned, plain, subtitles = [
        await asyncio.to_thread(path.read_bytes)
        for path in (rig.out / "Talk (captions).mp4", captioned, video, video.with_suffix(".srt"))
    ]
    assert own == b"the user's own file"
    assert burned[4:8] == b"ftyp" and burned != plain
    assert subtitles.startswith(b"1\n")  # the sidecar subtitles as well
    remote = server.state.videos[job.remote_id or done.remote_id or ""]
    assert remote.burn_captions
    await rig.stop()
