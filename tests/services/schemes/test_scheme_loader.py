"""Loading definition files: revisions, idempotence, all-or-nothing, audit entries."""

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Framework, Requirement, Role, Scheme
from app.services.schemes.files import SchemeFileError, default_schemes_dir
from app.services.schemes.loader import (
    NEW,
    NEW_REVISION,
    UNCHANGED,
    latest_framework,
    latest_scheme,
    latest_schemes,
    load_definitions,
)
from tests.builders.people import make_user

AVIGUK = "aviguk-practitioner-2024.yaml"
FRAMEWORK = "paig-framework-2024.yaml"


@pytest.fixture
def schemes_dir(tmp_path: Path) -> Path:
    """A copy of the shipped definition files that a test may edit."""
    target = tmp_path / "schemes"
    target.mkdir()
    for path in default_schemes_dir().glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def _count(model: type[Framework] | type[Scheme] | type[Requirement]) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _audit_count() -> int:
    stmt = select(func.count()).where(AuditEvent.action.in_(["scheme.loaded", "framework.loaded"]))
    return db.session.scalar(stmt) or 0


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _stage_one_cycles(scheme: Scheme) -> int:
    stage = next(s for s in scheme.stages if s.number == 1)
    return next(r.amount for r in stage.requirements if r.kind == "cycles")


def test_first_load_creates_rows_and_audit_entries(ctx: Flask, schemes_dir: Path) -> None:
    actor = make_user(Role.COORDINATOR)
    report = load_definitions(actor, schemes_dir)
    assert [i.kind for i in report.items] == ["framework"] + ["scheme"] * 5
    assert {(i.status, i.revision) for i in report.items} == {(NEW, 1)}
    assert (_count(Framework), _count(Scheme)) == (1, 5)
    framework = latest_framework("paig", "2024")
    assert framework is not None
    assert [len(p.elements) for p in framework.principles] == [5, 5, 6, 8, 6, 8]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["scheme.loaded", "framework.loaded"]))
    ).all()
    assert len(events) == 6
    assert all(e.actor_id == actor.id for e in events)
    scheme = latest_scheme("aviguk-practitioner", "2024")
    assert scheme is not None
    entry = next(e for e in events if e.subject_type == "scheme" and e.subject_id == scheme.id)
    assert entry.action == "scheme.loaded"
    assert entry.after == {
        "code": "aviguk-practitioner",
        "version": "2024",
        "revision": 1,
        "digest": scheme.digest,
        "source_file": AVIGUK,
    }


def test_loaded_scheme_keeps_stages_requirements_and_renewal(ctx: Flask) -> None:
    load_definitions(None, default_schemes_dir())
    scheme = latest_scheme("aviguk-practitioner", "2024")
    assert scheme is not None
    assert scheme.framework == latest_framework("paig", "2024")
    assert [s.number for s in scheme.stages] == [0, 1, 2, 3]
    assert [(r.kind, r.amount) for r in scheme.stages[1].requirements] == [
        ("cycles", 6),
        ("clients", 2),
        ("supervision_minutes", 420),
        ("meeting", 1),
    ]
    assert sum(r.amount for r in scheme.requirements if r.kind == "supervision_minutes") == 1380
    assert scheme.renewal_requirements == []
    dutch = latest_scheme("nl-vig-practitioner", "2024")
    assert dutch is not None and dutch.certificate_validity_months == 36
    assert {r.kind: r.amount for r in dutch.renewal_requirements}["cases"] == 10
    assert all(r.stage is None for r in dutch.renewal_requirements)


def test_second_load_changes_nothing(ctx: Flask, schemes_dir: Path) -> None:
    load_definitions(None, schemes_dir)
    before = (_count(Framework), _count(Scheme), _count(Requirement), _audit_count())
    report = load_definitions(None, schemes_dir)
    assert {i.status for i in report.items} == {UNCHANGED}
    assert (_count(Framework), _count(Scheme), _count(Requirement), _audit_count()) == before
    assert report.lines()[-1] == "0 loaded, 6 unchanged."


def test_comment_and_layout_changes_are_not_a_revision(ctx: Flask, schemes_dir: Path) -> None:
    load_definitions(None, schemes_dir)
    _edit(schemes_dir / AVIGUK, "kind: scheme", "# A new comment.\n\nkind:   scheme")
    report = load_definitions(None, schemes_dir)
    assert {i.status for i in report.items} == {UNCHANGED}


def test_changed_number_makes_a_new_revision(ctx: Flask, schemes_dir: Path) -> None:
    actor = make_user(Role.COORDINATOR)
    load_definitions(actor, schemes_dir)
    first = latest_scheme("aviguk-practitioner", "2024")
    assert first is not None
    first_id = first.id
    _edit(schemes_dir / AVIGUK, "amount: 6\n", "amount: 5\n")
    report = load_definitions(actor, schemes_dir)
    changed = [(i.file, i.status, i.revision) for i in report.changed]
    assert changed == [(AVIGUK, NEW_REVISION, 2)]
    assert f"{AVIGUK}: scheme aviguk-practitioner 2024 rev. 2: new revision" in report.lines()
    db.session.expire_all()
    original = db.session.get(Scheme, first_id)
    second = latest_scheme("aviguk-practitioner", "2024")
    assert original is not None and second is not None
    assert (original.revision, _stage_one_cycles(original)) == (1, 6)
    assert (second.revision, _stage_one_cycles(second)) == (2, 5)
    assert second.digest != original.digest
    assert _count(Scheme) == 6
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == second.id))
    assert [(e.action, e.after["revision"]) for e in events if e.subject_type == "scheme"] == [
        ("scheme.loaded", 2)
    ]


