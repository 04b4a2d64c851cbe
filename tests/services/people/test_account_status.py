"""Deactivating and reactivating accounts: rules, audit entries, history kept."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Role, SupervisorAssignment, TokenPurpose
from app.services.people import account_status, accounts, merges
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.people import DEFAULT_PASSWORD, enrolled_trainee, make_user


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_deactivation_stops_sign_in_and_keeps_the_supervision_history(ctx):
    load_definitions(None, default_schemes_dir())
    enrolment = enrolled_trainee()
    supervisor = enrolment.current_assignment.supervisor
    coordinator = make_user(Role.COORDINATOR)

    supervisees = account_status.deactivate_person(coordinator, supervisor, " Left the service ")

    assert supervisees == [enrolment]
    assert not supervisor.active
    assert accounts.authenticate(supervisor.email, DEFAULT_PASSWORD) is None
    # Not silently changed: the coordinator is told and reassigns.
    assignment = db.session.scalars(select(SupervisorAssignment)).one()
    assert assignment.supervisor_id == supervisor.id and assignment.ends_on is None
    [event] = _events("user.deactivated")
    assert event.actor_id == coordinator.id and event.subject_id == supervisor.id
    assert event.before == {"active": True}
    assert event.after["reason"] == "Left the service"
    assert event.after["supervising_enrolment_ids"] == [enrolment.id]
    assert account_status.last_status_change(supervisor) == event


def test_deactivation_cancels_unused_links(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(Role.TRAINEE, password=None)
    raw = accounts.issue_link(coordinator, person, TokenPurpose.INVITE, timedelta(days=1))
    account_status.deactivate_person(coordinator, person, "Never joined")
    assert accounts.check_link(raw, TokenPurpose.INVITE).state is accounts.LinkState.EXPIRED
    assert _events("user.deactivated")[0].after["links_cancelled"] == 1


@pytest.mark.parametrize(
    ("situation", "message", "field"),
    [
        ("blank_reason", "Say why", "reason"),
        ("long_reason", "at most", "reason"),
        ("self", "your own account", None),
        ("already", "already deactivated", None),
        ("last_coordinator", "at least one active coordinator", None),
    ],
)
def test_deactivation_refusals(ctx, situation, message, field):
    actor = make_user(Role.COORDINATOR)
    person = make_user(Role.TRAINEE)
    reason = "x" * 301 if situation == "long_reason" else "reason"
    if situation == "blank_reason":
        reason = "   "
    elif situation == "self":
        person = actor
    elif situation == "already":
        person.active = False
    elif situation == "last_coordinator":
        # Only reachable when the actor is not an active coordinator (a script, say).
        actor.active = False
        person = make_user(Role.COORDINATOR)
    with pytest.raises(RuleViolation, match=message) as refused:
        account_status.deactivate_person(actor, person, reason)
    assert refused.value.field == field
    assert _events("user.deactivated") == []


def test_a_coordinator_can_be_deactivated_while_another_is_active(ctx):
    actor, other = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    account_status.deactivate_person(actor, other, "Retired")
    assert not other.active


def test_reactivation_is_audited(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person = make_user(Role.TRAINEE)
    account_status.deactivate_person(coordinator, person, "On leave")
    account_status.reactivate_person(coordinator, person)
    assert person.active
    [event] = _events("user.reactivated")
    assert event.before == {"active": False} and event.after == {"active": True}
    assert account_status.last_status_change(person) == event


def test_reactivation_refuses_an_active_account(ctx):
    coordinator = make_user(Role.COORDINATOR)
    with pytest.raises(RuleViolation, match="already active"):
        account_status.reactivate_person(coordinator, make_user(Role.TRAINEE))


def test_a_merged_account_stays_deactivated(ctx):
    coordinator = make_user(Role.COORDINATOR)
    keep, duplicate = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    merges.merge_people(coordinator, keep, duplicate, "same person")
    assert account_status.merged_into(duplicate) == keep
    with pytest.raises(RuleViolation, match="merged into"):
        account_status.reactivate_person(coordinator, duplicate)
    assert _events("user.reactivated") == []
