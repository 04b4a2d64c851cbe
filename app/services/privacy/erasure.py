"""Erasure (the right to erasure): a coordinator erases a person who asks, with a reason.

What the association must keep stays: issued certificates (as printed, so they still verify)
and the audit log, anonymised. Everything else of the person goes, in one transaction:
- their record as a trainee, whoever wrote in it (see `erasure_records`); an enrolment with a
  certificate keeps only its row, and its certificates leave the public register;
- what is addressed to them (links, roles, notifications, digests) and other people's
  notifications naming them; cached portfolios that may print their name;
- their account is anonymised ("Erased person 17", erased-17@erased.invalid, no password,
  deactivated) rather than deleted, so other people's records they took part in (sessions they
  supervised, ratings, meetings they assessed, certificates they issued) stay whole;
- audit entries about them or naming them are redacted (see `erasure_audit`): their states are
  removed, and one `person.erased` entry, with the reason and counts but no personal data,
  records how many. The hash chain still verifies (see `audit_chain`);
- accounts merged into the person earlier (the same person) are erased with them.

Stored clips are deleted last, once everything else is written: if one cannot be deleted the
erasure is refused and the caller rolls back (files already deleted stay deleted; erasing again
finishes the job). If the commit itself failed after that, the rows would outlive their files,
and erasing again would still be right.

Refused: erasing yourself, the last active coordinator, an account already erased, and a person
others still depend on (the own supervisor of someone's enrolment, the named assessor of a
meeting not yet held) until a coordinator hands that over.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from app.authz.actions import Action
from app.authz.rules import ensure, may_coordinate
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    AuditEvent,
    Enrolment,
    EnrolmentStage,
    MeetingStatus,
    Notification,
    NotifyBy,
    StageMeeting,
    SupervisorAssignment,
    User,
)
from app.models.base import utcnow
from app.phrase import Phrase, counted
from app.services import audit
from app.services.audit_chain import REDACTIONS_KEY
from app.services.people.account_status import ERASED, MERGED, check_reason
from app.services.people.coordinators import active_coordinator_count
from app.services.privacy.erasure_audit import Identity, entries_to_redact, identity_of
from app.services.privacy.erasure_records import (
    Deleted,
    delete_addressed_to,
    delete_cached_portfolios,
    delete_own_records,
    own_records,
)
from app.services.row_locks import locked, locked_all
from app.storage import ClipStorage

ERASED_DOMAIN = "erased.invalid"  # .invalid can never be a real address (RFC 2606)


@dataclass(frozen=True)
class ErasureResult:
    """What one erasure did, in counts (the same as its audit entry records)."""

    erased_user_ids: list[int]
    deleted: dict[str, int]
    certificates_kept: int
    clips_deleted: int
    audit_entries_redacted: int


def is_erased(person: User) -> bool:
    """Whether the account was erased."""
    return person.erased_at is not None


def merged_duplicates(person: User) -> list[User]:
    """Accounts that were merged into this one (the same person) and are not yet erased."""
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == MERGED,
            AuditEvent.subject_type == "user",
            AuditEvent.redacted_at.is_(None),
        )
    )
    ids = {e.subject_id for e in events if (e.after or {}).get("kept_id") == person.id}
    found = db.session.scalars(select(User).where(User.id.in_(ids), User.erased_at.is_(None)))
    return sorted((u for u in found if u.id != person.id), key=lambda u: u.id)


def _check_people(actor: User, person: User) -> None:
    ensure(actor, Action.ERASE_PERSON, None, "Only a coordinator can erase a person.")
    ensure(
        actor,
        Action.ERASE_PERSON,
        person,
        "You cannot erase your own account; ask another coordinator.",
    )
    if is_erased(person):
        raise RuleViolation("This person is already erased.")
    if person.active and may_coordinate(person) and active_coordinator_count() <= 1:
        raise RuleViolation("Attune needs at least one active coordinator.")


def still_needed(users: Sequence[User], today: date) -> list[Phrase]:
    """What others still need these people for, each to be handed over before erasing."""
    ids = [u.id for u in users]
    trainee = aliased(Enrolment)
    supervising = db.session.scalar(
        select(func.count(func.distinct(SupervisorAssignment.enrolment_id)))
        .join(trainee, SupervisorAssignment.enrolment_id == trainee.id)
        .where(
            SupervisorAssignment.supervisor_id.in_(ids),
            trainee.trainee_id.not_in(ids),
            or_(SupervisorAssignment.ends_on.is_(None), SupervisorAssignment.ends_on >= today),
        )
    )
    assessing = db.session.scalar(
        select(func.count(StageMeeting.id))
        .join(EnrolmentStage)
        .join(trainee, EnrolmentStage.enrolment_id == trainee.id)
        .where(
            StageMeeting.assessor_id.in_(ids),
            StageMeeting.status == MeetingStatus.ASSESSOR_NAMED,
            trainee.trainee_id.not_in(ids),
        )
    )
    problems = []
    if supervising:
        problems.append(
            counted(
                "They are still the own supervisor of %(num)s trainee enrolment: hand it over "
                "to another supervisor, from today at the latest, first.",
                "They are still the own supervisor of %(num)s trainee enrolments: hand them "
                "over to another supervisor, from today at the latest, first.",
                num=supervising,
            )
        )
    if assessing:
        problems.append(
            counted(
                "They are the named assessor of %(num)s stage meeting not yet held: name "
                "another assessor first.",
                "They are the named assessor of %(num)s stage meetings not yet held: name "
                "another assessor first.",
                num=assessing,
            )
        )
    return problems


def _check_reason(reason: str, identity: Identity) -> str:
    reason = check_reason(reason, "reason", Phrase("Say why the person is erased."))
    if identity.named_in(reason):
        raise RuleViolation(
            "Leave their name and e-mail address out of the reason: the reason is kept.",
            "reason",
        )
    return reason


def _notifications_naming(identity: Identity) -> list[int]:
    """Anyone's notifications whose message names them (names are written in verbatim)."""
    terms = identity.terms()
    if not terms:
        return []
    found = db.session.execute(
        select(Notification.id, Notification.message).where(
            or_(*(Notification.message.contains(term, autoescape=True) for term in terms))
        )
    )
    return [note_id for note_id, message in found if identity.named_in(message)]


