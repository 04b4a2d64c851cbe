"""The association's pipeline as coordinators see it: who is in which stage, what waits on
coordinators, who is at risk and how loaded the supervisors are.

Every list is a query (so pages can paginate, sort and stream it as CSV) built from plain
arguments; counts are aggregates in the database. Nothing here loads all enrolments into Python.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, contains_eager

from app.extensions import db
from app.models import (
    Certificate,
    CohortMember,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    MeetingStatus,
    Role,
    Scheme,
    SessionStatus,
    Stage,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    User,
    UserRole,
)
from app.services.certificates.renewals import GRACE_MONTHS, RENEWAL_OPENS_MONTHS


@dataclass(frozen=True)
class Thresholds:
    """When a trainee counts as at risk."""

    # No confirmed supervision held in this many weeks.
    supervision_weeks: int = 8
    # Their own supervisor has left a session unconfirmed for more than this many days.
    unconfirmed_days: int = 14


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


# -- who is in which stage ---------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    """How many active enrolments of one scheme are in one stage."""

    scheme_id: int
    scheme: str
    stage_number: int
    stage_title: str
    count: int


@dataclass(frozen=True)
class SchemeCounts:
    """One scheme's enrolments: active ones by open stage, then accredited and withdrawn."""

    scheme_id: int
    label: str
    stages: tuple[StageCount, ...]
    accredited: int
    withdrawn: int

    @property
    def active(self) -> int:
        """Active enrolments, whatever their stage."""
        return sum(s.count for s in self.stages)


def counts_by_scheme_and_stage(trainee_ids: Select[Any] | None = None) -> list[SchemeCounts]:
    """Per scheme revision with enrolments: active ones per stage (every stage listed, zero
    included), accredited and withdrawn. `trainee_ids` narrows to a group (a cohort)."""
    scoped = Enrolment.trainee_id.in_(trainee_ids) if trainee_ids is not None else literal(True)
    open_stage = (
        select(Stage.scheme_id, Stage.id.label("stage_id"), func.count(Enrolment.id).label("n"))
        .join(EnrolmentStage, EnrolmentStage.stage_id == Stage.id)
        .join(Enrolment, Enrolment.id == EnrolmentStage.enrolment_id)
        .where(
            EnrolmentStage.closed_on.is_(None),
            Enrolment.status == EnrolmentStatus.ACTIVE,
            scoped,
        )
        .group_by(Stage.scheme_id, Stage.id)
    )
    per_stage = {row.stage_id: row.n for row in db.session.execute(open_stage)}
    by_status = db.session.execute(
        select(Enrolment.scheme_id, Enrolment.status, func.count())
        .where(scoped)
        .group_by(Enrolment.scheme_id, Enrolment.status)
    ).all()
    statuses: dict[int, dict[EnrolmentStatus, int]] = {}
    for scheme_id, status, n in by_status:
        statuses.setdefault(scheme_id, {})[status] = n
    if not statuses:
        return []
    stages = db.session.execute(
        select(Scheme, Stage)
        .join(Stage, Stage.scheme_id == Scheme.id)
        .where(Scheme.id.in_(list(statuses)))
        .order_by(Scheme.title, Scheme.version, Scheme.revision, Stage.number)
    ).all()
    per_scheme: dict[int, list[StageCount]] = {}
    schemes: dict[int, Scheme] = {}
    for scheme, stage in stages:
        schemes[scheme.id] = scheme
        per_scheme.setdefault(scheme.id, []).append(
            StageCount(
                scheme.id, scheme.label, stage.number, stage.title, per_stage.get(stage.id, 0)
            )
        )
    result = {
        scheme_id: SchemeCounts(
            scheme_id,
            schemes[scheme_id].label,
            tuple(counts),
            statuses[scheme_id].get(EnrolmentStatus.ACCREDITED, 0),
            statuses[scheme_id].get(EnrolmentStatus.WITHDRAWN, 0),
        )
        for scheme_id, counts in per_scheme.items()
    }
    return list(result.values())


# -- what waits on coordinators -------------------------------------------------------------


