"""Passwords, sign-in and one-time links (invites and password resets)."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuthToken, LoginSession, TokenPurpose, User
from app.models.base import utcnow
from app.phrase import Phrase
from app.services import audit
from app.services.people import login_sessions, password_strength

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# Compared against when no account matches, so a missing account takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("attune-dummy-password")


class LinkState(StrEnum):
    """What became of a one-time link."""

    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"


LINK_REFUSALS = {
    LinkState.VALID: Phrase("This link cannot be used"),
    LinkState.EXPIRED: Phrase("This link has expired: ask for a new one."),
    LinkState.USED: Phrase("This link was already used."),
    LinkState.UNKNOWN: Phrase("This link is not valid."),
}


@dataclass(frozen=True)
class LinkCheck:
    """The result of looking up a one-time link."""

    state: LinkState
    token: AuthToken | None = None


def normalise_email(email: str) -> str:
    """E-mail addresses are compared without case or surrounding spaces."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    """The account with this address, if any."""
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active account matching e-mail and password, or None."""
    user = find_user_by_email(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def check_password_rules(password: str, email: str, name: str = "") -> None:
    """Refuse passwords that are too short, too long, the e-mail address itself, or easy to
    guess (common, repetitive, or built from the person's name or address)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            "Use at least %(limit)s characters.", "password", limit=MIN_PASSWORD_LENGTH
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise RuleViolation(
            "Use at most %(limit)s characters.", "password", limit=MAX_PASSWORD_LENGTH
        )
    if password.strip().lower() == normalise_email(email):
        raise RuleViolation("Your password cannot be your e-mail address.", "password")
    weakness = password_strength.weakness(password, email, name)
    if weakness is not None:
        raise RuleViolation(weakness, "password")


def set_password(
    actor: User | None, user: User, password: str, keep: LoginSession | None = None
) -> None:
    """Hash and store a new password and end every session of the person but `keep` (whoever
    knew the old password may be signed in elsewhere); audited without the secret."""
    check_password_rules(password, user.email, user.display_name)
    had_password = user.password_hash is not None
    user.password_hash = generate_password_hash(password)
    db.session.flush()
    ended = login_sessions.end_all(user, keep)
    audit.record(
        actor,
        "user.password_set",
        "user",
        user.id,
        {"had_password": had_password},
        {"sessions_ended": ended},
    )


def change_own_password(
    user: User, current: str, new: str, keep: LoginSession | None = None
) -> User:
    """A signed-in person changes their password, proving they know the current one; their
    other sessions end, the one they did it from (`keep`) stays signed in."""
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise RuleViolation("That is not your current password.", "current_password")
    set_password(user, user, new, keep)
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_link(actor: User | None, user: User, purpose: TokenPurpose, valid_for: timedelta) -> str:
    """Create a one-time link secret; earlier unused links of that purpose stop working."""
    now = utcnow()
    for old in db.session.scalars(
        select(AuthToken).where(
            AuthToken.user_id == user.id,
            AuthToken.purpose == purpose,
            AuthToken.used_at.is_(None),
            AuthToken.expires_at > now,
        )
    ):
        old.expires_at = now
    raw = secrets.token_urlsafe(32)
    token = AuthToken(
        user_id=user.id, purpose=purpose, token_hash=_digest(raw), expires_at=now + valid_for
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor,
        f"user.{purpose.value}_link_issued",
        "user",
        user.id,
        after={"expires_at": token.expires_at},
    )
    return raw


def check_link(raw: str, purpose: TokenPurpose) -> LinkCheck:
    """Whether a link secret is valid, expired, already used or unknown."""
    token = db.session.scalar(
        select(AuthToken).where(AuthToken.token_hash == _digest(raw), AuthToken.purpose == purpose)
    )
    if token is None:
        return LinkCheck(LinkState.UNKNOWN)
    if token.used_at is not None:
        return LinkCheck(LinkState.USED, token)
    if token.expires_at <= utcnow():
        return LinkCheck(LinkState.EXPIRED, token)
    return LinkCheck(LinkState.VALID, token)


def use_link(raw: str, purpose: TokenPurpose, password: str) -> User:
    """Set a password through a valid one-time link and spend the link."""
    result = check_link(raw, purpose)
    if result.state is not LinkState.VALID or result.token is None:
        raise RuleViolation(LINK_REFUSALS[result.state])
    check_password_rules(password, result.token.user.email, result.token.user.display_name)
    # Claim the link atomically: of two simultaneous submissions only one gets it.
    claimed = db.session.execute(
        update(AuthToken)
        .where(AuthToken.id == result.token.id, AuthToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleViolation("This link is used.")
    db.session.refresh(result.token)
    user = result.token.user
    set_password(user, user, password)
    audit.record(user, f"user.{purpose.value}_link_used", "user", user.id)
    return user


def request_password_reset(email: str, valid_for: timedelta) -> tuple[User, str] | None:
    """A reset link for an active account with a password, or None (the caller says the same)."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return None
    return user, issue_link(None, user, TokenPurpose.RESET, valid_for)
