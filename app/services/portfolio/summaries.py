"""The portfolio's summary tables, worked out from the entries already gathered (no queries):
supervision hours per stage and overall, and each principle's moments and latest ratings."""

from collections import defaultdict
from collections.abc import Iterable

from app.models import RatingKind, SessionStatus
from app.services.portfolio.entries import (
    CaseEntry,
    PrincipleRatings,
    PrincipleSummary,
    RatingEntry,
    SessionEntry,
    StageHours,
)


def hours_by_stage(sessions: Iterable[SessionEntry]) -> tuple[StageHours, ...]:
    """Sessions and minutes per stage they count toward, in stage order; those counted toward
    no stage (not yet confirmed, say) last."""
    grouped: dict[int | None, list[SessionEntry]] = defaultdict(list)
    for session in sessions:
        grouped[session.stage_number].append(session)
    order = sorted(grouped, key=lambda n: (n is None, n or 0))
    return tuple(
        StageHours(
            stage_number=number,
            sessions=len(grouped[number]),
            minutes=sum(s.minutes for s in grouped[number]),
            confirmed_minutes=sum(
                s.minutes for s in grouped[number] if s.status == SessionStatus.CONFIRMED
            ),
        )
        for number in order
    )


def _latest(entries: Iterable[RatingEntry], kind: RatingKind) -> RatingEntry | None:
    """The newest rating of `kind` (entries come oldest first)."""
    found = None
    for entry in entries:
        if entry.kind == kind:
            found = entry
    return found


def principle_summaries(
    principles: Iterable[tuple[int, str]],
    cases: Iterable[CaseEntry],
    ratings: Iterable[PrincipleRatings],
) -> tuple[PrincipleSummary, ...]:
    """Every principle of the framework, `(number, name)` in order, with its count of moments
    over all films, the films it was marked on, and its latest self and supervisor ratings (a
    principle never marked nor rated is listed too: the gap is worth seeing)."""
    moments: dict[int, int] = defaultdict(int)
    films: dict[int, int] = defaultdict(int)
    for case in cases:
        for cycle in case.cycles:
            for film in cycle.films:
                for group in film.by_principle:
                    moments[group.principle_number] += len(group.moments)
                    films[group.principle_number] += 1
    rated = {group.principle_number: group.ratings for group in ratings}
    return tuple(
        PrincipleSummary(
            number=number,
            name=name,
            moments=moments[number],
            films=films[number],
            latest_self=_latest(rated.get(number, ()), RatingKind.SELF),
            latest_supervisor=_latest(rated.get(number, ()), RatingKind.SUPERVISOR),
        )
        for number, name in principles
    )
