"""Who must have a second factor: the configured roles until a coordinator chooses otherwise
(audited); whether a person has one; a removal that would leave them none is refused; and a
coordinator's reset of someone else's, for a recorded reason, signing them out everywhere."""

import os
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from app.authz.rules import NotAllowed
from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, LoginSession, Passkey, Role, SecondFactorPolicy, User
from app.services.people import login_sessions
from app.services.second_factor import authenticator, passkeys, policy, recovery
from app.services.second_factor.policy import Factors
from tests.builders.people import make_user

NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def required_by_config(ctx, monkeypatch):
    """Coordinators and supervisors must have a second factor, as configured in production."""
    monkeypatch.setitem(ctx.config, "SECOND_FACTOR_REQUIRED_ROLES", "coordinator,supervisor")
    return ctx


def _with_app(user: User) -> str:
    secret = authenticator.begin(user)
    at = NOON - timedelta(days=1)
    authenticator.confirm(user, pyotp.TOTP(secret).at(int(at.timestamp())), now=at)
    return secret


def _with_passkey(user: User, name: str = "Phone") -> Passkey:
    """A stored credential (its id and public key only): enough for what is counted and reset."""
    passkey = Passkey(
        user_id=user.id, credential_id=os.urandom(16), public_key=os.urandom(77), name=name
    )
    db.session.add(passkey)
    db.session.flush()
    return passkey


