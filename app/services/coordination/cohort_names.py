"""Cohorts found by a name as someone types it: the pipeline's lists filter by a typed cohort
once an association has too many for a drop-down. Names are compared by their folded key
(`Cohort.name_key`), so "ωμέγα" finds "ΩΜΈΓΑ" on SQLite and PostgreSQL alike."""

from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select

from app.extensions import db
from app.models import Cohort, CohortMember
from app.services.plain_text import comparison_key

# The most names offered as someone types.
MOST_SUGGESTED = 20


def cohorts_named(text: str) -> Select[Any]:
    """The ids of the cohorts a typed name means: the one of exactly that name (in any case),
    else every cohort whose name contains it. `%` and `_` are only themselves."""
    key = comparison_key(text)
    exact = select(Cohort.id).where(Cohort.name_key == key)
    return select(Cohort.id).where(
        or_(
            Cohort.name_key == key,
            and_(~exact.exists(), Cohort.name_key.contains(key, autoescape=True)),
        )
    )


def trainees_of_cohorts_named(text: str) -> Select[Any]:
    """The ids of the trainees in the cohorts `text` means, for narrowing other queries."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id.in_(cohorts_named(text)))


def count_named(text: str) -> int:
    """How many cohorts a typed name means (0: none is called anything like it)."""
    counted = select(func.count()).select_from(cohorts_named(text).subquery())
    return db.session.scalar(counted) or 0


def name_of(cohort_id: int) -> str | None:
    """A cohort's name, or None when there is no such cohort."""
    return db.session.scalar(select(Cohort.name).where(Cohort.id == cohort_id))


def names_like(text: str, most: int = MOST_SUGGESTED) -> list[str]:
    """Names of cohorts containing `text`: those that begin with it first, then by name."""
    key = comparison_key(text)
    begins = case((Cohort.name_key.startswith(key, autoescape=True), 0), else_=1)
    found = (
        select(Cohort.name)
        .where(Cohort.name_key.contains(key, autoescape=True))
        .order_by(begins, Cohort.name_key)
        .limit(most)
    )
    return list(db.session.scalars(found))
