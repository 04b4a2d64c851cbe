"""Read-side queries for evidence pages, each a fixed number of queries whatever the data."""

from collections.abc import Sequence

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from app.extensions import db
from app.models import (
    Case,
    Cycle,
    Enrolment,
    EnrolmentStage,
    Film,
    Moment,
    MomentReply,
)


def cases_query(enrolment: Enrolment) -> Select[Case]:
    """An enrolment's cases, newest first."""
    return (
        select(Case)
        .where(Case.enrolment_id == enrolment.id)
        .order_by(Case.started_on.desc(), Case.id.desc())
    )


def cycle_counts(case_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(all cycles, complete cycles) per case, in one query."""
    if not case_ids:
        return {}
    complete = case(
        (Cycle.micro_analysis_done.is_(True) & Cycle.shared_review_on.is_not(None), 1), else_=0
    )
    rows = db.session.execute(
        select(Cycle.case_id, func.count(), func.sum(complete))
        .where(Cycle.case_id.in_(case_ids))
        .group_by(Cycle.case_id)
    )
    return {case_id: (total, int(done or 0)) for case_id, total, done in rows}


def cycles_of(case_: Case) -> list[Cycle]:
    """A case's cycles in date order with their films loaded."""
    return list(
        db.session.scalars(
            select(Cycle)
            .where(Cycle.case_id == case_.id)
            .options(selectinload(Cycle.films))
            .order_by(Cycle.filmed_on, Cycle.id)
        )
    )


# What a film's page shows: the film with its cycle, case, enrolment, scheme and framework (one
# joined row), the framework's principles and elements (for marking moments and naming each
# moment's), its consent, and its moments with their authors and replies.
# One statement. The framework's principles are not loaded as objects: the moment form reads
# them as values (catalogue.framework_outline); each moment brings the principle and element
# it names.
FILM_PAGE: tuple[ORMOption, ...] = (
    joinedload(Film.cycle)
    .joinedload(Cycle.case)
    .joinedload(Case.enrolment)
    .options(
        joinedload(Enrolment.scheme, innerjoin=True),
        joinedload(Enrolment.trainee, innerjoin=True),
    ),
    joinedload(Film.consent),
    # A film's moments and their replies are few: joined into the same statement (a row per
    # reply), not one statement each.
    joinedload(Film.moments).options(
        joinedload(Moment.author),
        joinedload(Moment.principle),
        joinedload(Moment.element),
        joinedload(Moment.replies).joinedload(MomentReply.author),
    ),
)


def film_with_moments(film_id: int) -> Film | None:
    """A film with what its page shows loaded (`FILM_PAGE`)."""
    found = db.session.scalars(select(Film).where(Film.id == film_id).options(*FILM_PAGE))
    return found.unique().one_or_none()


def films_of_stage(stage: EnrolmentStage) -> list[Film]:
    """The films of the enrolment's cycles (assessors choose the clips shown from these)."""
    return list(
        db.session.scalars(
            select(Film)
            .join(Cycle)
            .join(Case)
            .where(Case.enrolment_id == stage.enrolment_id)
            .options(selectinload(Film.consent), selectinload(Film.cycle).selectinload(Cycle.case))
            .order_by(Film.recorded_on, Film.id)
        )
    )
