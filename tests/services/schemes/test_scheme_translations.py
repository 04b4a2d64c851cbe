"""Scheme wording in several languages: the mappings a file may give, refused in clear words when
malformed; translations kept beside a revision, not making one; read in the reader's language."""

import shutil
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import in_locale
from app.models import AuditEvent, Framework, Principle, Role, Scheme, Stage
from app.models.scheme_text import LocalText, read_text
from app.services.schemes.files import SchemeFileError, default_schemes_dir, parse_text
from app.services.schemes.loader import (
    NEW_REVISION,
    TRANSLATED,
    UNCHANGED,
    latest_framework,
    latest_scheme,
    load_definitions,
)
from tests.builders.people import make_user

DUTCH = "nl-vig-practitioner.yaml"
FRAMEWORK = "paig-framework-2024.yaml"

# A small valid scheme whose wording is given in English and Dutch; line numbers below refer to it.
WORDED = dedent(
    """\
    kind: scheme
    code: test-scheme
    version: "1"
    title: {en: Test scheme, nl: Testopleiding}
    body: Test association
    scheme_kind: practitioner
    description:
      en: A scheme used by the tests.
      nl: Een opleiding voor de tests.
    offered: true
    framework: {code: paig, version: "2024"}
    expected_months: 12
    film_retention_months: 2
    assessor_grades: [supervisor]
    stages:
      - number: 1
        title: {en: First half, nl: Eerste helft}
        ends_with: accreditation_meeting
        requirements:
          - kind: cycles
            amount: 6
            label:
              en: Six cycles
              nl: Zes cycli
    """
)


