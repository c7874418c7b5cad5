"""One row of a batch: its filled-in project, or the plain reasons it cannot render; its length and price."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from heygen_studio.api import limits_for
from heygen_studio.api.v3 import render_choice_problem
from heygen_studio.batch.placeholders import fill
from heygen_studio.batch.sheets import SheetRow, column_key
from heygen_studio.config import Generation
from heygen_studio.domain.money import BillingType, Money
from heygen_studio.domain.pricing import AvatarType
from heygen_studio.domain.project import LookRef, NotReadyToRender, Project, VoiceRef, video_spec
from heygen_studio.domain.quotes import quote_project
from heygen_studio.editor.engines import avatar_type_of
from heygen_studio.services.downloads import safe_filename

LOOK_COLUMNS = ("look_id", "look")
"""Columns that choose a row's look (its id or its name), the first one filled in; else the project's look."""
VOICE_COLUMNS = ("voice_id", "voice")
"""Columns that choose a row's voice (its id or its name); else the project's voice."""
NAME_COLUMN = "name"
"""The column the results sheet names each row by; without one, the first column."""

_Item = TypeVar("_Item", LookRef, VoiceRef)


@dataclass(frozen=True)
class Catalog:
    """The account's looks and voices a row may choose, by id or by name (case-insensitive). None: not known, so a
    row's value is taken as an id unchecked."""

    looks: Mapping[str, LookRef] | None = None
    voices: Mapping[str, VoiceRef] | None = None
    shared_names: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """By "look" and "voice": the names (`_name` keys) several of them have, which a row must give the id of."""

    @classmethod
    def of(cls, looks: Iterable[LookRef] | None, voices: Iterable[VoiceRef] | None) -> Catalog:
        by_look, shared_looks = _by_id_and_name([] if looks is None else [(x.look_id, x.name, x) for x in looks])
        by_voice, shared_voices = _by_id_and_name([] if voices is None else [(x.voice_id, x.name, x) for x in voices])
        shared = {"look": shared_looks, "voice": shared_voices}
        return cls(None if looks is None else by_look, None if voices is None else by_voice, shared)

    def look(self, value: str) -> LookRef | None:
        return LookRef(look_id=value) if self.looks is None else self.looks.get(value, self.looks.get(_name(value)))

    def voice(self, value: str) -> VoiceRef | None:
        if self.voices is None:
            return VoiceRef(voice_id=value)
        return self.voices.get(value, self.voices.get(_name(value)))

    def unknown(self, what: str, value: str) -> str:
        """Why a row's look or voice (`what`) `value` is not one of the account's."""
        if _name(value) in self.shared_names.get(what, frozenset()):
            return f"several {what}s are called “{value}” in this account (give the {what}'s id)"
        return f"there is no {what} “{value}” in this account (use a {what}'s name or id)"


def _name(value: str) -> str:
    return "\0name:" + value.strip().casefold()


def _by_id_and_name(items: list[tuple[str, str, _Item]]) -> tuple[dict[str, _Item], frozenset[str]]:
    """Each item by its id, and by its name where no other item has that name; and the names several items have."""
    names: dict[str, list[_Item]] = {}
    for _, name, item in items:
        if name.strip():
            names.setdefault(_name(name), []).append(item)
    found = {key: same[0] for key, same in names.items() if len(same) == 1}
    found.update({ident: item for ident, _, item in items})
    return found, frozenset(key for key, same in names.items() if len(same) > 1)


@dataclass(frozen=True)
class Template:
    """What every row fills in: the project, the file-name scheme and the placeholders they use."""

    project: Project
    file_name: str
    """The naming scheme of the video files, e.g. "{first_name} welcome"; the filled title by default."""
    placeholders: tuple[str, ...]
    """As first written (trimmed), each once."""


