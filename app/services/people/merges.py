"""Merging a duplicate account into the account a person keeps.

Everything the duplicate did or holds moves to the kept account, except what records the
duplicate account itself: the audit log (append-only), its roles (copied), the links and
digests sent to its address. Evidence a sign-off fingerprinted with the duplicate's id stays
with it, so `flask signoff verify` still matches. The duplicate is deactivated, never deleted.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import InstrumentedAttribute

from app.authz.rules import may_supervise
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    AuditEvent,
    AuthToken,
    Case,
    Certificate,
    Cohort,
    CohortMember,
    Cycle,
    DigestSent,
    Enrolment,
    EnrolmentStage,
    Film,
    LoginSession,
    Milestone,
    Moment,
    MomentReply,
    Notification,
    Pause,
    PortfolioDocument,
    Rating,
    Reflection,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    User,
    UserRole,
    second_factor,
)
from app.phrase import Phrase
from app.services import audit
from app.services.evidence import locks
from app.services.people import accounts, login_sessions
from app.services.people.account_status import (
    MERGED,
    cancel_links,
    check_reason,
)
from app.services.people.merge_checks import check_merge
from app.services.row_locks import locked_all

MOVED: tuple[InstrumentedAttribute[Any], ...] = (
    Enrolment.trainee_id,
    SupervisorAssignment.supervisor_id,
    SupervisionSession.supervisor_id,
    Rating.rater_id,
    Moment.author_id,
    MomentReply.author_id,
    Reflection.author_id,
    StageMeeting.requested_by_id,
    StageMeeting.assessor_id,
    StageMeeting.ratified_by_id,
    Notification.user_id,
    Certificate.issued_by_id,
    Milestone.recorded_by_id,
    Pause.recorded_by_id,
    PortfolioDocument.requested_by_id,
    CohortMember.user_id,
    CohortMember.added_by_id,
    Cohort.created_by_id,
)
KEPT: tuple[InstrumentedAttribute[Any], ...] = (
    AuditEvent.actor_id,
    UserRole.user_id,
    AuthToken.user_id,
    DigestSent.user_id,
    # Ended at the merge (the duplicate is deactivated), never moved to the kept account.
    LoginSession.user_id,
    *second_factor.REFERENCES_TO_PEOPLE,
)
# Where each kind of evidence a sign-off covers belongs to an enrolment.
_ENROLMENT_OF: dict[str, Any] = {
    "moment": select(Moment.id, Case.enrolment_id).join(Film).join(Cycle).join(Case),
    "session": select(SupervisionSession.id, SupervisionSession.enrolment_id),
    "rating": select(Rating.id, EnrolmentStage.enrolment_id).join(EnrolmentStage),
}


@dataclass(frozen=True)
class MergeResult:
    """How many rows moved to the kept account, and how many signed-off ones stayed."""

    moved: dict[str, int]
    kept_sealed: dict[str, int]


def _name(column: InstrumentedAttribute[Any]) -> str:
    return f"{column.class_.__tablename__}.{column.key}"


def account_by_email(email: str) -> User:
    """The account using an e-mail address (the duplicate to merge)."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise RuleViolation("No account uses this e-mail address.", "duplicate")
    return user


def _sealed_kind(column: InstrumentedAttribute[Any]) -> str | None:
    for kind, model in locks.MODELS.items():
        if model is column.class_ and column.key in locks.FIELDS[kind]:
            return kind
    return None


def _sealed_ids(kind: str, column: InstrumentedAttribute[Any], user: User) -> set[int]:
    """Ids of the user's evidence of this kind that a sign-off's digest covers."""
    query = _ENROLMENT_OF[kind].where(column == user.id)
    by_enrolment = {row[0]: row[1] for row in db.session.execute(query)}
    if not by_enrolment:
        return set()
    covered = db.session.scalars(
        select(StageMeeting.covered)
        .join(EnrolmentStage)
        .where(
            StageMeeting.digest.is_not(None),
            EnrolmentStage.enrolment_id.in_(set(by_enrolment.values())),
        )
    )
    return {item[1] for items in covered for item in items if item[0] == kind} & by_enrolment.keys()


def _roles(user: User) -> list[str]:
    return sorted(r.value for r in user.roles)


def _drop_shared_cohorts(keep: User, duplicate: User) -> None:
    """A cohort holding both accounts keeps the kept one's membership only."""
    shared = select(CohortMember.cohort_id).where(CohortMember.user_id == keep.id)
    db.session.execute(
        delete(CohortMember).where(
            CohortMember.user_id == duplicate.id, CohortMember.cohort_id.in_(shared)
        ),
        execution_options={"synchronize_session": False},
    )


def _move(keep: User, duplicate: User) -> MergeResult:
    _drop_shared_cohorts(keep, duplicate)
    moved: dict[str, int] = {}
    kept_sealed: dict[str, int] = {}
    for column in MOVED:
        kind = _sealed_kind(column)
        sealed = _sealed_ids(kind, column, duplicate) if kind else set()
        model = column.class_
        condition = column == duplicate.id
        if sealed:
            condition = and_(condition, model.id.not_in(sealed))
        result = db.session.execute(
            update(model).where(condition).values({column.key: keep.id}),
            execution_options={"synchronize_session": False},
        )
        moved[_name(column)] = result.rowcount  # type: ignore[attr-defined]
        if sealed:
            kept_sealed[_name(column)] = len(sealed)
    return MergeResult(moved, kept_sealed)


def merge_people(actor: User, keep: User, duplicate: User, note: str) -> MergeResult:
    """Move everything of `duplicate` to `keep`, add its roles, deactivate it (kept, with its
    e-mail address) and write one `person.merged` audit entry naming both."""
    note = check_reason(note, "note", Phrase("Say why these accounts belong to the same person."))
    # Both accounts re-read and locked (in id order): the same merge sent twice at once lands
    # once, and the second finds the duplicate already merged.
    locked_all([keep, duplicate])
    check_merge(actor, keep, duplicate)
    before = {
        "kept_id": keep.id,
        "duplicate_id": duplicate.id,
        "kept_roles": _roles(keep),
        "kept_supervisor_grade": keep.supervisor_grade,
        "duplicate_active": duplicate.active,
    }
    for role in sorted(duplicate.roles - keep.roles):
        keep.role_links.append(UserRole(role=role))
    if may_supervise(keep) and keep.supervisor_grade is None:
        keep.supervisor_grade = duplicate.supervisor_grade
    duplicate.active = False
    cancel_links(duplicate)
    db.session.flush()
    sessions_ended = login_sessions.end_all(duplicate)
    result = _move(keep, duplicate)
    # The bulk updates bypassed the objects in the session: read them afresh.
    db.session.expire_all()
    audit.record(
        actor,
        MERGED,
        "user",
        duplicate.id,
        before,
        {
            "kept_id": keep.id,
            "duplicate_id": duplicate.id,
            "duplicate_email": duplicate.email,
            "kept_roles": _roles(keep),
            "kept_supervisor_grade": keep.supervisor_grade,
            "duplicate_active": False,
            "moved": result.moved,
            "kept_sealed": result.kept_sealed,
            "duplicate_sessions_ended": sessions_ended,
            "note": note,
        },
    )
    return result