def _english_only(data: Any) -> Any:
    """The data with each mapping of languages replaced by its English text."""
    if isinstance(data, dict):
        if "en" in data and all(isinstance(v, str) for v in data.values()):
            return data["en"]
        return {key: _english_only(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_english_only(item) for item in data]
    return data


@pytest.fixture
def english_dir(tmp_path: Path) -> Path:
    """The shipped definitions with every text in English alone (as before translations)."""
    target = tmp_path / "schemes"
    target.mkdir()
    for path in default_schemes_dir().glob("*.yaml"):
        data = _english_only(yaml.safe_load(path.read_text(encoding="utf-8")))
        (target / path.name).write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    return target


def _use_shipped(target: Path, *names: str) -> None:
    for name in names:
        shutil.copy(default_schemes_dir() / name, target / name)


def _error(text: str) -> str:
    with pytest.raises(SchemeFileError) as caught:
        parse_text(text, Path("test.yaml"))
    return str(caught.value)


def _count(model: type[Scheme] | type[Framework]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_mapping_gives_the_english_text_and_the_other_languages() -> None:
    definition = parse_text(WORDED, Path("test.yaml"))
    assert definition.model.title == "Test scheme"
    assert definition.model.stages[0].requirements[0].label == "Six cycles"
    assert definition.translations == {
        "nl": {
            "Test scheme": "Testopleiding",
            "A scheme used by the tests.": "Een opleiding voor de tests.",
            "First half": "Eerste helft",
            "Six cycles": "Zes cycli",
        }
    }


def test_a_language_with_a_region_is_kept_as_babel_names_it() -> None:
    text = WORDED.replace("nl: Testopleiding", "pt-BR: Esquema de teste")
    translations = parse_text(text, Path("test.yaml")).translations
    assert translations["pt_BR"] == {"Test scheme": "Esquema de teste"}


def test_translations_are_not_part_of_the_digest() -> None:
    plain = yaml.safe_dump(_english_only(yaml.safe_load(WORDED)))
    worded = parse_text(WORDED, Path("test.yaml"))
    assert parse_text(plain, Path("plain.yaml")).digest == worded.digest
    corrected = parse_text(WORDED.replace("Zes cycli", "Zes complete cycli"), Path("t.yaml"))
    assert corrected.digest == worded.digest
    assert corrected.translations != worded.translations
    reworded = parse_text(WORDED.replace("en: Six cycles", "en: 6 cycles"), Path("t.yaml"))
    assert reworded.digest != worded.digest


def test_the_shipped_dutch_files_give_every_text_in_dutch() -> None:
    for name, count in ((DUTCH, 15), (FRAMEWORK, 52)):
        text = (default_schemes_dir() / name).read_text(encoding="utf-8")
        definition = parse_text(text, Path(name))
        assert len(definition.translations["nl"]) == count
        data = yaml.safe_load(text)
        english = parse_text(yaml.safe_dump(_english_only(data)), Path("english.yaml"))
        assert english.digest == definition.digest and english.translations == {}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "{en: First half, nl: Eerste helft}",
            "{nl: Eerste helft}",
            "test.yaml, line 17, stages[0].title: needs the English text (en); "
            "other languages are optional",
            id="no-english",
        ),
        pytest.param(
            "nl: Zes cycli",
            "NL: Zes cycli",
            "test.yaml, line 24, stages[0].requirements[0].label.NL: 'NL' is not a language "
            "code: two or three lowercase letters, with a region in capitals after a hyphen "
            "if needed (nl, pt-BR)",
            id="capital-code",
        ),
        pytest.param(
            "nl: Testopleiding",
            "dutch: Testopleiding",
            "test.yaml, line 4, title.dutch: 'dutch' is not a language code",
            id="word-for-code",
        ),
        pytest.param(
            "nl: Testopleiding",
            "qq: Testopleiding",
            "test.yaml, line 4, title.qq: 'qq' is not a known language",
            id="unknown-language",
        ),
        pytest.param(
            "nl: Testopleiding",
            "pt-br: Testopleiding",
            "test.yaml, line 4, title.pt-br: 'pt-br' is not a language code",
            id="lowercase-region",
        ),
        pytest.param(
            "nl: Testopleiding",
            "en-GB: Test scheme",
            "test.yaml, line 4, title.en-GB: 'en-GB': give English once, as en",
            id="english-variant",
        ),
        pytest.param(
            "nl: Testopleiding",
            "no: Testopleiding",
            "test.yaml, line 4, title: language codes must be text, like en or nl (got false) "
            "(unquoted, YAML reads yes, no, on, off, y, n as true or false); put it in quotes",
            id="norwegian-read-as-false",
        ),
        pytest.param(
            "nl: Eerste helft",
            'nl: ""',
            "test.yaml, line 17, stages[0].title.nl: must not be empty (leave the language out "
            "instead)",
            id="empty",
        ),
        pytest.param(
            "nl: Eerste helft",
            'nl: "   "',
            "test.yaml, line 17, stages[0].title.nl: must not be empty",
            id="blank",
        ),
        pytest.param(
            "en: First half",
            "en: ",
            "test.yaml, line 17, stages[0].title.en: must be text (got nothing)",
            id="english-null",
        ),
        pytest.param(
            "nl: Zes cycli",
            "nl: 6",
            "test.yaml, line 24, stages[0].requirements[0].label.nl: must be text (got 6; put it "
            "in quotes)",
            id="number",
        ),
        pytest.param(
            "nl: Zes cycli",
            "nl: [Zes, cycli]",
            "test.yaml, line 24, stages[0].requirements[0].label.nl: must be text (got a list)",
            id="list-as-text",
        ),
        pytest.param(
            "nl: Zes cycli",
            "nl: {nl: Zes cycli}",
            "test.yaml, line 24, stages[0].requirements[0].label.nl: must be text (got a mapping)",
            id="nested-mapping",
        ),
        pytest.param(
            "nl: Zes cycli",
            'nl: "Zes\\0cycli"',
            "test.yaml, line 24, stages[0].requirements[0].label.nl: must not contain control "
            "characters (found U+0000)",
            id="nul",
        ),
        pytest.param(
            "nl: Eerste helft",
            "nl: " + "x" * 201,
            "test.yaml, line 17, stages[0].title.nl: must be at most 200 characters long",
            id="too-long",
        ),
        pytest.param(
            "title: {en: First half, nl: Eerste helft}",
            "title: [First half, Eerste helft]",
            "test.yaml, line 17, stages[0].title: must be text, or a mapping of language codes "
            "to text (got a list)",
            id="list-of-texts",
        ),
        pytest.param(
            "title: {en: First half, nl: Eerste helft}",
            "title: 2024",
            "test.yaml, line 17, stages[0].title: must be text, or a mapping of language codes "
            "to text (got 2024; put it in quotes)",
            id="number-for-text",
        ),
        pytest.param(
            "body: Test association",
            'body: "Test\\x1bassociation"',
            "test.yaml, line 5, body: must not contain control characters (found U+001B)",
            id="control-in-plain-text",
        ),
        pytest.param(
            "title: {en: First half, nl: Eerste helft}",
            "title: {en: Test scheme, nl: Proefopleiding}",
            "test.yaml, line 17, stages[0].title.nl: translates 'Test scheme' differently at "
            "title ('Testopleiding')",
            id="one-english-two-translations",
        ),
    ],
)
def test_a_malformed_mapping_is_refused_with_file_line_and_key(
    old: str, new: str, expected: str
) -> None:
    assert old in WORDED
    message = _error(WORDED.replace(old, new, 1))
    assert message.startswith(expected), message
    assert message.count("\n") == 0, message  # one problem, told once


