"""Deactivating and reactivating accounts: the person can no longer sign in, their record stays."""

from sqlalchemy import select

from app.authz.actions import Action
from app.authz.rules import ensure, may_coordinate
from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, AuthToken, Enrolment, User
from app.models.base import utcnow
from app.phrase import Phrase
from app.services import audit
from app.services.people import login_sessions
from app.services.people.coordinators import active_coordinator_count
from app.services.people.enrolment_queries import current_supervisees

MAX_REASON_LENGTH = 300
MERGED = "person.merged"
ERASED = "person.erased"
STATUS_ACTIONS = ("user.deactivated", "user.reactivated", MERGED, ERASED)


def refuse_if_erased(person: User) -> None:
    """Refuse any change to an erased account: it only stands in for them in others' records."""
    if person.erased_at is not None:
        raise RuleViolation("This person was erased: their account can no longer be changed.")


def check_reason(reason: str, field: str, missing: Phrase) -> str:
    """The reason without surrounding spaces; refused with `missing` when empty, or too long."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(missing, field)
    if len(reason) > MAX_REASON_LENGTH:
        raise RuleViolation("Use at most %(limit)s characters.", field, limit=MAX_REASON_LENGTH)
    return reason


def cancel_links(user: User) -> int:
    """Make the person's unused invitation and reset links stop working; how many there were."""
    now = utcnow()
    links = db.session.scalars(
        select(AuthToken).where(
            AuthToken.user_id == user.id, AuthToken.used_at.is_(None), AuthToken.expires_at > now
        )
    ).all()
    for link in links:
        link.expires_at = now
    return len(links)


def deactivate_person(actor: User, person: User, reason: str) -> list[Enrolment]:
    """Stop a person signing in, keeping everything they recorded; returns the enrolments they
    are still the own supervisor of (left unchanged: a coordinator reassigns them)."""
    reason = check_reason(reason, "reason", Phrase("Say why the account is deactivated."))
    ensure(actor, Action.DEACTIVATE_PERSON, person, "You cannot deactivate your own account.")
    if not person.active:
        raise RuleViolation("This account is already deactivated.")
    if may_coordinate(person) and active_coordinator_count() <= 1:
        raise RuleViolation("Attune needs at least one active coordinator.")
    supervisees = current_supervisees(person)
    person.active = False
    cancelled = cancel_links(person)
    db.session.flush()
    ended = login_sessions.end_all(person)
    audit.record(
        actor,
        "user.deactivated",
        "user",
        person.id,
        {"active": True},
        {
            "active": False,
            "reason": reason,
            "links_cancelled": cancelled,
            "sessions_ended": ended,
            "supervising_enrolment_ids": [e.id for e in supervisees],
        },
    )
    return supervisees


def merged_into(person: User) -> User | None:
    """The account this one was merged into, if it was."""
    event = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == MERGED,
            AuditEvent.subject_type == "user",
            AuditEvent.subject_id == person.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    kept_id = (event.after or {}).get("kept_id") if event is not None else None
    return db.session.get(User, kept_id) if kept_id is not None else None


def reactivate_person(actor: User, person: User) -> User:
    """Let a deactivated person sign in again (not an account merged into another)."""
    refuse_if_erased(person)
    if person.active:
        raise RuleViolation("This account is already active.")
    kept = merged_into(person)
    if kept is not None:
        raise RuleViolation(
            "This account was merged into %(name)s's (%(email)s); it stays deactivated.",
            name=kept.display_name,
            email=kept.email,
        )
    person.active = True
    db.session.flush()
    audit.record(actor, "user.reactivated", "user", person.id, {"active": False}, {"active": True})
    return person


def last_status_change(person: User) -> AuditEvent | None:
    """The latest deactivation, reactivation or merge of this account (shown on its page)."""
    return db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action.in_(STATUS_ACTIONS),
            AuditEvent.subject_type == "user",
            AuditEvent.subject_id == person.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
