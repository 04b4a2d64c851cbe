"""The association's pipeline as coordinators see it: who is in which stage, what waits on
coordinators and who has a certificate to issue or renew; `risk` says who is at risk and
`supervisor_load` how loaded the supervisors are.

Every list is a query (so pages can paginate, sort and stream it as CSV) built from plain
arguments; counts are aggregates in the database. Nothing here loads all enrolments into Python.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, exists, func, literal, select
from sqlalchemy.orm import aliased, contains_eager

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


def certificates_to_issue() -> Select[Enrolment]:
    """Accredited enrolments without a current certificate (never issued, or only the document
    revoked: a withdrawn accreditation leaves the enrolment withdrawn, so it is not listed)."""
    return enrolments_with_trainees().where(
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
            Certificate.is_current(),
            Certificate.expires_on.is_not(None),
            Certificate.expires_on <= opens_before,
            Certificate.expires_on >= closed_before,
        )
        .options(
            contains_eager(Certificate.enrolment).contains_eager(Enrolment.trainee),
            contains_eager(Certificate.enrolment).contains_eager(Enrolment.scheme),
        )
    )


# -- cohorts ----------------------------------------------------------------------------------


def cohort_trainees(cohort_id: int) -> Select[Any]:
    """The ids of a cohort's trainees, for narrowing other queries."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)


def count_of(query: Select[Any]) -> int:
    """How many rows a list query has."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
