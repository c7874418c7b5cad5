"""`heygen-studio render PROJECT.hgproj [--wait]`: queue a render from a terminal, through the app's own queue."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heygen_studio.api import HeyGenApi, HeyGenError, open_client
from heygen_studio.config import Paths, app_paths, read_settings
from heygen_studio.domain.project import Project, ProjectFileError, draft_of
from heygen_studio.logging_setup import setup_logging
from heygen_studio.services.accounts import Endpoint
from heygen_studio.services.render_queue import NotSaved, RenderQueue, default_output_dir
from heygen_studio.storage.damaged_files import MovedAside
from heygen_studio.storage.database import Database, NewerDatabaseError
from heygen_studio.storage.render_jobs import JobStatus, RenderJob, RenderSettings
from heygen_studio.tasks import TaskRegistry

if TYPE_CHECKING:  # the sandbox is imported only when a command uses it
    from heygen_studio.sandbox.shared import SharedSandbox

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DECIDE, EXIT_UNREACHABLE = 0, 1, 2, 3, 4
SANDBOX_KEY = "sandbox"
QUEUED_PATIENCE_S = 10.0
UNREACHABLE_PATIENCE_S = 120.0  # --wait gives up after HeyGen has not answered for this long


class CliError(Exception):
    """A problem the user can fix; printed as is, exit status 2."""


class NotAffordable(Exception):
    """The render costs more than the account's balance; nothing was sent. Exit status 1."""


class Unreachable(Exception):
    """--wait gave up because HeyGen could not be reached; the renders stay in the queue. Exit status 4."""


_WAITING_FOR = {
    JobStatus.QUEUED: "waiting to be sent to HeyGen",
    JobStatus.SUBMITTING: "being sent to HeyGen",
    JobStatus.WAITING: "HeyGen has it and will start rendering soon",
    JobStatus.PENDING: "HeyGen has it and will start rendering soon",
    JobStatus.PROCESSING: "HeyGen is rendering it",
}


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sandbox",
        nargs="?",
        const="",
        metavar="URL",
        help="use the sandbox (no credits spent): the built-in one, or a running `heygen-studio sandbox` at URL",
    )
    parser.add_argument("--profile", metavar="NAME", help="the account profile to use (default: the active one)")


@dataclass
class Running:
    """A connected queue for one account, on the app's database."""

    paths: Paths
    db: Database
    api: HeyGenApi
    account: str
    queue: RenderQueue
    tasks: TaskRegistry


@contextlib.asynccontextmanager
async def running_queue(args: argparse.Namespace, output_dir: Path | None = None) -> AsyncIterator[Running]:
    """Connect as the options say and run the queue; everything is closed on the way out."""
    paths = app_paths().ensure()
    setup_logging(paths.log_file, to_stderr=False)
    db = open_database(paths)
    try:
        async with connected(args, paths) as (api, account):
            tasks = TaskRegistry()
            folder = output_dir or await _saved_output_dir(db)
            queue = RenderQueue(db, tasks.spawn, output_dir=folder)
            queue.attach(api, account)
            try:
                yield Running(paths, db, api, account, queue, tasks)
            finally:
                await queue.aclose()
                await tasks.aclose()
    finally:
        db.close()


@contextlib.asynccontextmanager
async def connected(args: argparse.Namespace, paths: Paths) -> AsyncIterator[tuple[HeyGenApi, str]]:
    """The client the --sandbox / --profile options name, and the account it is; closed (and a built-in
    sandbox stopped) on the way out."""
    server = None
    try:
        if args.sandbox is not None:
            if args.sandbox:
                url = args.sandbox.rstrip("/")
            else:
                server = await asyncio.to_thread(_start_sandbox, paths)
                url = server.url
            api, account = open_client("v3", SANDBOX_KEY, base_url=url, upload_url=url), "sandbox"
        else:
            api, account = await _profile_client(paths, args.profile)
        try:
            yield api, account
        finally:
            await api.aclose()
    finally:
        if server is not None:
            await asyncio.to_thread(server.stop)


def open_database(paths: Paths) -> Database:
    """The app's database; a damaged one is moved aside, and this says so in one line."""
    db = Database(paths.data_dir / "studio.sqlite3")
    tell_moved_aside(db.moved_aside)
    return db


def tell_moved_aside(moved: MovedAside | None) -> None:
    if moved is not None:
        print(f"heygen-studio: {moved.message}", file=sys.stderr, flush=True)


