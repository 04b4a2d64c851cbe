"""Trainees at risk: late against their expected dates, without confirmed supervision for weeks,
or with a session their supervisor has left unconfirmed; each test a SQL condition."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, case, or_, select

from app.models import Enrolment, EnrolmentStatus
from app.services.coordination.pipeline import enrolments_with_trainees


@dataclass(frozen=True)
class Thresholds:
    """When a trainee counts as at risk."""

    # No confirmed supervision held in this many weeks.
    supervision_weeks: int = 8
    # Their own supervisor has left a session unconfirmed for more than this many days.
    unconfirmed_days: int = 14


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


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


@lru_cache(maxsize=8)
def risk_tests(today: date, thresholds: Thresholds) -> RiskTests:
    """Past the expected finish or the open stage's expected end (pauses included); no
    confirmed supervision held in `supervision_weeks` (counting from the start for new
    trainees); a session logged more than `unconfirmed_days` ago still unconfirmed. Each reads
    the enrolment's own row: its expected dates and its supervision dates, kept in step as
    stages, pauses and sessions change (app.services.progress), so that the tests cost one row
    per enrolment however many sessions the association holds. Built once per day and
    thresholds (statements take them as they are; building them costs a list page more than
    running them)."""
    since = today - timedelta(weeks=thresholds.supervision_weeks)
    waited_since = _start_of(today - timedelta(days=thresholds.unconfirmed_days))
    return RiskTests(
        late=or_(Enrolment.expected_finish < today, Enrolment.stage_expected_end < today),
        no_supervision=and_(
            Enrolment.started_on < since,
            or_(Enrolment.last_supervised_on.is_(None), Enrolment.last_supervised_on < since),
        ),
        unconfirmed=Enrolment.oldest_waiting_at < waited_since,
    )


def at_risk(today: date, thresholds: Thresholds, reason: RiskReason | None = None) -> Select[Any]:
    """Rows of (enrolment, late, no_supervision, unconfirmed) for active enrolments failing one
    of the tests (or the one named); the flags say which."""
    tests = risk_tests(today, thresholds)
    query = enrolments_with_trainees().where(_at_risk(tests, reason))
    return with_risk_flags(query, tests)


def at_risk_ids(
    today: date, thresholds: Thresholds, reason: RiskReason | None = None
) -> Select[Any]:
    """The ids of the enrolments `at_risk` lists, without their trainees and schemes: what a
    count of them needs (at 50,000 enrolments, joining every person costs it ~13 ms)."""
    return select(Enrolment.id).where(_at_risk(risk_tests(today, thresholds), reason))


def _at_risk(tests: RiskTests, reason: RiskReason | None) -> Any:
    condition = (
        tests.of(reason) if reason else or_(tests.late, tests.no_supervision, tests.unconfirmed)
    )
    return and_(Enrolment.status == EnrolmentStatus.ACTIVE, condition)


def with_risk_flags(query: Any, tests: RiskTests) -> Select[Any]:
    """`query` (on Enrolment) with the late, no_supervision and unconfirmed flags added (always
    false for enrolments that are no longer active)."""
    return query.add_columns(*_flags(tests))


@lru_cache(maxsize=8)
def _flags(tests: RiskTests) -> tuple[Any, ...]:
    active = Enrolment.status == EnrolmentStatus.ACTIVE
    return (
        case((and_(active, tests.late), True), else_=False).label("late"),
        case((and_(active, tests.no_supervision), True), else_=False).label("no_supervision"),
        case((and_(active, tests.unconfirmed), True), else_=False).label("unconfirmed"),
    )


def reasons_of(row: Any) -> list[RiskReason]:
    """The reasons flagged on a row of `at_risk`."""
    flags = (row.late, row.no_supervision, row.unconfirmed)
    reasons = (RiskReason.LATE, RiskReason.NO_SUPERVISION, RiskReason.UNCONFIRMED)
    return [reason for reason, hit in zip(reasons, flags, strict=True) if hit]
