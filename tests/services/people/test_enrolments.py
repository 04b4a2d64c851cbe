"""Enrolment on a pinned scheme revision and the own-supervisor history."""

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Role, Scheme
from app.services.people import enrolments
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.people import current_scheme, make_user, stage_of

TODAY = date(2026, 11, 24)


@pytest.fixture
def scheme(ctx):
    load_definitions(None, default_schemes_dir())
    return current_scheme()


@pytest.fixture
def cast(ctx):
    return {
        "coordinator": make_user(Role.COORDINATOR),
        "trainee": make_user(Role.TRAINEE),
        "first": make_user(Role.SUPERVISOR),
        "second": make_user(Role.SUPERVISOR),
    }


def _enrol(cast, scheme, started=date(2026, 1, 5)):
    return enrolments.enrol(
        cast["coordinator"],
        cast["trainee"],
        scheme,
        started,
        stage_of(scheme, 1),
        cast["first"],
        TODAY,
    )


def test_enrolment_pins_scheme_opens_stage_and_assigns_supervisor(cast, scheme):
    enrolment = _enrol(cast, scheme)
    assert enrolment.scheme_id == scheme.id
    assert [(s.stage.number, s.opened_on) for s in enrolment.stages] == [(1, date(2026, 1, 5))]
    assert enrolment.current_assignment.supervisor is cast["first"]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "enrolment.created")
    ).one()
    assert event.actor_id == cast["coordinator"].id
    assert event.after["supervisor_id"] == cast["first"].id


def test_changing_supervisor_keeps_history_with_dates(cast, scheme):
    enrolment = _enrol(cast, scheme)
    enrolments.change_supervisor(
        cast["coordinator"], enrolment, cast["second"], date(2026, 4, 1), TODAY
    )
    db.session.expire(enrolment)
    history = [(a.supervisor, a.starts_on, a.ends_on) for a in enrolment.assignments]
    assert history == [
        (cast["first"], date(2026, 1, 5), date(2026, 3, 31)),
        (cast["second"], date(2026, 4, 1), None),
    ]
    assert enrolments.supervisor_on(enrolment, date(2026, 3, 31)) is cast["first"]
    assert enrolments.supervisor_on(enrolment, date(2026, 4, 1)) is cast["second"]
    assert enrolments.supervisor_on(enrolment, date(2025, 12, 31)) is None
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "enrolment.supervisor_changed")
    ).one()
    assert event.before == {"supervisor_id": cast["first"].id, "starts_on": "2026-01-05"}
    assert event.after == {"supervisor_id": cast["second"].id, "starts_on": "2026-04-01"}


def test_enrolment_keeps_its_revision_when_the_scheme_changes(cast, scheme, tmp_path):
    enrolment = _enrol(cast, scheme)
    source = (default_schemes_dir() / "aviguk-practitioner-2024.yaml").read_text()
    changed = source.replace("amount: 420", "amount: 480", 1)
    assert changed != source
    for path in default_schemes_dir().glob("*.yaml"):
        target = tmp_path / path.name
        target.write_text(
            changed if path.name == "aviguk-practitioner-2024.yaml" else path.read_text()
        )
    load_definitions(None, tmp_path)
    revisions = db.session.scalars(
        select(Scheme)
        .where(Scheme.code == scheme.code, Scheme.version == scheme.version)
        .order_by(Scheme.revision)
    ).all()
    assert [r.revision for r in revisions] == [1, 2]
    db.session.expire(enrolment)
    assert enrolment.scheme.revision == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"trainee": "first"}, "trainee"),
        ({"supervisor": "trainee"}, "supervisor"),
        ({"supervisor": "coordinator"}, "supervisor"),
        ({"started": date(2028, 1, 1)}, "started_on"),
        ({"started": date(1999, 12, 31)}, "started_on"),
    ],
)
def test_bad_enrolments_are_refused(cast, scheme, change, field):
    trainee = cast[change.get("trainee", "trainee")]
    supervisor = cast[change.get("supervisor", "first")]
    with pytest.raises(RuleViolation) as raised:
        enrolments.enrol(
            cast["coordinator"],
            trainee,
            scheme,
            change.get("started", date(2026, 1, 5)),
            stage_of(scheme, 1),
            supervisor,
            TODAY,
        )
    assert raised.value.field == field


def test_a_trainee_is_not_enrolled_twice_on_the_same_scheme(cast, scheme):
    _enrol(cast, scheme)
    with pytest.raises(RuleViolation, match="already has an active enrolment"):
        _enrol(cast, scheme)


def test_stage_must_belong_to_the_scheme(cast, scheme):
    other = db.session.scalars(select(Scheme).where(Scheme.code == "verp-practitioner")).first()
    with pytest.raises(RuleViolation) as raised:
        enrolments.enrol(
            cast["coordinator"],
            cast["trainee"],
            scheme,
            date(2026, 1, 5),
            other.stages[0],
            cast["first"],
            TODAY,
        )
    assert raised.value.field == "first_stage"


@pytest.mark.parametrize(
    ("who", "when", "field"),
    [
        ("first", date(2026, 4, 1), "supervisor"),
        ("second", date(2026, 1, 5), "from_date"),
        ("second", date(2025, 6, 1), "from_date"),
        ("trainee", date(2026, 4, 1), "supervisor"),
    ],
)
def test_bad_supervisor_changes_are_refused_and_change_nothing(cast, scheme, who, when, field):
    enrolment = _enrol(cast, scheme)
    with pytest.raises(RuleViolation) as raised:
        enrolments.change_supervisor(cast["coordinator"], enrolment, cast[who], when, TODAY)
    assert raised.value.field == field
    assert len(enrolment.assignments) == 1
    assert enrolment.current_assignment.ends_on is None
