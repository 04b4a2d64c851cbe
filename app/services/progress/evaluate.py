"""What each stage of an enrolment has, and still needs: a pure evaluation of a snapshot of facts.

No database and no Flask: `snapshots` builds the `Snapshot`, `evaluate` does the rest, so the
rules can be tested (and reasoned about) on plain values. Every number comes from the scheme.

Stages and their periods
- The opened stages, in order of opening (then of number), cut time into periods: period i is
  [opened_i, opened_{i+1}); the last one is [opened_last, closed_last], or open-ended. Nothing dated
  after `today` counts, so an open period ends today.
- Dated evidence belongs to the stage whose period holds its date; on the day a stage opens,
  evidence counts for it (not the one before). Evidence dated before the first opening belongs to
  no stage. The dates used: a cycle's shared review (complete cycles only), a session's date, a
  milestone's date. One exception: a meeting held on the day a stage closed and the next opened
  counts for the stage that closed (the transition meeting is what ends it).
- Status: the last opened stage, if not closed, is "current"; other opened stages are "done"
  (closed, or superseded by a later opening). A stage never opened is "skipped" when its number
  is below the highest opened stage's number (stage 0 for a trainee who started at stage 1), else
  "upcoming". Stages not opened achieve nothing (a requirement of amount 0 is still met).

Requirement kinds (counted in `rules`)
- cycles: complete cycles (micro-analysed and reviewed). params.sessions_per_cycle is only shown.
- clients / cases: distinct cases with a complete cycle in the period. With who=trainees: distinct
  enrolments the trainee was own supervisor of at some time in the period.
- new_clients: as clients, less those met before the period began (a complete cycle, or for
  trainees a supervision starting, before it: in an earlier stage or before the first).
- supervision_minutes: minutes of confirmed sessions the trainee received (params.of is shown only).
- supervision_sessions: confirmed sessions received; with given=true, those the trainee gave as
  supervisor instead; with filmed=true, filmed ones only.
- intro_session, course, peer_presentations, intervision_sessions: milestones of kind
  intro_session, course, peer_presentation, intervision_session; document / meeting: milestones of
  that kind whose subtype is params.document / params.meeting.
- minimum_months: whole calendar months from the opening to the end (the next opening, the closing
  or today), after taking the paused days of that span off the end date. 15 Jan to 15 Jul is 6.
- competency: the highest rating of params.principle given before the period's end (earlier stages
  included); required is params.rating, reached on the first rating at or above it.
- reached_on: the date the count first reached the amount (None while not met); `remaining` is
  max(required - achieved, 0). Renewal requirements count the same way over a given date window.

Expected dates
- A stage is expected to end `typical_months` calendar months after it opened, pushed back by each
  paused day in that time (a pause reached by the extension pushes it further); None without
  typical_months. An upcoming stage starts where the stage before it closed, else where it is
  expected to end (else where it opened); the first stage of an enrolment with none opened starts
  on `started_on`.
- expected_finish = started_on + scheme.expected_months + every paused day (None without
  expected_months). A pause covers both its first and last day; overlapping pauses count once.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from app.services.progress.facts import Snapshot, StagePeriod
from app.services.progress.rules import (
    RequirementProgress,
    Window,
    add_months,
    extend,
    requirement_progress,
    total_pause_days,
)

Status = Literal["done", "current", "upcoming", "skipped"]


@dataclass(frozen=True)
class StageProgress:
    """A stage's status, dates and requirements."""

    stage_id: int
    number: int
    title: str
    ends_with: str
    status: Status
    opened_on: date | None
    closed_on: date | None
    expected_end: date | None
    requirements: tuple[RequirementProgress, ...]
    # Signed off by exception: what was unmet was not required of this trainee, for this reason.
    exception_reason: str = ""

    @property
    def all_met(self) -> bool:
        """Whether every requirement of the stage is met."""
        return all(r.met for r in self.requirements)


@dataclass(frozen=True)
class EnrolmentProgress:
    """Progress of a whole enrolment."""

    enrolment_id: int
    stages: tuple[StageProgress, ...]
    current: StageProgress | None
    expected_finish: date | None
    paused_days: int


