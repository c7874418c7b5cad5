"""A batch checked before paying: every row filled, checked and priced, one file per row, the total against the
balance."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from heygen_studio.batch.placeholders import all_placeholders
from heygen_studio.batch.rows import LOOK_COLUMNS, VOICE_COLUMNS, Catalog, PlannedRow, Template, plan_row
from heygen_studio.batch.sheets import Sheet, column_key
from heygen_studio.config import Generation
from heygen_studio.domain.money import Balance, BillingType, Money
from heygen_studio.domain.pricing import AvatarType
from heygen_studio.domain.project import Project

KEY_CHARS = 16


class BatchError(ValueError):
    """The sheet does not fit the project as a whole (nothing can be sent); the message says what to do."""


@dataclass(frozen=True)
class BatchPlan:
    """Every row of a sheet as checked, in the sheet's order, and what the good ones cost together."""

    rows: tuple[PlannedRow, ...]
    placeholders: tuple[str, ...]
    balance: Balance | None = None

    @property
    def good(self) -> tuple[PlannedRow, ...]:
        return tuple(row for row in self.rows if row.ok)

    @property
    def refused(self) -> tuple[PlannedRow, ...]:
        return tuple(row for row in self.rows if not row.ok)

    @property
    def seconds(self) -> float:
        return sum(row.seconds for row in self.good)

    @property
    def total(self) -> Money | None:
        """What the good rows cost together; None when there is no good row."""
        return total_of(self.good)

    def row(self, number: int) -> PlannedRow | None:
        """The row the spreadsheet numbers `number` (the header is row 1)."""
        return next((row for row in self.rows if row.number == number), None)

    def fits(self, rows: tuple[PlannedRow, ...] | None = None) -> bool | None:
        """Whether the balance covers `rows` (the good ones by default): None when the balance cannot tell."""
        return balance_covers(self.balance, total_of(self.good if rows is None else rows))


def total_of(rows: tuple[PlannedRow, ...]) -> Money | None:
    costs = [row.cost for row in rows if row.cost is not None]
    if not costs:
        return None
    total = costs[0]
    for cost in costs[1:]:
        total += cost
    return total


def balance_covers(balance: Balance | None, cost: Money | None) -> bool | None:
    """True when `balance` covers `cost` (nothing to pay, or a usage-based account with no cap), False when it
    does not, None when it cannot tell (unknown balance, another unit)."""
    if cost is None or cost.is_zero:
        return True
    if balance is not None and balance.billing_type is BillingType.USAGE_BASED and balance.spending_cap is None:
        return True
    if balance is None or not balance.can_tell(cost):
        return None
    return balance.shortfall(cost) is None


def plan_batch(
    project: Project,
    sheet: Sheet,
    *,
    generation: Generation,
    billing_type: BillingType | None = None,
    avatar_type: AvatarType | None = None,
    catalog: Catalog | None = None,
    balance: Balance | None = None,
    file_name: str | None = None,
) -> BatchPlan:
    """Fill `project`'s placeholders (title, every scene's script, `file_name`: the scheme of the video files,
    the title by default) from each row of `sheet`, check and price each row. `avatar_type` is the project
    look's (rows choosing another look are priced by theirs); `catalog` the account's looks and voices.
    BatchError when the sheet cannot be meant for this project: none of its placeholders is a column (the
    first row is not a header), or nothing would differ from one row to the next."""
    scheme = project.title if file_name is None or not file_name.strip() else file_name
    used = all_placeholders([project.title, *(scene.script for scene in project.scenes), scheme])
    columns = sheet.keys
    choosers = [column for column in (*LOOK_COLUMNS, *VOICE_COLUMNS) if column in columns]
    if not used and not choosers:
        raise BatchError(
            "The project has no placeholders, so every row would make the same video. Type a column's name in "
            "braces in the title or a script (for example “Hi {first_name}”), save the project, and try again."
        )
    if used and not choosers and not any(column_key(name) in columns for name in used):
        first = ", ".join(sheet.headers)[:80]
        wanted = ", ".join(f"{{{name}}}" for name in used)
        raise BatchError(
            f"None of the project's placeholders ({wanted}) is a column of {sheet.path.name}. Its first row should "
            f"name the columns, but it reads “{first}”. Add a header row with those names, and try again."
        )
    template = Template(project, scheme, tuple(used))
    known = catalog or Catalog()
    planned = [plan_row(template, row, columns, known, generation, billing_type, avatar_type) for row in sheet.rows]
    return BatchPlan(tuple(_numbered(planned, project)), tuple(used), balance)


def _numbered(rows: list[PlannedRow], template: Project) -> list[PlannedRow]:
    """Good rows with file names no other row has (“Anna”, “Anna (2)”, compared as every OS does, case
    ignored), and each with its key."""
    base = hashlib.sha256(template.dumps().encode("utf-8"))
    taken: set[str] = set()
    done = []
    for row in rows:
        if not row.ok or row.project is None:
            done.append(row)
            continue
        stem, number = row.file_stem, 1
        while stem.casefold() in taken:
            number += 1
            stem = f"{row.file_stem} ({number})"
        taken.add(stem.casefold())
        done.append(replace(row, file_stem=stem, key=row_key(base, row.number, row.project, stem)))
    return done


def row_key(template: hashlib._Hash, number: int, project: Project, file_stem: str) -> str:
    """A row's stable key: a hash of the project it fills in (`template`, hashed once for all rows), its number
    and what it fills in: title, scripts, look, voice and file name."""
    content = json.dumps(
        [
            number,
            project.title,
            [scene.script for scene in project.scenes],
            project.look.look_id if project.look else None,
            project.voice.voice_id if project.voice else None,
            file_stem,
        ],
        ensure_ascii=False,
    )
    digest = template.copy()
    digest.update(content.encode("utf-8"))
    return digest.hexdigest()[:KEY_CHARS]


def batch_id(project_path: Path, sheet_path: Path) -> str:
    """The batch a project and a sheet make together, the same on every run of them."""
    content = f"{project_path.resolve()}\n{sheet_path.resolve()}"
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:KEY_CHARS]
