"""People, roles and grades: rules and audit entries."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Role, SupervisorGrade, TokenPurpose
from app.services.people import accounts, directory
from tests.builders.people import make_user


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_person_can_hold_several_roles(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person = directory.create_person(
        coordinator,
        " Both@Example.org ",
        "Bo",
        [Role.TRAINEE, Role.SUPERVISOR],
        SupervisorGrade.ADVANCED,
        "long enough password",
    )
    assert person.email == "both@example.org"
    assert person.roles == {Role.TRAINEE, Role.SUPERVISOR}
    assert accounts.authenticate("BOTH@example.org", "long enough password") is person
    [event] = _events("user.created")
    assert event.actor_id == coordinator.id
    assert event.after["roles"] == ["supervisor", "trainee"]
    assert event.after["supervisor_grade"] == "advanced"
    assert _events("user.password_set")


def test_password_is_stored_as_a_modern_hash(ctx):
    person = directory.create_person(
        None, "h@example.org", "H", [Role.TRAINEE], None, "long enough password"
    )
    assert person.password_hash.startswith(("scrypt:", "argon2"))
    assert "long enough password" not in person.password_hash


def test_invitation_is_audited_and_holds_no_secret(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person, raw = directory.invite_person(
        coordinator, "new@example.org", "New", [Role.TRAINEE], None, timedelta(hours=1)
    )
    assert person.password_hash is None
    assert accounts.check_link(raw, TokenPurpose.INVITE).state is accounts.LinkState.VALID
    [event] = _events("user.invite_link_issued")
    assert event.subject_id == person.id
    assert raw not in str(event.after)


def test_update_records_before_and_after(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(Role.TRAINEE, name="Before")
    directory.update_person(
        coordinator, person, "After", [Role.TRAINEE, Role.SUPERVISOR], SupervisorGrade.IN_TRAINING
    )
    [event] = _events("user.updated")
    assert event.before["display_name"] == "Before"
    assert event.after["display_name"] == "After"
    assert event.before["roles"] == ["trainee"]
    assert event.after["roles"] == ["supervisor", "trainee"]
    assert event.after["supervisor_grade"] == "in_training"


def test_update_without_change_writes_no_entry(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(Role.TRAINEE, name="Same")
    directory.update_person(coordinator, person, "Same", [Role.TRAINEE], None)
    assert _events("user.updated") == []


def test_grade_is_dropped_with_the_supervisor_role(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(Role.SUPERVISOR, Role.TRAINEE)
    directory.update_person(
        coordinator, person, person.display_name, [Role.TRAINEE], SupervisorGrade.ADVANCED
    )
    assert person.supervisor_grade is None


def test_the_last_coordinator_cannot_drop_the_role(ctx):
    only = make_user(Role.COORDINATOR)
    with pytest.raises(RuleViolation, match="at least one coordinator") as raised:
        directory.update_person(only, only, only.display_name, [Role.TRAINEE], None)
    assert raised.value.field == "roles"


@pytest.mark.parametrize(
    ("email", "name", "roles", "grade", "field"),
    [
        ("taken@example.org", "X", [Role.TRAINEE], None, "email"),
        ("TAKEN@example.org", "X", [Role.TRAINEE], None, "email"),
        ("free@example.org", "  ", [Role.TRAINEE], None, "display_name"),
        ("free@example.org", "X" * 121, [Role.TRAINEE], None, "display_name"),
        ("free@example.org", "X", [], None, "roles"),
        ("free@example.org", "X", [Role.SUPERVISOR], None, "supervisor_grade"),
    ],
)
def test_bad_people_are_refused_with_the_field_named(ctx, email, name, roles, grade, field):
    make_user(Role.TRAINEE, email="taken@example.org")
    with pytest.raises(RuleViolation) as raised:
        directory.create_person(None, email, name, roles, grade)
    assert raised.value.field == field
    assert _events("user.created") == []


def test_password_rules(ctx):
    with pytest.raises(RuleViolation, match="at least 10"):
        accounts.check_password_rules("short", "a@example.org")
    with pytest.raises(RuleViolation, match="e-mail address"):
        accounts.check_password_rules("a@example.org", "a@example.org")
    with pytest.raises(RuleViolation, match="at most 128"):
        accounts.check_password_rules("x" * 129, "a@example.org")


def test_search_finds_by_name_or_email_and_role(ctx):
    make_user(Role.TRAINEE, name="Zofia Nowak", email="zn@example.org")
    make_user(Role.SUPERVISOR, name="Other", email="nowak.supervisor@example.org")
    by_name = db.session.scalars(directory.people_query("nowak")).all()
    assert {p.email for p in by_name} == {"zn@example.org", "nowak.supervisor@example.org"}
    supervisors = db.session.scalars(directory.people_query("nowak", Role.SUPERVISOR)).all()
    assert [p.email for p in supervisors] == ["nowak.supervisor@example.org"]