def evaluate(snapshot: Snapshot) -> EnrolmentProgress:
    """Evaluate every stage of the enrolment's scheme against the snapshot's evidence."""
    stages = sorted(snapshot.scheme.stages, key=lambda s: s.number)
    numbers = {s.id: s.number for s in stages}
    opened = sorted(
        (p for p in snapshot.periods if p.stage_id in numbers),
        key=lambda p: (p.opened_on, numbers[p.stage_id]),
    )
    windows = _windows(opened, snapshot.today)
    periods = {p.stage_id: p for p in opened}
    highest = max((numbers[p.stage_id] for p in opened), default=None)
    last = opened[-1] if opened else None
    results: list[StageProgress] = []
    chain: date = snapshot.started_on
    for stage in stages:
        period = periods.get(stage.id)
        if period is None:
            skipped = highest is not None and stage.number < highest
            status: Status = "skipped" if skipped else "upcoming"
        else:
            status = "current" if period is last and period.closed_on is None else "done"
        start = period.opened_on if period else chain
        expected = None
        if status != "skipped" and stage.typical_months is not None:
            expected = extend(start, stage.typical_months, snapshot.pauses)
        if status != "skipped":
            chain = (period.closed_on if period else None) or expected or start
        window = windows.get(stage.id)
        requirements = tuple(requirement_progress(r, window, snapshot) for r in stage.requirements)
        results.append(
            StageProgress(
                stage_id=stage.id,
                number=stage.number,
                title=stage.title,
                ends_with=stage.ends_with,
                status=status,
                opened_on=period.opened_on if period else None,
                closed_on=period.closed_on if period else None,
                expected_end=expected,
                requirements=requirements,
                exception_reason=period.exception_reason if period else "",
            )
        )
    paused = total_pause_days(snapshot.pauses)
    months = snapshot.scheme.expected_months
    finish = None
    if months is not None:
        finish = add_months(snapshot.started_on, months) + timedelta(days=paused)
    return EnrolmentProgress(
        enrolment_id=snapshot.enrolment_id,
        stages=tuple(results),
        current=next((s for s in results if s.status == "current"), None),
        expected_finish=finish,
        paused_days=paused,
    )


def evaluate_renewal(
    snapshot: Snapshot, period_start: date, period_end: date
) -> tuple[RequirementProgress, ...]:
    """Evaluate the scheme's renewal requirements on evidence dated period_start..period_end."""
    until = min(period_end, snapshot.today)
    stop = until + timedelta(days=1)
    window = Window(period_start, stop, until, period_start, stop)
    return tuple(requirement_progress(r, window, snapshot) for r in snapshot.scheme.renewal)


def _windows(opened: list[StagePeriod], today: date) -> dict[int, Window]:
    """The evidence window of each opened stage, capped at today."""
    day, cap = timedelta(days=1), today + timedelta(days=1)
    windows: dict[int, Window] = {}
    for i, period in enumerate(opened):
        later = opened[i + 1] if i + 1 < len(opened) else None
        if later is not None:
            stop = until = later.opened_on
        else:
            until = period.closed_on or today
            stop = until + day
        # The meeting that closed a stage on the day the next one opened belongs to the first.
        handed_over = i > 0 and opened[i - 1].closed_on == period.opened_on
        meetings_from = period.opened_on + day if handed_over else period.opened_on
        closes_at_next = later is not None and period.closed_on == later.opened_on
        meetings_stop = stop + day if closes_at_next else stop
        windows[period.stage_id] = Window(
            period.opened_on,
            min(stop, cap),
            min(until, today),
            meetings_from,
            min(meetings_stop, cap),
        )
    return windows


def counted_in(progress: EnrolmentProgress, evidence_type: str) -> dict[int, int]:
    """The stage number each piece of evidence of a type counts toward, from the evaluation."""
    return {
        ref.id: stage.number
        for stage in progress.stages
        for req in stage.requirements
        for ref in req.evidence
        if ref.type == evidence_type
    }