@dataclass(frozen=True)
class PlannedRow:
    """A row as checked: good rows have a filled project, a file name, a length and a price."""

    number: int
    """As the spreadsheet shows it: the header is row 1."""
    name: str
    problems: tuple[str, ...] = ()
    project: Project | None = None
    file_stem: str = ""
    """The video's file name without extension (safe on every system, and no other row's)."""
    first_line: str = ""
    seconds: float = 0.0
    cost: Money | None = None
    key: str = ""
    """Stable while the row's filled content and number stay the same: how a run again knows it was sent."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """Why the row cannot render, in one line ("" for a good row)."""
        return "; ".join(self.problems)


def plan_row(
    template: Template,
    row: SheetRow,
    columns: frozenset[str],
    catalog: Catalog,
    generation: Generation,
    billing_type: BillingType | None,
    avatar_type: AvatarType | None,
) -> PlannedRow:
    """Fill and check one row (`columns`: the sheet's column keys); its file stem is not yet made unique and
    its key is not yet set (the plan does both)."""
    name = row.values.get(NAME_COLUMN) or row.first
    problems = _unfilled(template, row, columns)
    project, choice_problems = _chosen(template.project, row, catalog)
    problems += choice_problems
    if problems:
        return PlannedRow(row.number, name, tuple(problems))
    values = row.values
    project = replace(
        project,
        title=fill(project.title, values),
        scenes=tuple(replace(scene, script=fill(scene.script, values)) for scene in project.scenes),
    )
    problems = _unrenderable(project, generation)
    row_type = avatar_type_of(project.look.avatar_type if project.look else None) or avatar_type
    quote = quote_project(project, generation, limits_for(generation), billing_type, row_type)
    if quote is None:
        problems.append(f"HeyGen publishes no API price for {project.engine.value} videos (choose Avatar IV or III)")
    if problems or quote is None:
        return PlannedRow(row.number, name, tuple(problems))
    stem = safe_filename(fill(template.file_name, values), fallback=f"row {row.number}")
    return PlannedRow(
        row.number,
        name,
        project=project,
        file_stem=stem,
        first_line=_first_line(project),
        seconds=quote.seconds,
        cost=quote.total,
    )


def _unfilled(template: Template, row: SheetRow, columns: frozenset[str]) -> list[str]:
    """A reason for each placeholder the row cannot fill: no such column, or an empty cell."""
    problems = []
    for placeholder in template.placeholders:
        key = column_key(placeholder)
        if key not in columns:
            problems.append(f"{{{placeholder}}} has no column in the sheet")
        elif not row.values[key]:
            problems.append(f"{{{placeholder}}} is empty in this row")
    return problems


def _chosen(project: Project, row: SheetRow, catalog: Catalog) -> tuple[Project, list[str]]:
    """`project` with the look and voice the row's columns choose, and a reason for each the account lacks."""
    problems = []
    look_value = _first_filled(row, LOOK_COLUMNS)
    if look_value:
        look = catalog.look(look_value)
        if look is None:
            problems.append(catalog.unknown("look", look_value))
        project = replace(project, look=look)
    voice_value = _first_filled(row, VOICE_COLUMNS)
    if voice_value:
        voice = catalog.voice(voice_value)
        if voice is None:
            problems.append(catalog.unknown("voice", voice_value))
        project = replace(project, voice=voice)
    return project, problems


def _unrenderable(project: Project, generation: Generation) -> list[str]:
    """Why the filled-in `project` would be refused: a script over HeyGen's limit, no look, voice or script, a
    render choice HeyGen refuses (v3)."""
    problems = []
    limit = limits_for(generation).max_script_chars
    for number, scene in enumerate(project.scenes, start=1):
        length = len(scene.script.strip())
        if length > limit:
            problems.append(
                f"scene {number}'s script is {length:,} characters once filled in; HeyGen takes at most {limit:,}"
            )
    try:
        spec = video_spec(project, generation)
    except NotReadyToRender as error:
        problems.append(str(error).rstrip("."))
        return problems
    choice = render_choice_problem(spec) if generation == "v3" else None
    if choice is not None:  # e.g. a look the row chose that lacks the project's engine
        problems.append(choice[1].rstrip("."))
    return problems


def _first_filled(row: SheetRow, columns: tuple[str, ...]) -> str:
    return next((row.values[column] for column in columns if row.values.get(column)), "")


def _first_line(project: Project) -> str:
    """What the avatar says first: the first line of the first scene with a script."""
    for scene in project.scenes:
        for line in scene.script.splitlines():
            if line.strip():
                return line.strip()
    return ""
