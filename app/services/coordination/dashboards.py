"""What each person's home page shows, loaded in a fixed number of queries."""

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Executable, bindparam, func, select, union_all

from app.extensions import db
from app.models import (
    AuthToken,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    MeetingStatus,
    Scheme,
    Stage,
    StageMeeting,
    TokenPurpose,
    User,
)
from app.models.base import utcnow

# How many meetings an assessor sees that no longer wait for anyone (the latest first).
RECENTLY_DONE = 10
WaitsFor = Literal["assessor", "coordinator", "nobody"]


@dataclass(frozen=True)
class MeetingToAssess:
    """A stage meeting naming the person as its assessor, and whom it waits for now. `meeting`
    is a row of what the home page shows of it: id, status, requested_at, ratified_at,
    sent_back_reason, stage_number, enrolment_id, trainee (name) and scheme_title."""

    meeting: Any  # a Row of the columns above
    waits_for: WaitsFor


def _waits_for(status: MeetingStatus) -> WaitsFor:
    if status is MeetingStatus.ASSESSOR_NAMED:
        return "assessor"  # to hold the meeting and record its outcome (again, if sent back)
    if status is MeetingStatus.PASSED:
        return "coordinator"  # to ratify the pass or send it back
    return "nobody"


_WAITING_STATUSES = (MeetingStatus.ASSESSOR_NAMED, MeetingStatus.PASSED)


def _assessed_by() -> Executable:
    """The statement of `meetings_assessed_by`, built once (the assessor bound): the meetings
    still waiting, and the latest of those that wait for nobody."""
    query = (
        select(
            StageMeeting.id,
            StageMeeting.status,
            StageMeeting.requested_at,
            StageMeeting.ratified_at,
            StageMeeting.sent_back_reason,
            Stage.number.label("stage_number"),
            Enrolment.id.label("enrolment_id"),
            User.display_name.label("trainee"),
            Scheme.title.label("scheme_title"),
        )
        .join(EnrolmentStage, EnrolmentStage.id == StageMeeting.enrolment_stage_id)
        .join(Stage, Stage.id == EnrolmentStage.stage_id)
        .join(Enrolment, Enrolment.id == EnrolmentStage.enrolment_id)
        .join(User, User.id == Enrolment.trainee_id)
        .join(Scheme, Scheme.id == Enrolment.scheme_id)
        .where(StageMeeting.assessor_id == bindparam("assessor_id"))
    )
    waiting = query.where(StageMeeting.status.in_(_WAITING_STATUSES)).subquery()
    done = (
        query.where(StageMeeting.status.not_in([*_WAITING_STATUSES, MeetingStatus.VOIDED]))
        .order_by(StageMeeting.requested_at.desc(), StageMeeting.id.desc())
        .limit(RECENTLY_DONE)
        .subquery()
    )
    return union_all(select(waiting), select(done))


_ASSESSED_BY = _assessed_by()


def meetings_assessed_by(user: User) -> list[MeetingToAssess]:
    """The stage meetings naming `user` as assessor (not those since reopened): every one still
    waiting, theirs first, the oldest first; then the latest that wait for nobody. In one
    statement of the shown columns only."""
    rows = db.session.execute(_ASSESSED_BY, {"assessor_id": user.id}).all()
    waiting = sorted(
        (m for m in rows if m.status in _WAITING_STATUSES), key=lambda m: (m.requested_at, m.id)
    )
    done = sorted(
        (m for m in rows if m.status not in _WAITING_STATUSES),
        key=lambda m: (m.requested_at, m.id),
        reverse=True,
    )
    found = [MeetingToAssess(m, _waits_for(m.status)) for m in (*waiting, *done)]
    # Theirs first: stable, so each group keeps its order.
    return sorted(
        found, key=lambda item: ("assessor", "coordinator", "nobody").index(item.waits_for)
    )


@dataclass(frozen=True)
class CoordinatorSummary:
    """Headline figures for coordinators."""

    people: int
    active_enrolments: int
    pending_invitations: int


# One statement, built once: three counts as scalar subqueries (a coordinator's every home).
_SUMMARY = select(
    select(func.count()).select_from(User).scalar_subquery().label("people"),
    select(func.count())
    .select_from(Enrolment)
    .where(Enrolment.status == EnrolmentStatus.ACTIVE)
    .scalar_subquery()
    .label("active"),
    select(func.count(func.distinct(AuthToken.user_id)))
    .join(User, AuthToken.user_id == User.id)
    .where(
        AuthToken.purpose == TokenPurpose.INVITE,
        AuthToken.used_at.is_(None),
        AuthToken.expires_at > bindparam("now"),
        User.password_hash.is_(None),
    )
    .scalar_subquery()
    .label("pending"),
)


def coordinator_summary() -> CoordinatorSummary:
    """Counts of people, active enrolments and invitations not yet accepted."""
    row = db.session.execute(_SUMMARY, {"now": utcnow()}).one()
    return CoordinatorSummary(row.people or 0, row.active or 0, row.pending or 0)
