"""The facts progress is evaluated on: one enrolment's scheme, stage periods and dated evidence,
as plain frozen values (`snapshots` reads them from the database; tests build them by hand).
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class RequirementFacts:
    """A requirement of a stage (or of renewal)."""

    id: int
    kind: str
    amount: int
    label: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StageFacts:
    """A stage of the scheme and its requirements."""

    id: int
    number: int
    title: str
    ends_with: str
    typical_months: int | None
    requirements: tuple[RequirementFacts, ...]


@dataclass(frozen=True)
class SchemeFacts:
    """The scheme revision the enrolment is pinned to."""

    expected_months: int | None
    stages: tuple[StageFacts, ...]
    renewal: tuple[RequirementFacts, ...] = ()


@dataclass(frozen=True)
class StagePeriod:
    """A stage the enrolment has opened; exception_reason when it was signed off by exception
    (its meeting requested with requirements unmet, and ratified)."""

    stage_id: int
    opened_on: date
    closed_on: date | None
    exception_reason: str = ""


@dataclass(frozen=True)
class CycleFact:
    """A cycle; completed_on is its shared-review date when it is complete, else None."""

    id: int
    case_id: int
    filmed_on: date
    completed_on: date | None


@dataclass(frozen=True)
class SessionFact:
    """A supervision session the trainee received (given=False) or gave as supervisor."""

    id: int
    held_on: date
    minutes: int
    confirmed: bool
    filmed: bool
    given: bool = False


@dataclass(frozen=True)
class MilestoneFact:
    """A course, intro session, document, meeting, peer presentation or intervision session."""

    id: int
    kind: str
    subtype: str
    occurred_on: date


@dataclass(frozen=True)
class PauseFact:
    """A pause; both days are included."""

    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class SuperviseeFact:
    """A period in which the trainee was own supervisor on another enrolment."""

    enrolment_id: int
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class RatingFact:
    """A supervisor's rating of the trainee against a principle."""

    principle_code: str
    rating: int
    rated_on: date


@dataclass(frozen=True)
class Snapshot:
    """Everything the evaluation needs about one enrolment, as of `today`."""

    enrolment_id: int
    started_on: date
    today: date
    scheme: SchemeFacts
    periods: tuple[StagePeriod, ...] = ()
    cycles: tuple[CycleFact, ...] = ()
    sessions: tuple[SessionFact, ...] = ()
    milestones: tuple[MilestoneFact, ...] = ()
    pauses: tuple[PauseFact, ...] = ()
    supervisees: tuple[SuperviseeFact, ...] = ()
    ratings: tuple[RatingFact, ...] = ()