def _anonymise(user: User) -> None:
    user.display_name = f"Erased person {user.id}"
    user.email = f"erased-{user.id}@{ERASED_DOMAIN}"
    user.password_hash = None
    user.passkey_handle = None
    user.active = False
    user.supervisor_grade = None
    user.timezone, user.locale, user.notify_by = "Europe/London", "en", NotifyBy.IMMEDIATE
    user.erased_at = utcnow()


def _delete_clips(keys: Sequence[str], storage: ClipStorage) -> None:
    for key in keys:
        try:
            storage.delete(key)
        except Exception as error:  # any store failure: the caller rolls everything back
            raise RuleViolation(
                "A stored clip could not be deleted (%(problem)s), so nothing was erased. Try "
                "again; if it keeps failing, check the clip storage.",
                problem=type(error).__name__,
            ) from error


def erase_person(
    actor: User, person: User, reason: str, today: date, storage: ClipStorage
) -> ErasureResult:
    """Erase `person` (and accounts merged into them) as described above; flushes, never
    commits: the caller commits, or rolls back on a RuleViolation."""
    # Re-read and locked: the same erasure sent twice at once lands once, and the second
    # finds the person already erased.
    person = locked(person)
    _check_people(actor, person)
    users = [person, *merged_duplicates(person)]
    locked_all(users)
    problems = still_needed(users, today)
    if problems:
        both = Phrase("%(first)s %(second)s", first=problems[0], second=problems[-1])
        raise RuleViolation(problems[0] if len(problems) == 1 else both)
    own = own_records([u.id for u in users])
    identity = identity_of(users, own.certificate_ids)
    reason = _check_reason(reason, identity)
    subjects: dict[str, Any] = dict(own.ids) | {"certificate": own.certificate_ids}
    deleted = Deleted()
    delete_own_records(own, deleted)
    delete_cached_portfolios(identity.user_ids, deleted)
    delete_addressed_to(identity.user_ids, _notifications_naming(identity), deleted)
    # The bulk deletes bypassed the objects in the session: read them afresh.
    db.session.expire_all()
    for user in users:
        _anonymise(user)
    db.session.flush()
    redact = entries_to_redact(identity, subjects)
    counts = {name: n for name, n in sorted(deleted.counts.items()) if n}
    result = ErasureResult(
        erased_user_ids=sorted(identity.user_ids),
        deleted=counts,
        certificates_kept=len(own.certificate_ids),
        clips_deleted=len(own.clip_keys),
        audit_entries_redacted=len(redact),
    )
    event = audit.record(
        actor,
        ERASED,
        "user",
        person.id,
        after={
            "reason": reason,
            "erased_user_ids": result.erased_user_ids,
            "deleted": counts,
            "certificates_kept": result.certificates_kept,
            "clips_deleted": result.clips_deleted,
            REDACTIONS_KEY: len(redact),
        },
    )
    audit.redact(redact, event)
    _delete_clips(own.clip_keys, storage)
    return result
