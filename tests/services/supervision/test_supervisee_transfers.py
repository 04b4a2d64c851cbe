"""Handing over several supervisees at once: history kept, audited, all or nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Enrolment, Role, SupervisorAssignment
from app.services.people import enrolments
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.supervision import transfers
from tests.builders.people import current_scheme, enrolled_trainee, make_user, stage_of

TODAY = date(2026, 11, 24)
FROM = date(2026, 6, 1)


@pytest.fixture
def world(ctx):
    """One supervisor with three supervisees (one of them also a supervisor) and a successor."""
    load_definitions(None, default_schemes_dir())
    first = enrolled_trainee()
    supervisor = first.current_assignment.supervisor
    coordinator = make_user(Role.COORDINATOR)
    scheme = current_scheme()
    both = make_user(Role.TRAINEE, Role.SUPERVISOR, name="Both Roles")
    rest = [
        enrolments.enrol(
            coordinator, trainee, scheme, date(2026, 1, 5), stage_of(scheme, 1), supervisor, TODAY
        )
        for trainee in (make_user(Role.TRAINEE), both)
    ]
    return {
        "supervisor": supervisor,
        "coordinator": coordinator,
        "successor": make_user(Role.SUPERVISOR),
        "both": both,
        "enrolments": [first, *rest],
    }


def _assignments():
    return db.session.scalar(select(func.count()).select_from(SupervisorAssignment))


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_chosen_supervisees_change_from_the_date_and_history_is_kept(world):
    first, second, third = world["enrolments"]
    made = transfers.reassign_supervisees(
        world["coordinator"], world["supervisor"], [first, second], world["successor"], FROM, TODAY
    )
    assert len(made) == 2
    for enrolment in (first, second):
        old, new = enrolment.assignments
        assert old.supervisor_id == world["supervisor"].id and old.ends_on == date(2026, 5, 31)
        assert new.supervisor_id == world["successor"].id and new.starts_on == FROM
        assert enrolments.supervisor_on(enrolment, date(2026, 5, 31)) == world["supervisor"]
        assert enrolments.supervisor_on(enrolment, FROM) == world["successor"]
    assert third.current_assignment.supervisor_id == world["supervisor"].id
    assert len(_events("enrolment.supervisor_changed")) == 2
    [summary] = _events("person.supervisees_reassigned")
    assert summary.subject_id == world["supervisor"].id
    assert summary.after["enrolment_ids"] == [first.id, second.id]


def test_if_one_cannot_change_none_does(world):
    """The successor chosen is one of the trainees: that trainee cannot supervise themself."""
    before = _assignments()
    with pytest.raises(RuleViolation) as refused:
        transfers.reassign_supervisees(
            world["coordinator"],
            world["supervisor"],
            world["enrolments"],
            world["both"],
            FROM,
            TODAY,
        )
    assert refused.value.field == "supervisor"
    assert "Both Roles" in refused.value.message and "own supervisor" in refused.value.message
    assert refused.value.message.startswith("Nothing was changed")
    db.session.expire_all()
    assert _assignments() == before
    for enrolment in db.session.scalars(select(Enrolment)):
        assert enrolment.current_assignment.supervisor_id == world["supervisor"].id
    assert _events("enrolment.supervisor_changed") == []
    assert _events("person.supervisees_reassigned") == []


def test_a_date_before_a_current_assignment_began_is_refused_beside_the_date(world):
    with pytest.raises(RuleViolation, match="must come after") as refused:
        transfers.reassign_supervisees(
            world["coordinator"],
            world["supervisor"],
            world["enrolments"][:1],
            world["successor"],
            date(2026, 1, 1),
            TODAY,
        )
    assert refused.value.field == "from_date"


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("none_chosen", "enrolments"),
        ("same_supervisor", "supervisor"),
        ("not_theirs", "enrolments"),
    ],
)
def test_refusals_name_their_field(world, case, field):
    chosen, successor = world["enrolments"][:1], world["successor"]
    if case == "none_chosen":
        chosen = []
    elif case == "same_supervisor":
        successor = world["supervisor"]
    elif case == "not_theirs":
        chosen = [enrolled_trainee()]
    with pytest.raises(RuleViolation) as refused:
        transfers.reassign_supervisees(
            world["coordinator"], world["supervisor"], chosen, successor, FROM, TODAY
        )
    assert refused.value.field == field


def test_a_deactivated_successor_is_refused(world):
    world["successor"].active = False
    with pytest.raises(RuleViolation, match="active supervisor"):
        transfers.reassign_supervisees(
            world["coordinator"],
            world["supervisor"],
            world["enrolments"],
            world["successor"],
            FROM,
            TODAY,
        )
