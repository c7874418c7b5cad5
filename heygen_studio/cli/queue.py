"""`heygen-studio queue [--json] [--wait]`: list the render jobs, or carry on with the unfinished ones."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from heygen_studio.cli.render import Watcher, add_connection_options, describe, open_database, run_cli, running_queue
from heygen_studio.config import app_paths
from heygen_studio.logging_setup import setup_logging
from heygen_studio.storage.render_jobs import RenderJob, RenderJobs


def job_dict(job: RenderJob) -> dict[str, Any]:
    """The JSON shape of one job (no spec, tokens or leases: those are the queue's business)."""
    return {
        "id": job.id,
        "title": job.title,
        "status": job.status.value,
        "needs_decision": job.needs_decision,
        "account": job.account,
        "generation": job.generation,
        "remote_id": job.remote_id,
        "estimated_seconds": round(job.estimated_seconds, 1),
        "estimated_credits": job.estimated_credits,
        "file": job.file_path,
        "error": job.error,
        "request_id": job.request_id,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heygen-studio queue",
        description="List the render jobs, newest first. With --wait, carry on with the account's "
        "unfinished renders until each is downloaded or failed, saying what each waits for "
        "(exit status 4 when HeyGen cannot be reached for two minutes; the renders stay queued).",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of text")
    parser.add_argument("--wait", action="store_true", help="resume the unfinished renders and follow them")
    add_connection_options(parser)
    return parser


async def _list(args: argparse.Namespace) -> int:
    paths = app_paths().ensure()
    setup_logging(paths.log_file, to_stderr=False)  # warnings go to the log; the user gets one line
    db = open_database(paths)
    try:
        jobs = await asyncio.to_thread(RenderJobs(db).all)
    finally:
        db.close()
    if args.json:
        print(json.dumps([job_dict(job) for job in jobs], indent=2, ensure_ascii=False))
    elif not jobs:
        print("No renders yet. Render a project with `heygen-studio render PROJECT.hgproj` or in the app.")
    for job in [] if args.json else jobs:
        print(f"{job.id:>5}  {job.title[:40]:<40}  {describe(job)}")
    return 0


async def _wait(args: argparse.Namespace) -> int:
    async with running_queue(args) as run:
        watcher = Watcher(run.queue)
        while True:
            jobs = [
                job for job in await run.queue.all_jobs(run.account) if not (job.status.is_final or job.needs_decision)
            ]
            if not jobs:
                break
            for job in jobs:
                watcher.show(job)
            watcher.check()
            await asyncio.sleep(0.25)
        finished = await run.queue.all_jobs(run.account)
    for job in finished:
        print(f"{job.id:>5}  {job.title[:40]:<40}  {describe(job)}")
    return 0


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return run_cli(_wait(args) if args.wait else _list(args))
