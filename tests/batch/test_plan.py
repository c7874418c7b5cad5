"""Checking a batch before paying: each row filled, checked and priced, one file per row, the total against the
balance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from heygen_studio.batch.placeholders import fill, placeholders
from heygen_studio.batch.plan import BatchError, BatchPlan, batch_id, plan_batch
from heygen_studio.batch.rows import Catalog
from heygen_studio.batch.sheets import Sheet, read_sheet
from heygen_studio.domain.estimates import spoken_seconds
from heygen_studio.domain.money import Balance, BillingType, Currency, Money
from heygen_studio.domain.pricing import AvatarType, Engine, quote_video, video_rate
from heygen_studio.domain.project import LookRef, Project, Scene, VoiceRef

WELCOME = "Hi {first_name}, welcome to {team}!\nWe are glad you are here."
PROJECT = Project(
    title="Welcome {First Name}",
    look=LookRef("look-eileen", "Eileen", avatar_type="photo_avatar"),
    voice=VoiceRef("demo-en-us-ava"),
    scenes=(Scene(script=WELCOME), Scene(script="{notes}")),
)


def sheet(tmp_path: Path, text: str, name: str = "people.csv") -> Sheet:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8-sig")
    return read_sheet(path)


def plan(tmp_path: Path, text: str, project: Project = PROJECT, **options: Any) -> BatchPlan:
    return plan_batch(project, sheet(tmp_path, text), generation="v3", **options)


def price(*scripts: str, avatar_type: AvatarType = AvatarType.PHOTO) -> Money:
    rate = video_rate("v3", BillingType.WALLET, Engine.AVATAR_IV, avatar_type)
    assert rate is not None
    return quote_video([spoken_seconds(script) for script in scripts], rate).total


def test_placeholders_are_filled_by_column_name_in_any_case_and_double_braces_stay_braces() -> None:
    text = "{{literal}} Hi { First_Name }, {team}{team} {} { } }} {unclosed"
    assert placeholders(text) == ["First_Name", "team"]
    assert fill(text, {"first_name": "Zoë", "team": "営業"}) == "{literal} Hi Zoë, 営業営業 {} { } } {unclosed"


def test_a_sheet_gives_exactly_its_good_rows_and_a_plain_reason_for_each_other(tmp_path: Path) -> None:
    long_notes = "word " * 1200  # 6,000 characters
    result = plan(
        tmp_path,
        "first_name,team,notes\n"
        "Zoë,Ventes,Merci beaucoup.\n"
        "美咲,営業,よろしくお願いします。\n"
        "Łukasz,,Thanks.\n"
        f"Anna,Sales,{long_notes}\n"
        "Øyvind,Drift\n",
    )
    assert [(row.number, row.name, row.ok) for row in result.rows] == [
        (2, "Zoë", True),
        (3, "美咲", True),
        (4, "Łukasz", False),
        (5, "Anna", False),
        (6, "Øyvind", False),
    ]
    assert [row.reason for row in result.refused] == [
        "{team} is empty in this row",
        "scene 2's script is 5,999 characters once filled in; HeyGen takes at most 5,000",
        "{notes} is empty in this row",
    ]
    zoe, misaki = result.good
    assert zoe.project is not None and misaki.project is not None
    assert zoe.project.title == "Welcome Zoë" and misaki.project.title == "Welcome 美咲"
    assert [scene.script for scene in misaki.project.scenes] == [
        "Hi 美咲, welcome to 営業!\nWe are glad you are here.",
        "よろしくお願いします。",
    ]
    assert (zoe.file_stem, misaki.file_stem) == ("Welcome Zoë", "Welcome 美咲")
    assert zoe.first_line == "Hi Zoë, welcome to Ventes!"
    first = zoe.project.scenes[0].script
    assert zoe.seconds == pytest.approx(spoken_seconds(first) + spoken_seconds("Merci beaucoup."))
    assert zoe.cost == price(first, "Merci beaucoup.")
    assert zoe.cost is not None and misaki.cost is not None
    assert result.total == zoe.cost + misaki.cost
    assert result.placeholders == ("First Name", "team", "notes")  # {First Name} and {first_name} are one column


def test_a_placeholder_with_no_column_refuses_every_row_saying_which(tmp_path: Path) -> None:
    project = Project(
        title="Hello {first_name}",
        look=PROJECT.look,
        voice=PROJECT.voice,
        scenes=(Scene(script="Welcome to {city}, {first_name}."),),
    )
    result = plan(tmp_path, "first_name\nZoë\nBo\n", project)
    assert result.good == ()
    assert [row.reason for row in result.rows] == ["{city} has no column in the sheet"] * 2
    assert result.total is None and result.fits() is True


def test_rows_that_would_write_the_same_file_are_numbered(tmp_path: Path) -> None:
    result = plan(
        tmp_path,
        "first_name,team,notes\nAnna,A,x\nanna,B,x\nAnna,C,x\nCON,D,x\nA/B:C?,E,x\n",
        file_name="{first_name}",
    )
    assert [row.file_stem for row in result.rows] == ["Anna", "anna (2)", "Anna (3)", "row 5 CON", "A B C"]
    assert len({row.key for row in result.rows}) == 5


def test_a_look_or_voice_column_chooses_from_the_account_by_name_or_id(tmp_path: Path) -> None:
    catalog = Catalog.of(
        [
            LookRef("look-eileen", "Eileen", avatar_type="photo_avatar"),
            LookRef("look-twin", "Office twin", avatar_type="digital_twin"),
            LookRef("look-old", "Old look", avatar_type="photo_avatar", supported_engines=("avatar_iii",)),
        ],
        [VoiceRef("demo-en-us-ava", "Ava"), VoiceRef("demo-fr-fr-remy", "Rémy"), VoiceRef("ava-2", "ava")],
    )
    result = plan(
        tmp_path,
        "first_name,team,notes,look,voice\n"
        "Zoë,Ventes,Bonjour.,office TWIN,Rémy\n"
        "Bo,Ops,Hi.,look-eileen,\n"
        "Cy,Ops,Hi.,Beach,demo-xx\n"
        "Di,Ops,Hi.,Old look,\n"
        "Ed,Ops,Hi.,,Ava\n",
        catalog=catalog,
    )
    zoe, bo, cy, di, ed = result.rows
    assert zoe.project is not None and bo.project is not None
    assert (zoe.project.look, zoe.project.voice) == (catalog.look("look-twin"), catalog.voice("demo-fr-fr-remy"))
    assert bo.project.voice == PROJECT.voice  # an empty cell keeps the project's voice
    assert zoe.cost == price(zoe.project.scenes[0].script, "Bonjour.", avatar_type=AvatarType.DIGITAL_TWIN)
    assert cy.problems == (
        "there is no look “Beach” in this account (use a look's name or id)",
        "there is no voice “demo-xx” in this account (use a voice's name or id)",
    )
    assert ed.problems == ("several voices are called “Ava” in this account (give the voice's id)",)
    assert di.problems == ("This look renders on Avatar III, not Avatar IV. Choose one of those engines",)


def test_the_total_of_the_good_rows_against_the_balance(tmp_path: Path) -> None:
    text = "first_name,team,notes\n" + "".join(f"P{n},T,{'word ' * 150}\n" for n in range(4))
    wallet = Balance(BillingType.WALLET, Currency.USD, remaining=Money.usd("10.00"))
    result = plan(tmp_path, text, balance=wallet)
    assert result.total is not None and result.total > Money.usd("12.00")  # four minutes at $0.05 a second
    assert result.fits() is False
    assert result.fits(result.good[:3]) is True
    assert plan(tmp_path, text).fits() is None  # no balance known


def test_a_sheet_with_no_header_row_or_a_project_with_no_placeholders_is_refused_as_a_whole(tmp_path: Path) -> None:
    with pytest.raises(BatchError) as no_header:
        plan(tmp_path, "Zoë,Ventes,Merci\nBo,Ops,Thanks\n")
    assert str(no_header.value) == (
        "None of the project's placeholders ({First Name}, {team}, {notes}) is a column of people.csv. Its first "
        "row should name the columns, but it reads “Zoë, Ventes, Merci”. Add a header row with those names, and "
        "try again."
    )
    with pytest.raises(BatchError, match="The project has no placeholders, so every row would make the same video"):
        plan(tmp_path, "first_name\nZoë\n", Project(look=PROJECT.look, voice=PROJECT.voice, scenes=(Scene("Hi."),)))


def test_a_row_keeps_its_key_until_its_content_changes(tmp_path: Path) -> None:
    before = plan(tmp_path, "first_name,team,notes\nZoë,Ventes,Hi.\nBo,Ops,Hi.\n")
    after = plan(tmp_path, "first_name,team,notes\nZoë,Ventes,Hi.\nBo,Ops,Hello.\n")
    assert before.rows[0].key == after.rows[0].key
    assert before.rows[1].key != after.rows[1].key
    assert batch_id(Path("a.hgproj"), tmp_path / "people.csv") == batch_id(Path("./a.hgproj"), tmp_path / "people.csv")
    assert batch_id(Path("a.hgproj"), Path("one.csv")) != batch_id(Path("a.hgproj"), Path("two.csv"))