def _meetings(status: MeetingStatus) -> Select[StageMeeting]:
    enrolment_stage = aliased(EnrolmentStage)
    return (
        select(StageMeeting)
        .join(enrolment_stage, StageMeeting.enrolment_stage)
        .join(Stage, enrolment_stage.stage)
        .join(Enrolment, enrolment_stage.enrolment)
        .join(User, Enrolment.trainee)
        .join(Scheme, Enrolment.scheme)
        .where(StageMeeting.status == status)
        .options(
            contains_eager(StageMeeting.enrolment_stage, alias=enrolment_stage).contains_eager(
                EnrolmentStage.stage
            ),
            contains_eager(StageMeeting.enrolment_stage, alias=enrolment_stage)
            .contains_eager(EnrolmentStage.enrolment)
            .contains_eager(Enrolment.trainee),
            contains_eager(StageMeeting.enrolment_stage, alias=enrolment_stage)
            .contains_eager(EnrolmentStage.enrolment)
            .contains_eager(Enrolment.scheme),
        )
    )


def meetings_without_assessor() -> Select[StageMeeting]:
    """Stage meetings requested and waiting for a coordinator to name the assessor."""
    return _meetings(MeetingStatus.REQUESTED)


def passes_to_ratify() -> Select[StageMeeting]:
    """Stage meetings an assessor passed, waiting for a coordinator to ratify."""
    return _meetings(MeetingStatus.PASSED)


def _current_certificate_of_enrolment() -> Any:
    return exists().where(
        Certificate.enrolment_id == Enrolment.id,
        Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None),
    )


def _enrolments() -> Select[Enrolment]:
    return (
        select(Enrolment)
        .join(User, Enrolment.trainee)
        .join(Scheme, Enrolment.scheme)
        .options(contains_eager(Enrolment.trainee), contains_eager(Enrolment.scheme))
    )


def certificates_to_issue() -> Select[Enrolment]:
    """Accredited enrolments without a current certificate (never issued, or only the document
    revoked: a withdrawn accreditation leaves the enrolment withdrawn, so it is not listed)."""
    return _enrolments().where(
        Enrolment.status == EnrolmentStatus.ACCREDITED,
        ~_current_certificate_of_enrolment(),
    )


def renewals_due(today: date) -> Select[Certificate]:
    """Current certificates whose renewal window is open: from RENEWAL_OPENS_MONTHS before the
    expiry until GRACE_MONTHS after it."""
    opens_before = today + relativedelta(months=RENEWAL_OPENS_MONTHS)
    closed_before = today - relativedelta(months=GRACE_MONTHS)
    return (
        select(Certificate)
        .join(Enrolment, Certificate.enrolment)
        .join(User, Enrolment.trainee)
        .join(Scheme, Enrolment.scheme)
        .where(
            Certificate.revoked_at.is_(None),
            Certificate.superseded_by_id.is_(None),
            Certificate.expires_on.is_not(None),
            Certificate.expires_on <= opens_before,
            Certificate.expires_on >= closed_before,
        )
        .options(
            contains_eager(Certificate.enrolment).contains_eager(Enrolment.trainee),
            contains_eager(Certificate.enrolment).contains_eager(Enrolment.scheme),
        )
    )


# -- trainees at risk -----------------------------------------------------------------------


class RiskReason(StrEnum):
    """Why a trainee is on the at-risk list."""

    LATE = "late"
    NO_SUPERVISION = "no_supervision"
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class RiskTests:
    """The three tests as SQL conditions on Enrolment, for a given day and thresholds."""

    late: Any
    no_supervision: Any
    unconfirmed: Any

    def of(self, reason: RiskReason) -> Any:
        """The condition for one reason."""
        return {
            RiskReason.LATE: self.late,
            RiskReason.NO_SUPERVISION: self.no_supervision,
            RiskReason.UNCONFIRMED: self.unconfirmed,
        }[reason]


def risk_tests(today: date, thresholds: Thresholds) -> RiskTests:
    """Past the expected finish or the open stage's expected end (pauses included); no
    confirmed supervision held in `supervision_weeks` (counting from the start for new
    trainees); a session logged more than `unconfirmed_days` ago still unconfirmed."""
    since = today - timedelta(weeks=thresholds.supervision_weeks)
    confirmed_recently = exists().where(
        SupervisionSession.enrolment_id == Enrolment.id,
        SupervisionSession.status == SessionStatus.CONFIRMED,
        SupervisionSession.held_on >= since,
    )
    waiting_long = exists().where(
        SupervisionSession.enrolment_id == Enrolment.id,
        SupervisionSession.status == SessionStatus.LOGGED,
        SupervisionSession.created_at
        < _start_of(today - timedelta(days=thresholds.unconfirmed_days)),
    )
    return RiskTests(
        late=or_(Enrolment.expected_finish < today, Enrolment.stage_expected_end < today),
        no_supervision=and_(Enrolment.started_on < since, ~confirmed_recently),
        unconfirmed=waiting_long,
    )


