"""What a portfolio holds: plain, frozen records of primitives, so that the same data renders
the PDF and, serialised, gives the digest its cache is keyed by."""

from dataclasses import dataclass
from datetime import date

from app.phrase import Phrase
from app.services.progress.evaluate import EnrolmentProgress


@dataclass(frozen=True)
class SupervisorPeriod:
    """An own supervisor and the dates they held the role."""

    name: str
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class MomentLine:
    """A marked moment of attuned interaction (times in milliseconds)."""

    start_ms: int
    end_ms: int
    element: str
    note: str
    author: str


@dataclass(frozen=True)
class PrincipleMoments:
    """The moments of one film marked against one principle."""

    principle: str
    principle_number: int
    moments: tuple[MomentLine, ...]


@dataclass(frozen=True)
class FilmEntry:
    """A film's metadata and moments; footage is never embedded."""

    kind: str
    recorded_on: date
    length_seconds: int
    clip: str  # "stored", "deleted" or "none"
    clip_deleted_on: date | None
    by_principle: tuple[PrincipleMoments, ...]
    moment_count: int


@dataclass(frozen=True)
class CycleEntry:
    """A cycle of filming, micro-analysis and shared review (the trainee's own notes on it are
    theirs alone: never printed)."""

    number: int
    filmed_on: date
    micro_analysis_done: bool
    shared_review_on: date | None
    review_filmed: bool
    complete: bool
    stage_number: int | None
    films: tuple[FilmEntry, ...]


@dataclass(frozen=True)
class CaseEntry:
    """A case by its pseudonymous code only (never the guider's own label)."""

    code: str
    setting: str
    started_on: date
    ended_on: date | None
    helping_question: str
    cycles: tuple[CycleEntry, ...]


@dataclass(frozen=True)
class ConsentEntry:
    """What a consent allowed, and what became of the footage."""

    case_code: str
    given_by_role: str
    given_on: date
    scopes: tuple[str, ...]
    deletion_due_on: date | None
    withdrawn_on: date | None
    clips_stored: int
    clips_deleted: int


@dataclass(frozen=True)
class SessionEntry:
    """A supervision session with both sides' reflections."""

    held_on: date
    minutes: int
    supervisor: str
    group: bool
    online: bool
    filmed: bool
    status: str
    stage_number: int | None
    reviewed: tuple[str, ...]
    reflection_before: str
    reflection_after: str
    next_steps: str
    supervisor_reflection: str
    supervisor_feedback: str


@dataclass(frozen=True)
class ReflectionEntry:
    """A shared written reflection (private ones stay out of the portfolio)."""

    written_on: date
    title: str
    body: str
    author: str
    about: str


@dataclass(frozen=True)
class RatingEntry:
    """One rating of one principle: the trainee's own or their supervisor's."""

    rated_on: date
    stage_number: int
    kind: str
    rater: str
    element: str
    score: int
    comment: str


@dataclass(frozen=True)
class PrincipleRatings:
    """The ratings of one principle, oldest first: how it developed over time."""

    principle: str
    principle_number: int
    ratings: tuple[RatingEntry, ...]


@dataclass(frozen=True)
class PrincipleSummary:
    """One principle of the framework over the whole record: how often it was marked on film
    (moments, and films with at least one) and its latest rating by each side."""

    number: int
    name: str
    moments: int
    films: int
    latest_self: RatingEntry | None
    latest_supervisor: RatingEntry | None


@dataclass(frozen=True)
class StageHours:
    """Supervision counted toward one stage (None: toward none, e.g. still unconfirmed)."""

    stage_number: int | None
    sessions: int
    minutes: int
    confirmed_minutes: int


@dataclass(frozen=True)
class MeetingEntry:
    """A stage meeting, its outcome, and whether a sign-off's evidence still matches."""

    stage_number: int
    stage_title: str
    status: str
    requested_on: date
    exception_reason: str
    assessor: str
    held_on: date | None
    minutes: int | None
    actions: str
    supervisor_statement: str
    ratified_on: date | None
    ratified_by: str
    sent_back_reason: str
    void_reason: str
    digest: str
    evidence_matches: bool | None
    covered_count: int


@dataclass(frozen=True)
class MilestoneEntry:
    """A course, document, meeting or presentation on record."""

    occurred_on: date
    kind: str
    title: str | Phrase  # as typed, or worded by Attune (a meeting's)


@dataclass(frozen=True)
class Totals:
    """Headline figures for the cover."""

    cases: int
    cycles: int
    complete_cycles: int
    films: int
    moments: int
    sessions: int
    minutes: int
    confirmed_minutes: int


@dataclass(frozen=True)
class PortfolioData:
    """Everything one enrolment's portfolio shows (the generation date is kept apart, so an
    unchanged record keeps its digest from one day to the next)."""

    enrolment_id: int
    holder: str
    body: str
    scheme_title: str
    scheme_version: Phrase
    started_on: date
    status: str
    supervisors: tuple[SupervisorPeriod, ...]
    progress: EnrolmentProgress
    totals: Totals
    cases: tuple[CaseEntry, ...]
    consents: tuple[ConsentEntry, ...]
    sessions: tuple[SessionEntry, ...]
    hours_by_stage: tuple[StageHours, ...]
    reflections: tuple[ReflectionEntry, ...]
    ratings: tuple[PrincipleRatings, ...]
    principles: tuple[PrincipleSummary, ...]
    meetings: tuple[MeetingEntry, ...]
    milestones: tuple[MilestoneEntry, ...]
    wording: str  # the edition of the scheme wording's translations (see gather)