def test_every_problem_of_the_wording_is_reported_together() -> None:
    text = WORDED.replace("nl: Testopleiding", "xx: Testopleiding").replace(
        "{en: First half, nl: Eerste helft}", "{nl: Eerste helft}"
    )
    message = _error(text)
    assert message.splitlines() == [
        "test.yaml, line 4, title.xx: 'xx' is not a known language",
        "test.yaml, line 17, stages[0].title: needs the English text (en); other languages are "
        "optional",
    ]


def test_dutch_added_to_a_loaded_scheme_updates_its_translations_not_its_revision(
    ctx: Flask, english_dir: Path
) -> None:
    actor = make_user(Role.COORDINATOR)
    load_definitions(actor, english_dir)
    scheme = latest_scheme("nl-vig-practitioner", "2024")
    framework = latest_framework("paig", "2024")
    assert scheme is not None and framework is not None
    assert (scheme.translations, framework.translations) == ({}, {})
    counts = (_count(Scheme), _count(Framework))

    _use_shipped(english_dir, DUTCH, FRAMEWORK)
    report = load_definitions(actor, english_dir)

    statuses = {item.file: (item.status, item.revision) for item in report.items}
    assert statuses[DUTCH] == statuses[FRAMEWORK] == (TRANSLATED, 1)
    assert {s for f, (s, _r) in statuses.items() if f not in (DUTCH, FRAMEWORK)} == {UNCHANGED}
    assert f"{DUTCH}: scheme nl-vig-practitioner 2024 rev. 1: translations updated" in (
        report.lines()
    )
    assert report.lines()[-1] == "0 loaded, 2 with translations updated, 4 unchanged."
    assert (_count(Scheme), _count(Framework)) == counts
    db.session.expire_all()
    scheme = latest_scheme("nl-vig-practitioner", "2024")
    assert scheme is not None and scheme.revision == 1
    assert scheme.translations["nl"]["First half"] == "Eerste helft"
    assert [s.title for s in scheme.stages] == ["First half", "Second half"]  # English kept
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "scheme.translations_updated")
    ).all()
    assert [(e.subject_id, e.actor_id) for e in events] == [(scheme.id, actor.id)]
    assert events[0].before["translations"] == {}
    assert events[0].after["translations"]["nl"]["8 supervisions"] == "8 supervisies"
    assert events[0].after["revision"] == 1

    again = load_definitions(actor, english_dir)
    assert {item.status for item in again.items} == {UNCHANGED}