def test_latest_schemes_lists_one_row_per_version(ctx: Flask, schemes_dir: Path) -> None:
    load_definitions(None, schemes_dir)
    _edit(schemes_dir / AVIGUK, "amount: 6\n", "amount: 5\n")
    load_definitions(None, schemes_dir)
    schemes = latest_schemes()
    keys = [(s.code, s.version) for s in schemes]
    assert len(keys) == len(set(keys)) == 5
    assert (
        next(s for s in schemes if s.version == "2024" and s.code.startswith("aviguk")).revision
        == 2
    )
    assert [s.offered for s in schemes] == sorted((s.offered for s in schemes), reverse=True)
    assert schemes[-1].version == "2016"


def test_malformed_file_means_nothing_is_added(ctx: Flask, schemes_dir: Path) -> None:
    (schemes_dir / "zz-broken.yaml").write_text(
        (schemes_dir / AVIGUK).read_text().replace("amount: 420", "amount: -420")
    )
    before = (_count(Framework), _count(Scheme), _audit_count())
    with pytest.raises(SchemeFileError) as caught:
        load_definitions(None, schemes_dir)
    assert str(caught.value) == (
        "zz-broken.yaml, line 45, stages[1].requirements[2].amount: must be 0 or more (got -420)"
    )
    assert (_count(Framework), _count(Scheme), _audit_count()) == before


def test_unknown_framework_reference_is_refused(ctx: Flask, schemes_dir: Path) -> None:
    _edit(
        schemes_dir / AVIGUK,
        'framework: {code: paig, version: "2024"}',
        'framework: {code: paig, version: "1999"}',
    )
    before = (_count(Framework), _count(Scheme), _audit_count())
    with pytest.raises(SchemeFileError) as caught:
        load_definitions(None, schemes_dir)
    assert str(caught.value) == (
        f"{AVIGUK}, line 16, framework: "
        "framework paig 1999 has not been loaded and is not part of this load"
    )
    assert (_count(Framework), _count(Scheme), _audit_count()) == before


def test_scheme_alone_links_to_the_stored_framework(ctx: Flask, schemes_dir: Path) -> None:
    with pytest.raises(SchemeFileError):
        load_definitions(None, [schemes_dir / AVIGUK])
    load_definitions(None, [schemes_dir / FRAMEWORK])
    report = load_definitions(None, [schemes_dir / AVIGUK])
    assert [i.status for i in report.items] == [NEW]
    scheme = latest_scheme("aviguk-practitioner", "2024")
    assert scheme is not None and scheme.framework == latest_framework("paig", "2024")


def test_new_framework_revision_relinks_schemes(ctx: Flask, schemes_dir: Path) -> None:
    load_definitions(None, schemes_dir)
    _edit(schemes_dir / FRAMEWORK, "en: Having fun,", "en: Having fun together,")
    report = load_definitions(None, schemes_dir)
    assert {(i.kind, i.status) for i in report.items} == {
        ("framework", NEW_REVISION),
        ("scheme", NEW_REVISION),
    }
    framework = latest_framework("paig", "2024")
    assert framework is not None and framework.revision == 2
    assert all(s.framework_id == framework.id for s in latest_schemes())


def test_competency_requirement_must_name_a_framework_principle(
    ctx: Flask, schemes_dir: Path
) -> None:
    _edit(
        schemes_dir / AVIGUK,
        "        params: {document: reflective_statement}",
        (
            "        params: {document: reflective_statement}\n"
            "      - kind: competency\n"
            "        amount: 1\n"
            "        label: Rated on guiding\n"
            "        params: {principle: leading, rating: 3}"
        ),
    )
    with pytest.raises(SchemeFileError) as caught:
        load_definitions(None, schemes_dir)
    assert str(caught.value).startswith(
        f"{AVIGUK}, line 112, stages[3].requirements[7].params.principle: no principle 'leading'"
    )
    _edit(schemes_dir / AVIGUK, "principle: leading", "principle: guiding")
    load_definitions(None, schemes_dir)
    scheme = latest_scheme("aviguk-practitioner", "2024")
    assert scheme is not None
    added = [
        r for r in scheme.requirements if r.kind == "competency" and r.label == "Rated on guiding"
    ]
    assert [r.params for r in added] == [{"principle": "guiding", "rating": 3}]


def test_same_definition_twice_in_one_load_is_refused(ctx: Flask, schemes_dir: Path) -> None:
    shutil.copy(schemes_dir / AVIGUK, schemes_dir / "copy.yaml")
    with pytest.raises(SchemeFileError) as caught:
        load_definitions(None, schemes_dir)
    assert str(caught.value) == (
        f"copy.yaml, line 8, version: aviguk-practitioner 2024 is also defined in {AVIGUK}"
    )


def test_missing_source_is_a_rule_violation(ctx: Flask, tmp_path: Path) -> None:
    with pytest.raises(RuleViolation, match="No definition files"):
        load_definitions(None, tmp_path)
    with pytest.raises(RuleViolation, match="No such definition file"):
        load_definitions(None, [tmp_path / "absent.yaml"])


def test_requirements_keep_their_stage_and_file_order(ctx: Flask) -> None:
    load_definitions(None, default_schemes_dir())
    for scheme in latest_schemes():
        assert [r.position for r in scheme.requirements] == list(
            range(1, len(scheme.requirements) + 1)
        )
        in_file_order = [r for s in scheme.stages for r in s.requirements]
        assert scheme.requirements == in_file_order + scheme.renewal_requirements
        assert all(r.stage_id == s.id for s in scheme.stages for r in s.requirements)