def _events(action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


# -- who must have one -------------------------------------------------------------------------


def test_the_configured_roles_must_have_a_second_factor(required_by_config):
    assert policy.required_roles() == {Role.COORDINATOR, Role.SUPERVISOR}
    assert policy.must_have(make_user(Role.SUPERVISOR))
    assert policy.must_have(make_user(Role.COORDINATOR))
    assert policy.must_have(make_user(Role.TRAINEE, Role.SUPERVISOR))
    assert not policy.must_have(make_user(Role.TRAINEE))
    assert not policy.must_have(make_user())


def test_the_configured_list_is_read_loosely_and_unknown_names_ignored(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "SECOND_FACTOR_REQUIRED_ROLES", " Supervisor ,, admin,")
    assert policy.required_roles() == {Role.SUPERVISOR}
    monkeypatch.setitem(ctx.config, "SECOND_FACTOR_REQUIRED_ROLES", "")
    assert policy.required_roles() == frozenset()
    assert not policy.must_have(make_user(Role.COORDINATOR))


def test_a_coordinator_can_require_trainees_to_have_one(required_by_config):
    coordinator, trainee = make_user(Role.COORDINATOR), make_user(Role.TRAINEE)
    assert policy.set_required(coordinator, Role.TRAINEE, True) is True
    assert policy.must_have(trainee)
    assert policy.required_roles() == set(Role)
    row = db.session.get(SecondFactorPolicy, Role.TRAINEE)
    assert row.required and row.changed_by_id == coordinator.id
    [changed] = _events("second_factor.policy_changed")
    assert changed.actor_id == coordinator.id
    assert changed.before == {"role": "trainee", "required": False}
    assert changed.after == {"role": "trainee", "required": True}
    assert policy.set_required(coordinator, Role.TRAINEE, True) is False
    assert len(_events("second_factor.policy_changed")) == 1


def test_a_coordinator_can_lift_a_configured_requirement_and_restore_it(required_by_config):
    coordinator, supervisor = make_user(Role.COORDINATOR), make_user(Role.SUPERVISOR)
    assert policy.set_required(coordinator, Role.SUPERVISOR, False) is True
    assert not policy.must_have(supervisor) and policy.must_have(coordinator)
    assert policy.set_required(coordinator, Role.SUPERVISOR, True) is True
    assert policy.must_have(supervisor)
    changes = [
        (e.before["required"], e.after["required"]) for e in _events("second_factor.policy_changed")
    ]
    assert changes == [(True, False), (False, True)]


def test_a_choice_that_changes_nothing_returns_false_and_is_not_audited(required_by_config):
    coordinator = make_user(Role.COORDINATOR)
    assert policy.set_required(coordinator, Role.SUPERVISOR, True) is False
    assert policy.set_required(coordinator, Role.TRAINEE, False) is False
    assert policy.required_roles() == {Role.COORDINATOR, Role.SUPERVISOR}
    assert _events("second_factor.policy_changed") == []


@pytest.mark.parametrize("roles", [(Role.SUPERVISOR,), (Role.TRAINEE,), ()])
def test_only_a_coordinator_sets_the_policy(required_by_config, roles):
    with pytest.raises(NotAllowed):
        policy.set_required(make_user(*roles), Role.TRAINEE, True)
    assert not policy.must_have(make_user(Role.TRAINEE))
    assert db.session.scalar(select(func.count()).select_from(SecondFactorPolicy)) == 0
    assert _events("second_factor.policy_changed") == []


# -- whether a person has one ------------------------------------------------------------------


def test_a_confirmed_app_or_a_passkey_is_a_factor_recovery_codes_are_not(ctx):
    person = make_user(Role.SUPERVISOR)
    assert not policy.has_factor(person)
    recovery.issue(person)
    secret = authenticator.begin(person)
    assert not policy.has_factor(person)  # recovery codes and an app being set up do not count
    assert policy.factors_of(person) == Factors(0, False, 10)
    assert not policy.factors_of(person).any
    authenticator.confirm(person, pyotp.TOTP(secret).at(int(NOON.timestamp())), now=NOON)
    assert policy.has_factor(person)
    assert policy.factors_of(person) == Factors(0, True, 10)
    other = make_user(Role.SUPERVISOR)
    assert not policy.has_factor(other)
    _with_passkey(other)
    _with_passkey(other, "Laptop")
    assert policy.has_factor(other) and policy.factors_of(other) == Factors(2, False, 0)


def test_a_removal_leaving_no_factor_is_refused_only_where_one_is_required(required_by_config):
    supervisor, trainee = make_user(Role.SUPERVISOR), make_user(Role.TRAINEE)
    for left in (Factors(0, False, 0), Factors(0, False, 10)):
        with pytest.raises(RuleViolation, match="Your role needs a second factor"):
            policy.ensure_one_left(supervisor, left)
        policy.ensure_one_left(trainee, left)  # not refused
    policy.ensure_one_left(supervisor, Factors(1, False, 0))
    policy.ensure_one_left(supervisor, Factors(0, True, 0))


# -- a coordinator's reset ---------------------------------------------------------------------


def _fully_equipped(person: User) -> list[str]:
    _with_passkey(person)
    _with_app(person)
    recovery.issue(person)
    return [login_sessions.start(person, "phone"), login_sessions.start(person, "laptop")]


def test_a_reset_removes_every_factor_and_session_and_records_why(ctx):
    coordinator = make_user(Role.COORDINATOR)
    person, bystander = make_user(Role.SUPERVISOR), make_user(Role.SUPERVISOR)
    cookies = _fully_equipped(person)
    kept = _fully_equipped(bystander)
    own = login_sessions.start(coordinator, "desk")
    assert policy.factors_of(person) == Factors(1, True, 10)

    policy.reset(coordinator, person, "  Lost her phone\non the train  ")

    assert policy.factors_of(person) == Factors(0, False, 0)
    assert not policy.has_factor(person)
    assert passkeys.passkeys_of(person) == [] and authenticator.app_of(person) is None
    assert all(login_sessions.find(cookie) is None for cookie in cookies)
    person_sessions = select(func.count()).where(LoginSession.user_id == person.id)
    assert db.session.scalar(person_sessions) == 0
    # Nobody else's factors or sessions are touched.
    assert policy.factors_of(bystander) == Factors(1, True, 10)
    assert all(login_sessions.find(cookie) is not None for cookie in [*kept, own])
    [event] = _events("second_factor.reset")
    assert event.actor_id == coordinator.id and event.subject_id == person.id
    assert event.before == {"passkeys": 1, "authenticator": True, "recovery_codes": 10}
    assert event.after == {"reason": "Lost her phone on the train", "sessions_ended": 2}


def test_after_a_reset_the_person_can_set_up_anew(ctx):
    coordinator, person = make_user(Role.COORDINATOR), make_user(Role.SUPERVISOR)
    _fully_equipped(person)
    policy.reset(coordinator, person, "New phone")
    _with_app(person)
    assert recovery.remaining(person) == 0 and len(recovery.issue(person)) == 10
    assert policy.factors_of(person) == Factors(0, True, 10)


def _refused_reset(actor: User, person: User, reason: str) -> RuleViolation:
    cookies = _fully_equipped(person)
    with pytest.raises(RuleViolation) as refused:
        policy.reset(actor, person, reason)
    assert policy.factors_of(person) == Factors(1, True, 10)
    assert all(login_sessions.find(cookie) is not None for cookie in cookies)
    assert _events("second_factor.reset") == []
    return refused.value


def test_a_coordinator_cannot_reset_their_own(ctx):
    coordinator = make_user(Role.COORDINATOR)
    refusal = _refused_reset(coordinator, coordinator, "Lost my phone")
    assert isinstance(refusal, NotAllowed)
    assert refusal.message == "You cannot reset your own second factor."


@pytest.mark.parametrize("roles", [(Role.SUPERVISOR,), (Role.TRAINEE,)])
def test_only_a_coordinator_resets(ctx, roles):
    refusal = _refused_reset(make_user(*roles), make_user(Role.TRAINEE), "Lost their phone")
    assert isinstance(refusal, NotAllowed)


@pytest.mark.parametrize(
    "reason",
    ["", "   ", "\n\t ", "Lost\x00phone", "\x00", "x" * 501],
    ids=["empty", "spaces", "whitespace", "nul-inside", "nul", "too-long"],
)
def test_a_reset_needs_a_plain_reason(ctx, reason):
    refusal = _refused_reset(make_user(Role.COORDINATOR), make_user(Role.SUPERVISOR), reason)
    assert not isinstance(refusal, NotAllowed) and refusal.field == "reason"


def test_a_reason_of_the_longest_length_is_accepted(ctx):
    coordinator, person = make_user(Role.COORDINATOR), make_user(Role.SUPERVISOR)
    _fully_equipped(person)
    policy.reset(coordinator, person, "x" * 500)
    [event] = _events("second_factor.reset")
    assert event.after["reason"] == "x" * 500