def test_a_corrected_translation_replaces_the_stored_one(ctx: Flask, tmp_path: Path) -> None:
    shutil.copytree(default_schemes_dir(), tmp_path / "schemes")
    target = tmp_path / "schemes"
    load_definitions(None, target)
    path = target / DUTCH
    path.write_text(path.read_text("utf-8").replace("nl: Eerste helft", "nl: Deel 1"), "utf-8")
    report = load_definitions(None, target)
    assert [(i.file, i.status) for i in report.items if i.status != UNCHANGED] == [
        (DUTCH, TRANSLATED)
    ]
    scheme = latest_scheme("nl-vig-practitioner", "2024")
    assert scheme is not None and scheme.revision == 1
    assert scheme.translations["nl"]["First half"] == "Deel 1"
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "scheme.translations_updated")
    ).all()
    assert event.before["translations"]["nl"]["First half"] == "Eerste helft"
    assert event.after["translations"]["nl"]["First half"] == "Deel 1"


def test_a_changed_rule_is_still_a_new_revision_carrying_the_translations(
    ctx: Flask, tmp_path: Path
) -> None:
    shutil.copytree(default_schemes_dir(), tmp_path / "schemes")
    target = tmp_path / "schemes"
    load_definitions(None, target)
    first = latest_scheme("nl-vig-practitioner", "2024")
    assert first is not None
    first_id = first.id
    path = target / DUTCH
    text = path.read_text("utf-8")
    path.write_text(text.replace("amount: 8\n", "amount: 7\n", 1), "utf-8")
    report = load_definitions(None, target)
    assert [(i.file, i.status, i.revision) for i in report.changed] == [(DUTCH, NEW_REVISION, 2)]
    second = latest_scheme("nl-vig-practitioner", "2024")
    assert second is not None and second.id != first_id
    assert second.translations == db.session.get(Scheme, first_id).translations
    assert second.translations["nl"]["Second half"] == "Tweede helft"
    # The English wording is part of the rules: rewording it is a new revision too.
    path.write_text(text.replace("en: First half", "en: Part one"), "utf-8")
    assert [i.status for i in load_definitions(None, target).changed] == [NEW_REVISION]
    with in_locale("nl"):
        assert read_text("Part one") == "Eerste helft"
        # Enrolments on the earlier revisions keep the Dutch of their own wording.
        assert read_text(db.session.get(Scheme, first_id).stages[0].title) == "Eerste helft"


def test_wording_is_read_in_the_current_language_with_english_as_fallback(
    ctx: Flask, schemes_dir_loaded: None
) -> None:
    stage = db.session.scalars(
        select(Stage).join(Scheme).where(Scheme.code == "nl-vig-practitioner")
    ).first()
    attentive = db.session.scalars(select(Principle).where(Principle.code == "attentive")).first()
    aviguk = latest_scheme("aviguk-practitioner", "2024")
    assert stage is not None and attentive is not None and aviguk is not None
    assert isinstance(stage.title, LocalText)
    with in_locale("nl"):
        assert read_text(stage.title) == "Eerste helft"
        assert stage.title.__html__() == "Eerste helft"
        assert read_text(attentive.name) == "Aandachtig zijn"
        assert read_text(attentive.elements[0].text).startswith("Geïnteresseerd kijken")
        # No Dutch for the UK scheme's own wording: English.
        assert read_text(aviguk.stages[1].title) == aviguk.stages[1].title
        assert read_text(aviguk.label).startswith(str(aviguk.title))
    with in_locale("en"):
        assert read_text(stage.title) == "First half"
    assert stage.title == "First half"  # its value, as services see it, is English


def test_wording_corrected_in_this_context_is_read_afresh(ctx: Flask, tmp_path: Path) -> None:
    shutil.copytree(default_schemes_dir(), tmp_path / "schemes")
    target = tmp_path / "schemes"
    load_definitions(None, target)
    scheme = latest_scheme("nl-vig-practitioner", "2024")
    assert scheme is not None
    with in_locale("nl"):
        assert scheme.stages[0].title.__html__() == "Eerste helft"
    path = target / DUTCH
    path.write_text(path.read_text("utf-8").replace("nl: Eerste helft", "nl: Deel 1"), "utf-8")
    load_definitions(None, target)
    with in_locale("nl"):
        assert scheme.stages[0].title.__html__() == "Deel 1"


@pytest.fixture
def schemes_dir_loaded(ctx: Flask) -> None:
    load_definitions(None, default_schemes_dir())
    db.session.expire_all()  # read back from the database, as a page would