def _start_sandbox(paths: Paths) -> SharedSandbox:
    """The home's built-in sandbox: served here, or by the app (or another command) already serving it."""
    from heygen_studio.sandbox.config import SandboxConfig
    from heygen_studio.sandbox.shared import start_shared
    from heygen_studio.sandbox.state_lock import home_state_file

    return start_shared(SandboxConfig(state_file=home_state_file(paths.data_dir)))


async def _profile_client(paths: Paths, name: str | None) -> tuple[HeyGenApi, str]:
    from heygen_studio.storage.secrets import SecretStore

    settings, moved = read_settings(paths.settings_file)
    tell_moved_aside(moved)
    profile = next((p for p in settings.profiles if p.name == name), None) if name else settings.active
    if profile is None:
        raise CliError(f"There is no profile named {name!r}. Add it in the app's Settings.")
    key = await asyncio.to_thread(SecretStore().get, profile.name)
    if not key:
        raise CliError(
            f"Profile {profile.name!r} has no API key saved. Add it in the app's Settings, "
            "or use --sandbox to try without one."
        )
    endpoint = Endpoint.heygen()
    api = open_client(profile.generation, key, base_url=endpoint.base_url, upload_url=endpoint.upload_url)
    return api, f"profile:{profile.name}"


async def _saved_output_dir(db: Database) -> Path:
    chosen = await asyncio.to_thread(RenderSettings(db).get, RenderSettings.OUTPUT_DIR)
    return Path(chosen) if chosen else default_output_dir()


def describe(job: RenderJob) -> str:
    if job.needs_decision:
        return f"needs your decision: {job.error}"
    if job.status == JobStatus.DOWNLOADED:
        return f"downloaded: {job.file_path}"
    if job.status == JobStatus.FAILED:
        request = f" (request id {job.request_id})" if job.request_id else ""
        return f"failed: {job.error}{request}"
    if job.status == JobStatus.CANCELLED:
        return "cancelled"
    doing = _WAITING_FOR.get(job.status) or f"downloading to {job.file_path or job.output_dir}"
    return f"{job.status.value} ({doing}){f': {job.error}' if job.error else ''}"


class Watcher:
    """Prints to stderr what the queue is waiting for as it changes: each job's step, and what holds the
    whole queue up (HeyGen unreachable, a full disk); gives up once HeyGen has not answered for `patience_s`."""

    def __init__(self, queue: RenderQueue, patience_s: float = UNREACHABLE_PATIENCE_S) -> None:
        self.queue = queue
        self.patience_s = patience_s
        self._shown: dict[int, str] = {}
        self._problem = ""

    def show(self, job: RenderJob) -> None:
        text = describe(job)
        if text != self._shown.get(job.id):
            print(f"job {job.id}: {text}", file=sys.stderr, flush=True)
            self._shown[job.id] = text

    def check(self) -> None:
        """Say what holds the queue up; Unreachable once HeyGen has been out of reach for too long."""
        if self.queue.problem != self._problem:
            self._problem = self.queue.problem
            if self._problem:
                print(f"heygen-studio: {self._problem}", file=sys.stderr, flush=True)
        since = self.queue.unreachable_since
        if since is not None and time.monotonic() - since > self.patience_s:
            raise Unreachable(
                f"Gave up waiting: HeyGen could not be reached for {self.patience_s:.0f} seconds. Nothing is lost: "
                "the renders stay in the queue, and `heygen-studio queue --wait` (or the app) carries on with "
                "them once HeyGen can be reached."
            )


async def follow(
    queue: RenderQueue, job_id: int, *, until_sent: bool, patience_s: float = UNREACHABLE_PATIENCE_S
) -> RenderJob:
    """Watch the job (in the database, so another process may be the one working it) until it ends,
    or with `until_sent` until HeyGen has it; prints each change to stderr. Raises Unreachable when
    HeyGen cannot be reached for `patience_s`."""
    watcher = Watcher(queue, patience_s)
    started = time.monotonic()
    while True:
        job = await queue.get(job_id)
        assert job is not None
        watcher.show(job)
        if job.status.is_final or job.needs_decision:
            return job
        if until_sent and (
            job.remote_id or (job.status == JobStatus.QUEUED and time.monotonic() - started > QUEUED_PATIENCE_S)
        ):
            return job
        watcher.check()
        await asyncio.sleep(0.25)


