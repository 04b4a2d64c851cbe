"""Who must have a second factor (per role, set by coordinators; by default coordinators and
supervisors, so assessors too), whether a person has one, and a coordinator's reset of someone
who lost theirs."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from app.authz.actions import Action
from app.authz.rules import ensure, holds_any
from app.errors import RuleViolation
from app.extensions import db
from app.models import AuthenticatorApp, Passkey, RecoveryCode, Role, SecondFactorPolicy, User
from app.models.base import utcnow
from app.services import audit
from app.services.people import login_sessions

from . import authenticator, passkeys, recovery

MAX_REASON = 500


@dataclass(frozen=True)
class Factors:
    """What a person has set up."""

    passkeys: int
    authenticator: bool
    recovery_codes: int

    @property
    def any(self) -> bool:
        """A second factor to sign in with (recovery codes only stand in for a lost one)."""
        return self.passkeys > 0 or self.authenticator


def _configured() -> frozenset[Role]:
    listed = current_app.config.get("SECOND_FACTOR_REQUIRED_ROLES") or ""
    names = {name.strip().lower() for name in listed.split(",")}
    return frozenset(role for role in Role if role.value in names)


def required_roles() -> frozenset[Role]:
    """The roles whose holders must have a second factor: as a coordinator chose, or else as
    configured."""
    found = db.session.execute(select(SecondFactorPolicy.role, SecondFactorPolicy.required))
    chosen = {role: required for role, required in found}
    configured = _configured()
    return frozenset(role for role in Role if chosen.get(role, role in configured))


def must_have(user: User) -> bool:
    """Whether the person must have a second factor, by the roles they hold."""
    return holds_any(user, required_roles())


def has_factor(user: User) -> bool:
    """Whether the person has a passkey or a confirmed authenticator app (one statement)."""
    passkey = exists().where(Passkey.user_id == user.id)
    app = exists().where(
        AuthenticatorApp.user_id == user.id, AuthenticatorApp.confirmed_at.is_not(None)
    )
    return bool(db.session.scalar(select(passkey | app)))


def factors_of(user: User) -> Factors:
    """The person's passkeys, authenticator app and unused recovery codes, counted."""
    return Factors(
        len(passkeys.passkeys_of(user)),
        authenticator.has_confirmed_app(user),
        recovery.remaining(user),
    )


def ensure_one_left(user: User, factors_after: Factors) -> None:
    """Refuse a removal that would leave a person who must have a second factor without one."""
    if must_have(user) and not factors_after.any:
        raise RuleViolation(
            "Your role needs a second factor: add another passkey or an authenticator app "
            "before removing this one."
        )


def set_required(actor: User, role: Role, required: bool) -> bool:
    """Require a second factor of a role's holders (or not); False when nothing changed."""
    ensure(actor, Action.SET_SECOND_FACTOR_POLICY)
    before = role in required_roles()
    if before == required:
        return False
    policy = db.session.get(SecondFactorPolicy, role, with_for_update=True)
    if policy is not None and policy.required == required:
        return False  # another coordinator made the same change a moment ago
    try:
        with db.session.begin_nested():  # the first choice for a role, made twice at once
            if policy is None:
                policy = SecondFactorPolicy(role=role)
                db.session.add(policy)
            policy.required, policy.changed_at, policy.changed_by_id = required, utcnow(), actor.id
    except IntegrityError:
        raise RuleViolation(
            "Another coordinator changed the policy at the same moment. Look at it again."
        ) from None
    audit.record(
        actor,
        "second_factor.policy_changed",
        "role",
        None,
        before={"role": role.value, "required": before},
        after={"role": role.value, "required": required},
    )
    return True


def reset(actor: User, person: User, reason: str) -> None:
    """A coordinator removes every second factor and recovery code of someone else, for a
    recorded reason, and signs them out everywhere: they set up anew at their next sign-in."""
    ensure(actor, Action.RESET_SECOND_FACTOR, person, "You cannot reset your own second factor.")
    reason = " ".join(reason.split())
    if not reason:
        raise RuleViolation("Say why (for example, how the person lost their phone).", "reason")
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise RuleViolation("Use at most %(limit)s characters.", "reason", limit=MAX_REASON)
    before = factors_of(person)
    for model in (Passkey, AuthenticatorApp, RecoveryCode):
        db.session.execute(delete(model).where(model.user_id == person.id))
    ended = login_sessions.end_all(person)
    audit.record(
        actor,
        "second_factor.reset",
        "user",
        person.id,
        before={
            "passkeys": before.passkeys,
            "authenticator": before.authenticator,
            "recovery_codes": before.recovery_codes,
        },
        after={"reason": reason, "sessions_ended": ended},
    )
