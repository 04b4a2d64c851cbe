"""The association's pipeline as coordinators see it: who is in which stage, what waits on
coordinators and who has a certificate to issue or renew; `risk` says who is at risk and
`supervisor_load` how loaded the supervisors are.

Every list is a query (so pages can paginate, sort and stream it as CSV) built from plain
arguments; counts are aggregates in the database. Nothing here loads all enrolments into Python.
"""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import BindParameter, Executable, Select, bindparam, exists, func, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.models import (
    Certificate,
    CohortMember,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    MeetingStatus,
    Scheme,
    Stage,
    StageMeeting,
    User,
)
from app.models.scheme import scheme_label, scheme_label_columns
from app.services.certificates.renewals import GRACE_MONTHS, RENEWAL_OPENS_MONTHS

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


@lru_cache(maxsize=2)
def _counts_statement(in_cohort: bool) -> Executable:
    """The one statement of `counts_by_scheme_and_stage`, built once (the cohort's id bound
    when it runs): every stage of every scheme revision with enrolments in scope, with the
    active enrolments open in it and the scheme's accredited and withdrawn ones."""
    scoped = select(Enrolment.id, Enrolment.scheme_id, Enrolment.status)
    if in_cohort:
        scoped = scoped.where(Enrolment.trainee_id.in_(cohort_trainees(bindparam("cohort_id"))))
    enrolments = scoped.cte("scoped")
    by_status = (
        select(
            enrolments.c.scheme_id,
            func.count().filter(enrolments.c.status == EnrolmentStatus.ACCREDITED).label("acc"),
            func.count().filter(enrolments.c.status == EnrolmentStatus.WITHDRAWN).label("wd"),
        )
        .group_by(enrolments.c.scheme_id)
        .cte("by_status")
    )
    open_stage = (
        select(EnrolmentStage.stage_id, func.count().label("n"))
        .join(enrolments, enrolments.c.id == EnrolmentStage.enrolment_id)
        .where(
            EnrolmentStage.closed_on.is_(None),
            enrolments.c.status == EnrolmentStatus.ACTIVE,
        )
        .group_by(EnrolmentStage.stage_id)
        .cte("open_stage")
    )
    return (
        select(
            Scheme.id.label("scheme_id"),
            *scheme_label_columns(),
            Stage.number,
            Stage.title,
            func.coalesce(open_stage.c.n, 0).label("n"),
            by_status.c.acc,
            by_status.c.wd,
        )
        .select_from(by_status)
        .join(Scheme, Scheme.id == by_status.c.scheme_id)
        .join(Stage, Stage.scheme_id == Scheme.id)
        .outerjoin(open_stage, open_stage.c.stage_id == Stage.id)
        .order_by(Scheme.title, Scheme.version, Scheme.revision, Stage.number)
    )


def counts_by_scheme_and_stage(cohort_id: int | None = None) -> list[SchemeCounts]:
    """Per scheme revision with enrolments: active ones per stage (every stage listed, zero
    included), accredited and withdrawn; of a cohort's trainees when `cohort_id` is given. One
    statement."""
    statement = _counts_statement(cohort_id is not None)
    scope = {"cohort_id": cohort_id} if cohort_id is not None else {}
    rows = db.session.execute(statement, scope).all()
    stages: dict[int, list[StageCount]] = {}
    totals: dict[int, tuple[str, int, int]] = {}
    for row in rows:
        if row.scheme_id not in totals:
            label = scheme_label(row.scheme_title, row.scheme_version, row.scheme_revision)
            totals[row.scheme_id] = (label, row.acc, row.wd)
        label = totals[row.scheme_id][0]
        stages.setdefault(row.scheme_id, []).append(
            StageCount(row.scheme_id, label, row.number, row.title, row.n)
        )
    return [
        SchemeCounts(scheme_id, label, tuple(stages[scheme_id]), accredited, withdrawn)
        for scheme_id, (label, accredited, withdrawn) in totals.items()
    ]


# -- what waits on coordinators -------------------------------------------------------------


