"""The portfolio's summary tables, worked out from entries made by hand: supervision hours per
stage, each principle's moments over all films and its latest ratings."""

from datetime import date

from app.services.portfolio.entries import (
    CaseEntry,
    CycleEntry,
    FilmEntry,
    MomentLine,
    PrincipleMoments,
    PrincipleRatings,
    RatingEntry,
    SessionEntry,
)
from app.services.portfolio.summaries import hours_by_stage, principle_summaries

DAY = date(2026, 3, 1)


def _session(minutes: int, stage: int | None, status: str = "confirmed") -> SessionEntry:
    return SessionEntry(
        DAY, minutes, "Sam", False, False, False, status, stage, (), "", "", "", "", ""
    )


def _film(*groups: tuple[int, str, int]) -> FilmEntry:
    """A film with `count` moments of each (principle number, name, count)."""
    by_principle = tuple(
        PrincipleMoments(name, number, tuple(MomentLine(0, 1000, "", "", "T") for _ in range(n)))
        for number, name, n in groups
    )
    total = sum(n for _, _, n in groups)
    return FilmEntry("interaction", DAY, 600, "none", None, by_principle, total)


def _case(*films: FilmEntry) -> CaseEntry:
    cycle = CycleEntry(1, DAY, True, DAY, False, True, 1, films)
    return CaseEntry("C-TEST", "family", DAY, None, "", (cycle,))


def _rating(kind: str, score: int, on: date) -> RatingEntry:
    return RatingEntry(on, 1, kind, "Someone", "", score, "")


def test_hours_are_totalled_per_stage_in_order_with_the_uncounted_last():
    rows = hours_by_stage(
        [
            _session(60, 2),
            _session(90, 1),
            _session(60, None, "logged"),
            _session(60, 1),
            _session(30, 2, "returned"),
        ]
    )
    assert [(r.stage_number, r.sessions, r.minutes, r.confirmed_minutes) for r in rows] == [
        (1, 2, 150, 150),
        (2, 2, 90, 60),
        (None, 1, 60, 0),
    ]
    assert hours_by_stage([]) == ()


def test_each_principle_counts_its_moments_over_all_films_and_keeps_its_latest_ratings():
    cases = [
        _case(
            _film((1, "Being attentive", 3), (3, "Receiving", 1)), _film((1, "Being attentive", 2))
        ),
        _case(_film((3, "Receiving", 4))),
    ]
    ratings = [
        PrincipleRatings(
            "Being attentive",
            1,
            (
                _rating("self", 2, date(2026, 1, 5)),
                _rating("supervisor", 3, date(2026, 1, 6)),
                _rating("self", 4, date(2026, 5, 1)),
            ),
        )
    ]
    principles = [(1, "Being attentive"), (2, "Encouraging"), (3, "Receiving")]
    rows = principle_summaries(principles, cases, ratings)
    assert [(r.number, r.name, r.moments, r.films) for r in rows] == [
        (1, "Being attentive", 5, 2),
        (2, "Encouraging", 0, 0),
        (3, "Receiving", 5, 2),
    ]
    first = rows[0]
    assert first.latest_self is not None and first.latest_self.score == 4
    assert first.latest_supervisor is not None and first.latest_supervisor.score == 3
    assert rows[1].latest_self is None and rows[1].latest_supervisor is None
