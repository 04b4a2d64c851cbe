"""How one requirement is counted inside one window of dates (a stage period or a renewal period).

Pure functions over the facts of a `facts.Snapshot` (the rules are listed in `evaluate`). The
date helpers (calendar months, pause days) live here too: minimum_months and the expected dates of
`evaluate` both use them."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.services.progress.facts import PauseFact, RequirementFacts, Snapshot

Unit = Literal["count", "minutes", "months"]

# Requirement kinds counted as milestones: kind -> (milestone kind, param naming the subtype).
MILESTONE_KINDS: dict[str, tuple[str, str | None]] = {
    "intro_session": ("intro_session", None),
    "course": ("course", None),
    "peer_presentations": ("peer_presentation", None),
    "intervision_sessions": ("intervision_session", None),
    "document": ("document", "document"),
    "meeting": ("meeting", "meeting"),
}


@dataclass(frozen=True)
class EvidenceRef:
    """A record that counted toward a requirement: ("cycle", 12), ("session", 3), ..."""

    type: str
    id: int


@dataclass(frozen=True)
class Window:
    """Evidence dated start <= d < stop counts (meetings: their own bounds); time runs to until."""

    start: date
    stop: date
    until: date
    meetings_from: date
    meetings_stop: date

    def holds(self, day: date) -> bool:
        """Whether evidence dated `day` falls in the window."""
        return self.start <= day < self.stop

    def holds_meeting(self, day: date) -> bool:
        """Whether a meeting dated `day` falls in the window."""
        return self.meetings_from <= day < self.meetings_stop


@dataclass(frozen=True)
class Count:
    """What a rule found: the amount required and achieved, the evidence and when it was met."""

    required: int
    achieved: int
    unit: Unit
    evidence: tuple[EvidenceRef, ...]
    reached_on: date | None


@dataclass(frozen=True)
class RequirementProgress:
    """How far one requirement is met."""

    requirement_id: int
    kind: str
    label: str
    required: int
    achieved: int
    unit: Unit
    met: bool
    remaining: int
    evidence: tuple[EvidenceRef, ...]
    reached_on: date | None

    @property
    def percent(self) -> int:
        """Share achieved, 0 to 100 (100 when nothing is required)."""
        if self.required <= 0:
            return 100
        return min(100, max(self.achieved, 0) * 100 // self.required)


UNITS: dict[str, Unit] = {"supervision_minutes": "minutes", "minimum_months": "months"}
Dated = tuple[date, EvidenceRef, int]  # (date, record, weight: 1, or minutes)
Rule = Callable[["RequirementFacts", Window, "Snapshot"], Count]


def requirement_progress(
    requirement: RequirementFacts, window: Window | None, snapshot: Snapshot
) -> RequirementProgress:
    """Count one requirement in a window; no window (a stage not opened) counts nothing."""
    if window is None:
        rating = requirement.kind == "competency"
        required = int(requirement.params["rating"]) if rating else requirement.amount
        found = Count(required, 0, UNITS.get(requirement.kind, "count"), (), None)
    else:
        found = RULES[requirement.kind](requirement, window, snapshot)
    met = found.achieved >= found.required
    return RequirementProgress(
        requirement_id=requirement.id,
        kind=requirement.kind,
        label=requirement.label,
        required=found.required,
        achieved=found.achieved,
        unit=found.unit,
        met=met,
        remaining=max(found.required - found.achieved, 0),
        evidence=found.evidence,
        reached_on=found.reached_on if met else None,
    )


def _tally(required: int, unit: Unit, items: Iterable[Dated], window: Window) -> Count:
    total, reached = 0, window.start if required <= 0 else None
    ordered = sorted(items, key=lambda item: (item[0], item[1].id))
    for day, _ref, weight in ordered:
        total += weight
        if reached is None and total >= required:
            reached = day
    return Count(required, total, unit, tuple(ref for _day, ref, _w in ordered), reached)


def _cycles(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    items = [
        (c.completed_on, EvidenceRef("cycle", c.id), 1)
        for c in snap.cycles
        if c.completed_on is not None and window.holds(c.completed_on)
    ]
    return _tally(req.amount, "count", items, window)


def _first_dates(req: RequirementFacts, window: Window, snap: Snapshot) -> dict[EvidenceRef, date]:
    """Each client (case, or supervised trainee's enrolment) in the window, with its first date."""
    firsts: dict[EvidenceRef, date] = {}
    if req.params.get("who") == "trainees":
        for s in snap.supervisees:
            if s.starts_on < window.stop and (s.ends_on is None or s.ends_on >= window.start):
                ref, day = EvidenceRef("enrolment", s.enrolment_id), max(s.starts_on, window.start)
                firsts[ref] = min(day, firsts.get(ref, day))
        return firsts
    for c in snap.cycles:
        if c.completed_on is not None and window.holds(c.completed_on):
            ref = EvidenceRef("case", c.case_id)
            firsts[ref] = min(c.completed_on, firsts.get(ref, c.completed_on))
    return firsts


def _seen_before(req: RequirementFacts, start: date, snap: Snapshot) -> set[EvidenceRef]:
    """The clients already met before `start` (so not new in a window starting then)."""
    if req.params.get("who") == "trainees":
        return {
            EvidenceRef("enrolment", s.enrolment_id)
            for s in snap.supervisees
            if s.starts_on < start
        }
    return {
        EvidenceRef("case", c.case_id)
        for c in snap.cycles
        if c.completed_on is not None and c.completed_on < start
    }


def _clients(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    firsts = _first_dates(req, window, snap)
    return _tally(req.amount, "count", [(d, ref, 1) for ref, d in firsts.items()], window)


def _new_clients(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    earlier = _seen_before(req, window.start, snap)
    firsts = _first_dates(req, window, snap)
    items = [(d, ref, 1) for ref, d in firsts.items() if ref not in earlier]
    return _tally(req.amount, "count", items, window)


def _supervision_minutes(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    items = [
        (s.held_on, EvidenceRef("session", s.id), s.minutes)
        for s in snap.sessions
        if s.confirmed and not s.given and window.holds(s.held_on)
    ]
    return _tally(req.amount, "minutes", items, window)


def _supervision_sessions(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    given, filmed_only = bool(req.params.get("given")), bool(req.params.get("filmed"))
    items = [
        (s.held_on, EvidenceRef("session", s.id), 1)
        for s in snap.sessions
        if s.confirmed
        and s.given == given
        and (s.filmed or not filmed_only)
        and window.holds(s.held_on)
    ]
    return _tally(req.amount, "count", items, window)


def _milestones(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    kind, subtype_param = MILESTONE_KINDS[req.kind]
    subtype = req.params.get(subtype_param) if subtype_param else None
    holds = window.holds_meeting if kind == "meeting" else window.holds
    items = [
        (m.occurred_on, EvidenceRef("milestone", m.id), 1)
        for m in snap.milestones
        if m.kind == kind and (subtype is None or m.subtype == subtype) and holds(m.occurred_on)
    ]
    return _tally(req.amount, "count", items, window)


def _minimum_months(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    active_until = window.until - timedelta(
        days=pause_days(snap.pauses, window.start, window.until)
    )
    achieved = months_between(window.start, active_until)
    reached = extend(window.start, req.amount, snap.pauses)
    return Count(req.amount, achieved, "months", (), reached if reached <= window.until else None)


def _competency(req: RequirementFacts, window: Window, snap: Snapshot) -> Count:
    target, principle = int(req.params["rating"]), req.params["principle"]
    ratings = sorted(
        (r for r in snap.ratings if r.principle_code == principle and r.rated_on < window.stop),
        key=lambda r: r.rated_on,
    )
    achieved = max((r.rating for r in ratings), default=0)
    reached = next((r.rated_on for r in ratings if r.rating >= target), None)
    return Count(target, achieved, "count", (), reached)


RULES: dict[str, Rule] = {
    "cycles": _cycles,
    "clients": _clients,
    "cases": _clients,
    "new_clients": _new_clients,
    "supervision_minutes": _supervision_minutes,
    "supervision_sessions": _supervision_sessions,
    "minimum_months": _minimum_months,
    "competency": _competency,
    **dict.fromkeys(MILESTONE_KINDS, _milestones),
}


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (the month's last day if it is shorter)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end (15 Jan to 14 Jul is 5, to 15 Jul is 6)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def _paused_spans(pauses: Iterable[PauseFact]) -> list[tuple[date, date]]:
    """Pauses as disjoint half-open spans [first day, day after the last), overlaps merged."""
    spans: list[tuple[date, date]] = []
    for p in sorted(pauses, key=lambda p: p.starts_on):
        first, stop = p.starts_on, p.ends_on + timedelta(days=1)
        if spans and first <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], stop))
        elif first < stop:
            spans.append((first, stop))
    return spans


def pause_days(pauses: Iterable[PauseFact], start: date, stop: date) -> int:
    """Paused days in [start, stop); both ends of a pause are paused days."""
    return sum(max((min(b, stop) - max(a, start)).days, 0) for a, b in _paused_spans(pauses))


def total_pause_days(pauses: Iterable[PauseFact]) -> int:
    """Every paused day, overlapping pauses counted once."""
    return sum((b - a).days for a, b in _paused_spans(pauses))


def extend(start: date, months: int, pauses: Iterable[PauseFact]) -> date:
    """`months` calendar months after start, pushed back by every paused day in that time."""
    spans = tuple(pauses)
    target = add_months(start, months)
    end = target
    while True:
        later = target + timedelta(days=pause_days(spans, start, end))
        if later == end:
            return end
        end = later
