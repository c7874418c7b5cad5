"""`heygen-studio batch PROJECT.hgproj ROWS.csv|ROWS.xlsx`: one personalized video per row, checked and priced first."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from heygen_studio.api import HeyGenApi, HeyGenError
from heygen_studio.batch.catalogs import account_catalog
from heygen_studio.batch.plan import BatchPlan, batch_id, plan_batch, total_of
from heygen_studio.batch.results import ResultRow, RowState, planned_file, results_of, results_path, write_results
from heygen_studio.batch.rows import PlannedRow
from heygen_studio.batch.sending import jobs_of_rows, send_rows, unsent
from heygen_studio.batch.sheets import Sheet, read_sheet
from heygen_studio.cli.quote import avatar_type_of
from heygen_studio.cli.render import (
    EXIT_DECIDE,
    EXIT_FAILED,
    EXIT_OK,
    QUEUED_PATIENCE_S,
    CliError,
    NotAffordable,
    Running,
    Watcher,
    add_connection_options,
    connected,
    run_cli,
    running_queue,
)
from heygen_studio.config import app_paths
from heygen_studio.domain.money import Money
from heygen_studio.domain.project import Project, format_duration
from heygen_studio.logging_setup import setup_logging
from heygen_studio.services.batch_submit import BatchProgress, batch_progress
from heygen_studio.storage.render_jobs import RenderJob


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heygen-studio batch",
        description="Make one video per row of a sheet: {placeholders} in the project's title, scripts and file "
        "name are filled from the columns of the same name (optional look/look_id and voice/voice_id columns choose "
        "another look or voice). Every row is checked and priced first; rows that cannot render say why and are not "
        "sent. Run again with the same arguments to carry on: rows already sent are never sent twice, and a row "
        "fixed in the sheet is sent again. A results sheet is written beside the videos. Exit status: 0 all rows "
        "fine, 1 some rows refused (or failed, or cost more than the balance), 2 bad input, 3 a render needs "
        "your decision in the app's Renders panel, 4 --wait gave up because HeyGen could not be reached.",
    )
    parser.add_argument("project", type=Path, metavar="PROJECT.hgproj")
    parser.add_argument("rows", type=Path, metavar="ROWS.csv|ROWS.xlsx")
    parser.add_argument("--dry-run", action="store_true", help="check and price every row; send nothing")
    parser.add_argument("--sample", type=int, metavar="ROW", help="send only this row (its number in the sheet)")
    parser.add_argument("--out", type=Path, metavar="DIR", help="save the videos and the results sheet here")
    parser.add_argument(
        "--file-name", metavar="SCHEME", help="name the videos like this, e.g. '{first_name} welcome' (default: title)"
    )
    parser.add_argument("--wait", action="store_true", help="follow the renders until every video is downloaded")
    parser.add_argument("--json", action="store_true", help="print the rows and the total as JSON")
    add_connection_options(parser)
    return parser


async def checked(api: HeyGenApi, project: Project, sheet: Sheet, file_name: str | None) -> BatchPlan:
    """Every row of `sheet` filled, checked and priced on the account `api` is connected to."""
    try:
        account = await api.account()
        avatar_type, note = await avatar_type_of(api, project)
        catalog = await account_catalog(api, sheet)
    except HeyGenError as error:
        raise CliError(f"Cannot get the account's balance, looks and voices from HeyGen: {error}") from error
    if note:
        print(f"heygen-studio: {note}", file=sys.stderr)
    balance = account.balance
    return plan_batch(
        project,
        sheet,
        generation=api.generation,
        billing_type=balance.billing_type if balance else None,
        avatar_type=avatar_type,
        catalog=catalog,
        balance=balance,
        file_name=file_name,
    )


def _money(money: Money | None) -> dict[str, str] | None:
    return None if money is None else {**money.to_json(), "text": money.format()}


def plan_json(plan: BatchPlan, rows: list[ResultRow] | None = None) -> dict[str, Any]:
    """The JSON of a batch: each row's status, seconds and cost (and its job's, once sent), and the total."""
    results = {result.row: result for result in rows or []}
    total, balance = plan.total, plan.balance
    shortfall = None if balance is None or total is None else balance.shortfall(total)
    return {
        "rows": [_row_json(row, results.get(row.number)) for row in plan.rows],
        "good": len(plan.good),
        "refused": len(plan.refused),
        "seconds": round(plan.seconds, 3),
        "total": _money(total),
        "balance": None
        if balance is None
        else {"describe": balance.describe(), "available": _money(balance.available())},
        "fits": plan.fits(),
        "shortfall": _money(shortfall),
    }


def _row_json(row: PlannedRow, result: ResultRow | None) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "row": row.number,
        "name": row.name,
        "status": "ready" if row.ok else "refused",
        "problems": list(row.problems),
        "first_line": row.first_line,
        "seconds": round(row.seconds, 3),
        "cost": _money(row.cost),
        "file": (result.file if result else planned_file(row)) or None,
    }
    if result is not None:
        shown.update(status=result.state.value, video_id=result.video_id or None, error=result.error or None)
    return shown


def _row_text(row: PlannedRow, result: ResultRow | None) -> str:
    head = f"Row {row.number:>4}  {row.name[:30]:<30}"
    if not row.ok:
        return f"{head}  refused: {row.reason}"
    state = result.state.value if result else "ready"
    error = f" ({result.error})" if result and result.error else ""
    file = result.file if result else planned_file(row)
    return f"{head}  {state}{error}  {format_duration(row.seconds)}, {row.cost}  {file}"


def plan_text(plan: BatchPlan, rows: list[ResultRow] | None = None) -> str:
    results = {result.row: result for result in rows or []}
    lines = [_row_text(row, results.get(row.number)) for row in plan.rows]
    good, total, balance = plan.good, plan.total, plan.balance
    summary = f"{len(good)} of {len(plan.rows)} rows can render"
    if total is not None:
        summary += f": {format_duration(plan.seconds)}, {total}"
    fits = plan.fits()
    verdict = "cannot tell whether it fits" if fits is None else "it fits" if fits else "more than is left"
    lines.append(f"{summary}. Balance: {balance.describe() if balance else 'unknown'}: {verdict}.")
    return "\n".join(lines)


def _load(path: Path) -> Project:
    try:
        return Project.loads(path.read_bytes())
    except OSError as error:
        raise CliError(f"Cannot read {path}: {error.strerror}.") from error


async def _dry_run(args: argparse.Namespace, project: Project, sheet: Sheet) -> int:
    paths = app_paths().ensure()
    setup_logging(paths.log_file, to_stderr=False)
    async with connected(args, paths) as (api, _):
        plan = await checked(api, project, sheet, args.file_name)
    print(json.dumps(plan_json(plan), indent=2, ensure_ascii=False) if args.json else plan_text(plan), flush=True)
    return EXIT_OK if not plan.refused and plan.fits() is not False else EXIT_FAILED


def _chosen(plan: BatchPlan, sample: int | None) -> tuple[PlannedRow, ...]:
    """The rows this run is about: the sample row alone, or every row."""
    if sample is None:
        return plan.rows
    row = plan.row(sample)
    if row is None:
        numbers = [row.number for row in plan.rows]
        raise CliError(f"The sheet has no row {sample}: its rows are numbered {numbers[0]} to {numbers[-1]}.")
    return (row,)


async def _send(args: argparse.Namespace, project: Project, sheet: Sheet) -> int:
    async with running_queue(args, args.out) as run:
        plan = await checked(run.api, project, sheet, args.file_name)
        batch = batch_id(args.project, args.rows)
        chosen = _chosen(plan, args.sample)
        jobs = await jobs_of_rows(run.db, batch, chosen)
        todo = unsent(chosen, jobs)
        cost = total_of(tuple(todo))
        if plan.fits(tuple(todo)) is False and plan.balance is not None and cost is not None:
            raise NotAffordable(
                f"Not sent: {_videos(len(todo), 'this', 'these')} cost{'s' if len(todo) == 1 else ''} {cost} and "
                f"{plan.balance.shortfall(cost)} of that is missing "
                f"(balance: {plan.balance.describe()}). Add funds on heygen.com, or send one row with --sample ROW."
            )
        if todo:
            seconds = sum(row.seconds for row in todo)
            print(f"Sending {_videos(len(todo))}: {format_duration(seconds)}, {cost}.", file=sys.stderr, flush=True)
        sent, refused = await send_rows(run.queue.enqueue_batch, run.db, batch, todo, args.out)
        jobs.update(sent)
        folder = run.queue.output_dir or Path(".")
        written = [results_path(folder, args.rows)]
        if args.rows.suffix.lower() in (".xlsx", ".xlsm"):
            written.append(results_path(folder, args.rows, ".xlsx"))
        await _write(written, results_of(plan.rows, jobs, refused))  # at once, so a run stopped early leaves one too
        jobs = await _follow(run, batch, jobs, wait=args.wait)
        results = results_of(plan.rows, jobs, refused)
        await _write(written, results)
    print(json.dumps(plan_json(plan, results), indent=2, ensure_ascii=False) if args.json else plan_text(plan, results))
    print(f"Results: {written[0]}", file=sys.stderr, flush=True)
    return _exit_status([result for result in results if result.row in {row.number for row in chosen}])


async def _write(paths: list[Path], results: list[ResultRow]) -> None:
    for path in paths:
        await asyncio.to_thread(write_results, path, results)


async def _follow(run: Running, batch: str, jobs: dict[int, RenderJob], *, wait: bool) -> dict[int, RenderJob]:
    """Watch the rows' jobs (of the queue group `batch`) until each is done (with `wait`), or until HeyGen has each
    of them or the rest wait for a free render slot; prints each change to stderr. Returns the jobs as they are
    then."""
    watcher = Watcher(run.queue)
    last_change, seen = time.monotonic(), {number: job.status for number, job in jobs.items()}
    while True:
        now = {job.id: job for job in await run.queue.batch_jobs(batch)}  # one query for all the rows
        jobs = {number: now.get(job.id, job) for number, job in jobs.items()}
        for job in jobs.values():
            watcher.show(job)
        if {number: job.status for number, job in jobs.items()} != seen:
            last_change, seen = time.monotonic(), {number: job.status for number, job in jobs.items()}
            print(f"Rows: {_progress(batch_progress(list(jobs.values())))}", file=sys.stderr, flush=True)
        open_jobs = [job for job in jobs.values() if not (job.status.is_final or job.needs_decision)]
        if not wait:
            open_jobs = [job for job in open_jobs if not job.remote_id]
            if open_jobs and time.monotonic() - last_change > QUEUED_PATIENCE_S:
                return jobs  # the rest wait for render slots; the app or `heygen-studio queue --wait` sends them
        if not open_jobs:
            return jobs
        watcher.check()
        await asyncio.sleep(0.25)


def _videos(count: int, one: str = "1", some: str = "") -> str:
    """“1 video”, “3 videos”; with `one`/`some`: “this video”, “these 3 videos”."""
    return f"{one} video" if count == 1 else f"{some} {count:,} videos".strip()


def _progress(progress: BatchProgress) -> str:
    spent = f"; {progress.spent} spent" if progress.spent is not None else ""
    return f"{progress.done} done, {progress.failed} failed, {progress.left} left{spent}"


def _exit_status(results: list[ResultRow]) -> int:
    states = {result.state for result in results}
    if states & {RowState.REFUSED, RowState.FAILED, RowState.CANCELLED}:
        return EXIT_FAILED
    return EXIT_DECIDE if RowState.DECIDE in states else EXIT_OK


async def _batch(args: argparse.Namespace) -> int:
    project = await asyncio.to_thread(_load, args.project)
    sheet = await asyncio.to_thread(read_sheet, args.rows)
    return await (_dry_run if args.dry_run else _send)(args, project, sheet)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return run_cli(_batch(args))