def meetings_in(status: MeetingStatus) -> Select[Any]:
    """Rows of the stage meetings in `status` as their list shows them: meeting_id,
    enrolment_id, trainee, the scheme's label columns, stage_number, requested_at and
    outcome_at."""
    return (
        select(
            StageMeeting.id.label("meeting_id"),
            Enrolment.id.label("enrolment_id"),
            User.display_name.label("trainee"),
            *scheme_label_columns(),
            Stage.number.label("stage_number"),
            StageMeeting.requested_at,
            StageMeeting.outcome_at,
        )
        .select_from(StageMeeting)
        .join(EnrolmentStage, EnrolmentStage.id == StageMeeting.enrolment_stage_id)
        .join(Stage, Stage.id == EnrolmentStage.stage_id)
        .join(Enrolment, Enrolment.id == EnrolmentStage.enrolment_id)
        .join(User, User.id == Enrolment.trainee_id)
        .join(Scheme, Scheme.id == Enrolment.scheme_id)
        .where(StageMeeting.status == status)
    )


def meeting_ids(status: MeetingStatus, with_enrolments: bool) -> Select[Any]:
    """The ids of the stage meetings in `status`, for counting them (from an index); with their
    enrolments joined when a filter reads them."""
    query = select(StageMeeting.id).where(StageMeeting.status == status)
    if with_enrolments:
        query = query.join(EnrolmentStage, EnrolmentStage.id == StageMeeting.enrolment_stage_id)
        query = query.join(Enrolment, Enrolment.id == EnrolmentStage.enrolment_id)
    return query


def meetings_without_assessor() -> Select[Any]:
    """Stage meetings requested and waiting for a coordinator to name the assessor."""
    return meetings_in(MeetingStatus.REQUESTED)


def passes_to_ratify() -> Select[Any]:
    """Stage meetings an assessor passed, waiting for a coordinator to ratify."""
    return meetings_in(MeetingStatus.PASSED)


def _current_certificate_of_enrolment() -> Any:
    return exists().where(
        Certificate.enrolment_id == Enrolment.id,
        Certificate.is_current(),
    )


def enrolments_with_trainees() -> Select[Enrolment]:
    """Enrolments with their trainee joined (for sorting and showing by name)."""
    return (
        select(Enrolment)
        .join(User, Enrolment.trainee)
        .join(Scheme, Enrolment.scheme)
        .options(contains_eager(Enrolment.trainee), contains_eager(Enrolment.scheme))
    )


_WITHOUT_CERTIFICATE = (
    Enrolment.status == EnrolmentStatus.ACCREDITED,
    ~_current_certificate_of_enrolment(),
)


def certificates_to_issue() -> Select[Any]:
    """Rows of the accredited enrolments without a current certificate (never issued, or only
    the document revoked: a withdrawn accreditation leaves the enrolment withdrawn, so it is not
    listed): enrolment_id, trainee, the scheme's label columns and started_on."""
    return (
        select(
            Enrolment.id.label("enrolment_id"),
            User.display_name.label("trainee"),
            *scheme_label_columns(),
            Enrolment.started_on,
        )
        .join(User, User.id == Enrolment.trainee_id)
        .join(Scheme, Scheme.id == Enrolment.scheme_id)
        .where(*_WITHOUT_CERTIFICATE)
    )


def certificates_to_issue_ids() -> Select[Any]:
    """The ids of `certificates_to_issue`'s enrolments, for counting them without their people
    and schemes."""
    return select(Enrolment.id).where(*_WITHOUT_CERTIFICATE)


def renewals_due(today: date) -> Select[Any]:
    """Rows of the current certificates whose renewal window is open, from RENEWAL_OPENS_MONTHS
    before the expiry until GRACE_MONTHS after it: certificate_id, number, expires_on,
    enrolment_id, trainee and the scheme's label columns."""
    opens_before = today + relativedelta(months=RENEWAL_OPENS_MONTHS)
    closed_before = today - relativedelta(months=GRACE_MONTHS)
    return (
        select(
            Certificate.id.label("certificate_id"),
            Certificate.number,
            Certificate.expires_on,
            Enrolment.id.label("enrolment_id"),
            User.display_name.label("trainee"),
            *scheme_label_columns(),
        )
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .join(User, User.id == Enrolment.trainee_id)
        .join(Scheme, Scheme.id == Enrolment.scheme_id)
        .where(
            Certificate.is_current(),
            Certificate.expires_on.is_not(None),
            Certificate.expires_on <= opens_before,
            Certificate.expires_on >= closed_before,
        )
    )


def cohort_trainees(cohort_id: int | BindParameter[int]) -> Select[Any]:
    """The ids of a cohort's trainees, for narrowing other queries (`cohort_id` may be bound
    when the statement runs)."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)


def count_of(query: Select[Any]) -> int:
    """How many rows a list query has."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