def exit_status(job: RenderJob) -> int:
    if job.needs_decision:
        return EXIT_DECIDE
    return EXIT_OK if job.status == JobStatus.DOWNLOADED or not job.status.is_final else EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heygen-studio render",
        description="Render a project with HeyGen through the app's queue (the app shows the same jobs). "
        "Prints the job id. A render that costs more than the account's balance is not sent. "
        "Exit status: 0 done, 1 the render failed or costs more than the balance, 2 usage error, "
        "3 HeyGen's answer was lost and you need to decide in the app's Renders panel, "
        "4 --wait gave up because HeyGen could not be reached (the render stays queued).",
    )
    parser.add_argument("project", type=Path, metavar="PROJECT.hgproj")
    add_connection_options(parser)
    parser.add_argument("--wait", action="store_true", help="follow the render until its file is downloaded")
    parser.add_argument("--out", type=Path, metavar="DIR", help="save the video in this folder")
    add_draft_option(parser)
    return parser


def add_draft_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--draft",
        action="store_true",
        help="the cheapest render, to look before paying for the real one: Avatar III where the look takes it "
        "(motion prompts left out), 720p; the Renders list marks it Draft",
    )


async def read_project(args: argparse.Namespace) -> Project:
    """The project file named on the command line, as its draft with --draft."""
    try:
        project = Project.loads(await asyncio.to_thread(args.project.read_bytes))
    except OSError as error:
        raise CliError(f"Cannot read {args.project}: {error.strerror}.") from error
    project = files_beside(project, args.project)
    return draft_of(project) if args.draft else project


async def _render(args: argparse.Namespace) -> int:
    project = await read_project(args)
    async with running_queue(args, args.out) as run:
        await check_balance(run.api, project)
        job = await run.queue.enqueue(project)
        print(job.id, flush=True)
        job = await follow(run.queue, job.id, until_sent=not args.wait)
        if job.status == JobStatus.QUEUED:
            print(
                f"job {job.id}: waiting for a free render slot; the app (or `heygen-studio queue --wait`) "
                "sends it when one frees up",
                file=sys.stderr,
            )
        elif job.status == JobStatus.DOWNLOADED:
            print(job.file_path, flush=True)
        return exit_status(job)


def files_beside(project: Project, project_file: Path) -> Project:
    """A quick video's photo and an own recording named relative to their project file, made absolute: the queue
    may send them later, from another folder (the app's)."""

    def beside(path: str) -> str:
        return path if Path(path).is_absolute() else str((project_file.parent / path).resolve())

    if project.photo_path is not None:
        project = replace(project, photo_path=beside(project.photo_path))
    if project.own_audio is not None:
        project = replace(project, own_audio=replace(project.own_audio, path=beside(project.own_audio.path)))
    return project


async def check_balance(api: HeyGenApi, project: Project) -> None:
    """NotAffordable, before anything is sent, when the render costs more than the account has left; a note
    (and on with the render) when the price or the balance cannot be known."""
    from heygen_studio.cli.quote import quoted  # the quote command builds on this module

    try:
        result, note = await quoted(api, project)
    except CliError as error:
        print(f"heygen-studio: {error} Rendering without a price check.", file=sys.stderr)
        return
    if note:
        print(f"heygen-studio: {note}", file=sys.stderr)
    if result.fits is False and result.balance is not None:
        raise NotAffordable(
            f"Not sent: this render costs {result.quote.total} and {result.shortfall} of that is missing "
            f"(balance: {result.balance.describe()}). Add funds on heygen.com, or shorten the video, "
            "then render again."
        )


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return run_cli(_render(args))


def run_cli(coro: Coroutine[Any, Any, int]) -> int:
    """Run a command's coroutine; plain messages for problems the user can fix."""
    try:
        return asyncio.run(coro)
    except (CliError, ProjectFileError, ValueError, NewerDatabaseError) as error:
        print(f"heygen-studio: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (HeyGenError, NotSaved, NotAffordable) as error:
        print(f"heygen-studio: {error}", file=sys.stderr)
        return EXIT_FAILED
    except Unreachable as error:
        print(f"heygen-studio: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except KeyboardInterrupt:
        print("Stopped. The render carries on at HeyGen; the app picks it up again.", file=sys.stderr)
        return 130