def at_risk(today: date, thresholds: Thresholds, reason: RiskReason | None = None) -> Select[Any]:
    """Rows of (enrolment, late, no_supervision, unconfirmed) for active enrolments failing one
    of the tests (or the one named); the flags say which."""
    tests = risk_tests(today, thresholds)
    condition = (
        tests.of(reason) if reason else or_(tests.late, tests.no_supervision, tests.unconfirmed)
    )
    query = _enrolments().where(Enrolment.status == EnrolmentStatus.ACTIVE, condition)
    return with_risk_flags(query, tests)


def with_risk_flags(query: Any, tests: RiskTests) -> Select[Any]:
    """`query` (on Enrolment) with the late, no_supervision and unconfirmed flags added (always
    false for enrolments that are no longer active)."""
    active = Enrolment.status == EnrolmentStatus.ACTIVE
    return query.add_columns(
        case((and_(active, tests.late), True), else_=False).label("late"),
        case((and_(active, tests.no_supervision), True), else_=False).label("no_supervision"),
        case((and_(active, tests.unconfirmed), True), else_=False).label("unconfirmed"),
    )


def reasons_of(row: Any) -> list[RiskReason]:
    """The reasons flagged on a row of `at_risk`."""
    flags = (row.late, row.no_supervision, row.unconfirmed)
    reasons = (RiskReason.LATE, RiskReason.NO_SUPERVISION, RiskReason.UNCONFIRMED)
    return [reason for reason, hit in zip(reasons, flags, strict=True) if hit]


# -- supervisors' load ------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisorLoad:
    """A supervisor with what they carry now."""

    supervisor: User
    supervisees: int
    sessions_to_confirm: int
    oldest_waiting: datetime | None
    meetings_to_assess: int


def supervisor_load() -> Select[Any]:
    """Rows of (supervisor, current supervisees, sessions waiting for their confirmation, when
    the oldest of those was logged, meetings they are named to assess), one per supervisor."""
    supervisees = (
        select(func.count(SupervisorAssignment.id))
        .where(
            SupervisorAssignment.supervisor_id == User.id,
            SupervisorAssignment.ends_on.is_(None),
        )
        .scalar_subquery()
    )
    waiting = (
        select(
            SupervisionSession.supervisor_id.label("supervisor_id"),
            func.count().label("n"),
            func.min(SupervisionSession.created_at).label("oldest"),
        )
        .where(SupervisionSession.status == SessionStatus.LOGGED)
        .group_by(SupervisionSession.supervisor_id)
        .subquery()
    )
    meetings = (
        select(func.count(StageMeeting.id))
        .where(
            StageMeeting.assessor_id == User.id,
            StageMeeting.status == MeetingStatus.ASSESSOR_NAMED,
        )
        .scalar_subquery()
    )
    return (
        select(
            User,
            supervisees.label("supervisees"),
            func.coalesce(waiting.c.n, 0).label("sessions_to_confirm"),
            waiting.c.oldest.label("oldest_waiting"),
            meetings.label("meetings_to_assess"),
        )
        .join(UserRole, UserRole.user_id == User.id)
        .outerjoin(waiting, waiting.c.supervisor_id == User.id)
        .where(UserRole.role == Role.SUPERVISOR, User.active.is_(True))
    )


def as_load(row: Any) -> SupervisorLoad:
    """A row of `supervisor_load` as a SupervisorLoad."""
    return SupervisorLoad(row[0], row[1], row[2], row[3], row[4])


# -- cohorts ----------------------------------------------------------------------------------


def cohort_trainees(cohort_id: int) -> Select[Any]:
    """The ids of a cohort's trainees, for narrowing other queries."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)


def count_of(query: Select[Any]) -> int:
    """How many rows a list query has."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
