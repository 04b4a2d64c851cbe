"""The progress engine on hand-built snapshots and the shipped schemes (no database)."""

from dataclasses import replace
from datetime import date
from functools import cache
from itertools import count

import pytest

from app.services.progress.evaluate import (
    EnrolmentProgress,
    StageProgress,
    evaluate,
    evaluate_renewal,
)
from app.services.progress.facts import (
    CycleFact,
    MilestoneFact,
    PauseFact,
    RatingFact,
    RequirementFacts,
    SchemeFacts,
    SessionFact,
    Snapshot,
    StageFacts,
    StagePeriod,
    SuperviseeFact,
)
from app.services.progress.rules import RULES, RequirementProgress, add_months, months_between
from app.services.schemes.files import default_schemes_dir, parse_file
from app.services.schemes.schema import REQUIREMENT_KINDS, SchemeDef

AVIGUK = "aviguk-practitioner-2024.yaml"
LEGACY = "aviguk-practitioner-legacy.yaml"
DUTCH = "nl-vig-practitioner.yaml"
SUPERVISOR = "vig-supervisor.yaml"
VERP = "verp-practitioner.yaml"
_ids = count(1)


@cache
def scheme(file: str) -> SchemeFacts:
    """A shipped scheme file as facts; stage n has id 100 + n."""
    model = parse_file(default_schemes_dir() / file).model
    assert isinstance(model, SchemeDef)
    numbers = count(1)

    def facts(defs) -> tuple[RequirementFacts, ...]:
        return tuple(
            RequirementFacts(next(numbers), r.kind, r.amount, r.label, dict(r.params)) for r in defs
        )

    stages = tuple(
        StageFacts(
            100 + s.number, s.number, s.title, s.ends_with, s.typical_months, facts(s.requirements)
        )
        for s in model.stages
    )
    return SchemeFacts(model.expected_months, stages, facts(model.renewal))


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def cycles(case_id: int, *days: date) -> list[CycleFact]:
    """Complete cycles of a case, reviewed on the given days."""
    return [CycleFact(next(_ids), case_id, day, day) for day in days]


def sessions(*days: date, minutes: int = 60, **flags: bool) -> list[SessionFact]:
    """Sessions on the given days, confirmed unless told otherwise."""
    return [
        SessionFact(
            next(_ids),
            day,
            minutes,
            flags.get("confirmed", True),
            flags.get("filmed", False),
            flags.get("given", False),
        )
        for day in days
    ]


def milestone(kind: str, day: date, subtype: str = "") -> MilestoneFact:
    return MilestoneFact(next(_ids), kind, subtype, day)


def snapshot(file: str, periods: dict[int, tuple[date, date | None]], **facts) -> Snapshot:
    """A snapshot on a shipped scheme; periods maps stage number to (opened_on, closed_on)."""
    started = min(opened for opened, _closed in periods.values()) if periods else d(1, 5)
    values = {"today": d(9, 15), "started_on": started} | facts
    for key in ("cycles", "sessions", "milestones", "pauses", "supervisees", "ratings"):
        values[key] = tuple(values.get(key, ()))
    return Snapshot(
        enrolment_id=1,
        scheme=scheme(file),
        periods=tuple(StagePeriod(100 + n, o, c) for n, (o, c) in periods.items()),
        **values,
    )


def stage(progress: EnrolmentProgress, number: int) -> StageProgress:
    return next(s for s in progress.stages if s.number == number)


def req(progress: EnrolmentProgress, number: int, kind: str) -> RequirementProgress:
    return next(r for r in stage(progress, number).requirements if r.kind == kind)


def figures(progress: EnrolmentProgress, number: int) -> dict[str, tuple[int, int]]:
    """kind -> (achieved, remaining) for a stage."""
    return {r.kind: (r.achieved, r.remaining) for r in stage(progress, number).requirements}


# --- AVIGuk, current version -------------------------------------------------------------------

STAGE_1, STAGE_2 = (d(1, 5), d(7, 1)), (d(7, 1), None)


def _aviguk_part_way_through_stage_2(**extra) -> Snapshot:
    """6 cycles with 2 clients and 420 minutes in stage 1; 4 cycles with 1 new client in stage 2."""
    return snapshot(
        AVIGUK,
        {1: STAGE_1, 2: STAGE_2},
        cycles=[
            *cycles(1, d(2, 10), d(3, 10), d(4, 10)),
            *cycles(2, d(2, 20), d(3, 20), d(4, 20)),
            *cycles(1, d(7, 20), d(8, 10)),  # an old client again
            *cycles(3, d(8, 1), d(9, 1)),  # the one new client
        ],
        sessions=[
            *sessions(d(1, 15), d(2, 15), d(3, 15), d(4, 15), d(5, 15), d(6, 15), d(6, 25)),
            *sessions(d(6, 28), confirmed=False),
            *sessions(d(7, 15), d(8, 15), minutes=90),
        ],
        milestones=[
            milestone("meeting", d(7, 1), "transition"),  # ends stage 1 on the day 2 opens
            milestone("intro_session", d(7, 1)),
        ],
        **extra,
    )


def test_aviguk_trainee_part_way_through_stage_2_sees_what_remains() -> None:
    progress = evaluate(_aviguk_part_way_through_stage_2())
    assert [s.status for s in progress.stages] == ["skipped", "done", "current", "upcoming"]
    assert progress.current is stage(progress, 2)
    assert stage(progress, 1).all_met
    assert figures(progress, 1) == {
        "cycles": (6, 0),
        "clients": (2, 0),
        "supervision_minutes": (420, 0),
        "meeting": (1, 0),
    }
    assert figures(progress, 2) == {
        "intro_session": (1, 0),
        "cycles": (4, 5),
        "new_clients": (1, 2),
        "supervision_minutes": (180, 300),
        "meeting": (0, 1),
    }
    assert not stage(progress, 2).all_met
    assert req(progress, 2, "cycles").percent == 44
    assert req(progress, 2, "supervision_minutes").unit == "minutes"
    assert req(progress, 3, "cycles").achieved == 0


def test_reached_on_is_the_day_the_count_first_reached_the_amount() -> None:
    progress = evaluate(_aviguk_part_way_through_stage_2())
    assert req(progress, 1, "cycles").reached_on == d(4, 20)
    assert req(progress, 1, "clients").reached_on == d(2, 20)
    assert req(progress, 1, "supervision_minutes").reached_on == d(6, 25)
    assert req(progress, 2, "new_clients").reached_on is None
    assert req(progress, 2, "cycles").evidence[0].type == "cycle"
    assert [e.type for e in req(progress, 1, "clients").evidence] == ["case", "case"]


def test_unconfirmed_sessions_and_incomplete_cycles_do_not_count() -> None:
    unfinished = [
        CycleFact(next(_ids), 9, d(8, 20), None),  # filmed, not yet reviewed
    ]
    snap = _aviguk_part_way_through_stage_2()
    snap = replace(
        snap,
        cycles=snap.cycles + tuple(unfinished),
        sessions=snap.sessions + tuple(sessions(d(8, 20), minutes=120, confirmed=False)),
    )
    progress = evaluate(snap)
    assert req(progress, 2, "cycles").achieved == 4
    assert req(progress, 2, "supervision_minutes").achieved == 180
    assert req(progress, 1, "supervision_minutes").achieved == 420  # 28 June was not confirmed


def test_evidence_on_the_boundary_day_counts_for_the_later_stage() -> None:
    snap = snapshot(
        AVIGUK,
        {1: STAGE_1, 2: STAGE_2},
        cycles=cycles(1, d(6, 30), d(7, 1)),
        sessions=sessions(d(6, 30), d(7, 1), minutes=60),
        milestones=[milestone("intro_session", d(7, 1))],
    )
    progress = evaluate(snap)
    assert req(progress, 1, "cycles").achieved == 1
    assert req(progress, 2, "cycles").achieved == 1
    assert req(progress, 2, "new_clients").achieved == 0  # case 1 was met in stage 1
    assert req(progress, 1, "supervision_minutes").achieved == 60
    assert req(progress, 2, "supervision_minutes").achieved == 60
    assert req(progress, 2, "intro_session").met


def test_a_meeting_on_the_handover_day_closes_the_earlier_stage() -> None:
    progress = evaluate(_aviguk_part_way_through_stage_2())
    assert req(progress, 1, "meeting").met
    assert not req(progress, 2, "meeting").met


def test_evidence_before_the_first_opening_or_after_today_belongs_to_no_stage() -> None:
    snap = snapshot(
        AVIGUK,
        {1: (d(1, 5), None)},
        today=d(3, 1),
        cycles=cycles(1, d(1, 4), d(1, 5), d(3, 2)),
        milestones=[milestone("course", d(1, 2))],
    )
    progress = evaluate(snap)
    assert req(progress, 1, "cycles").achieved == 1
    assert req(progress, 0, "course").achieved == 0
    assert stage(progress, 0).status == "skipped"


def test_new_clients_are_those_without_a_complete_cycle_in_an_earlier_stage() -> None:
    snap = snapshot(
        AVIGUK,
        {1: (d(1, 5), d(4, 1)), 2: (d(4, 1), d(7, 1)), 3: (d(7, 1), None)},
        cycles=[
            *cycles(1, d(2, 1), d(5, 1), d(8, 1)),
            *cycles(2, d(5, 2), d(8, 2)),
            *cycles(3, d(8, 3)),
            CycleFact(next(_ids), 4, d(3, 1), None),  # never completed: case 4 is still new
            *cycles(4, d(8, 4)),
        ],
    )
    progress = evaluate(snap)
    assert req(progress, 1, "clients").achieved == 1
    assert req(progress, 2, "new_clients").achieved == 1  # case 2
    assert req(progress, 3, "new_clients").achieved == 2  # cases 3 and 4


def test_a_stage_without_evidence_and_upcoming_stages_count_nothing() -> None:
    progress = evaluate(snapshot(AVIGUK, {1: (d(1, 5), None)}, today=d(1, 6)))
    assert [s.status for s in progress.stages] == ["skipped", "current", "upcoming", "upcoming"]
    assert all(r.achieved == 0 and not r.met for s in progress.stages for r in s.requirements)
    assert all(r.reached_on is None for s in progress.stages for r in s.requirements)


def test_a_finished_enrolment_has_no_current_stage() -> None:
    snap = snapshot(
        AVIGUK,
        {0: (d(1, 5), d(1, 7)), 1: (d(1, 7), d(7, 1)), 2: (d(7, 1), d(12, 1))},
        today=d(12, 20),
    )
    progress = evaluate(snap)
    assert [s.status for s in progress.stages] == ["done", "done", "done", "upcoming"]
    assert progress.current is None
    assert stage(progress, 3).expected_end == d(6, 1, 2027)  # chained from the closing date


def test_a_stage_left_open_when_the_next_opened_is_done() -> None:
    progress = evaluate(snapshot(AVIGUK, {1: (d(1, 5), None), 2: (d(7, 1), None)}))
    assert [s.status for s in progress.stages][1:3] == ["done", "current"]


def test_a_stage_skipped_in_the_middle_is_skipped() -> None:
    progress = evaluate(snapshot(AVIGUK, {1: (d(1, 5), d(3, 1)), 3: (d(3, 1), None)}))
    assert [s.status for s in progress.stages] == ["skipped", "done", "skipped", "current"]


# --- Expected dates and pauses ------------------------------------------------------------------


def test_expected_dates_without_pauses() -> None:
    progress = evaluate(_aviguk_part_way_through_stage_2())
    assert [s.expected_end for s in progress.stages] == [
        None,
        d(7, 5),
        d(1, 1, 2027),
        d(7, 1, 2027),
    ]
    assert progress.expected_finish == d(7, 5, 2027)
    assert progress.paused_days == 0


def test_pauses_extend_expected_dates() -> None:
    pauses = [
        PauseFact(d(3, 1), d(3, 31)),  # 31 days in stage 1
        PauseFact(d(3, 20), d(4, 9)),  # overlaps the first: 9 more days
        PauseFact(d(10, 1), d(10, 10)),  # 10 days in stage 2
    ]
    progress = evaluate(_aviguk_part_way_through_stage_2(pauses=pauses))
    assert progress.paused_days == 50
    assert stage(progress, 1).expected_end == d(8, 14)  # 5 July + 40 days
    assert stage(progress, 2).expected_end == d(1, 11, 2027)  # 1 January + 10 days
    assert stage(progress, 3).expected_end == d(7, 11, 2027)  # chained
    assert progress.expected_finish == d(8, 24, 2027)  # 5 July 2027 + 50 days


def test_a_pause_reached_by_the_extension_extends_it_further() -> None:
    pauses = [PauseFact(d(6, 1), d(6, 30)), PauseFact(d(7, 10), d(7, 19))]
    progress = evaluate(snapshot(AVIGUK, {1: (d(1, 5), None)}, pauses=pauses))
    # 5 July + 30 days of June = 4 August, which reaches the July pause: + 10 more days.
    assert stage(progress, 1).expected_end == d(8, 14)


def test_no_expected_finish_without_expected_months() -> None:
    snap = snapshot(AVIGUK, {1: (d(1, 5), None)})
    snap = replace(snap, scheme=replace(snap.scheme, expected_months=None))
    assert evaluate(snap).expected_finish is None


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (d(1, 15), d(7, 14), 5),
        (d(1, 15), d(7, 15), 6),
        (d(1, 31), d(2, 28), 1),
        (d(3, 1), d(2, 1), 0),
        (d(11, 30), d(2, 28, 2027), 3),  # as add_months: 30 Nov + 3 months is 28 Feb
    ],
)
def test_months_between_counts_whole_calendar_months(start, end, months) -> None:
    assert months_between(start, end) == months


def test_add_months_keeps_the_day_or_takes_the_last_of_a_short_month() -> None:
    assert add_months(d(1, 31), 1) == d(2, 28)
    assert add_months(d(8, 31), 18) == d(2, 29, 2028)
    assert add_months(d(1, 5), 18) == d(7, 5, 2027)


# --- Older AVIGuk version, VERP -----------------------------------------------------------------


def test_legacy_scheme_counts_with_its_own_numbers() -> None:
    snap = snapshot(
        LEGACY,
        {0: (d(1, 5), d(1, 7)), 1: (d(1, 7), d(10, 1)), 2: (d(10, 1), None)},
        today=d(12, 1),
        cycles=[
            *cycles(1, d(2, 1), d(3, 1), d(4, 1)),
            *cycles(2, d(2, 2), d(3, 2), d(4, 2)),
            *cycles(3, d(5, 3), d(6, 3), d(7, 3)),
            *cycles(3, d(10, 3)),
            *cycles(4, d(10, 4), d(11, 4)),
        ],
        sessions=sessions(d(2, 5), d(4, 5), d(6, 5), minutes=150),
        milestones=[
            milestone("course", d(1, 6)),
            milestone("meeting", d(10, 1), "mid_point_review"),
        ],
    )
    progress = evaluate(snap)
    assert stage(progress, 0).all_met
    assert stage(progress, 1).all_met
    assert figures(progress, 2) == {
        "cycles": (3, 6),
        "new_clients": (1, 2),
        "supervision_minutes": (0, 450),
        "meeting": (0, 1),
    }
    assert stage(progress, 1).expected_end == d(10, 7)


def test_verp_cycles_are_counted_as_cycles() -> None:
    snap = snapshot(VERP, {1: (d(1, 5), None)}, cycles=cycles(1, d(2, 1), d(3, 1), d(4, 1)))
    assert req(evaluate(snap), 1, "cycles").met


# --- Dutch/Flemish scheme and renewal -----------------------------------------------------------


def test_dutch_scheme_counts_sixteen_supervisions_over_two_stages() -> None:
    first = [d(m, 10) for m in range(1, 9)]  # 8 in stage 1
    second = [d(m, 10, 2027) for m in range(1, 6)]  # 5 of 8 in stage 2
    snap = snapshot(
        DUTCH,
        {1: (d(1, 5), d(10, 1)), 2: (d(10, 1), None)},
        today=d(6, 1, 2027),
        sessions=[
            *sessions(*first),
            *sessions(*second),
            *sessions(d(5, 20, 2027), confirmed=False),
        ],
        milestones=[milestone("meeting", d(9, 20), "mid_course_evaluation")],
    )
    progress = evaluate(snap)
    assert stage(progress, 1).all_met
    assert req(progress, 1, "supervision_sessions").reached_on == d(8, 10)
    assert figures(progress, 2) == {"supervision_sessions": (5, 3), "meeting": (0, 1)}
    assert progress.expected_finish == d(7, 5, 2027)


def _dutch_renewal_snapshot() -> Snapshot:
    return snapshot(
        DUTCH,
        {1: (d(1, 5, 2020), d(10, 1, 2020)), 2: (d(10, 1, 2020), d(7, 1, 2021))},
        today=d(6, 1, 2024),
        cycles=[
            *cycles(1, d(5, 1, 2021)),  # before the window: does not count
            *[c for n in range(2, 12) for c in cycles(n, d(1, n, 2022), d(2, n, 2022))],
            CycleFact(next(_ids), 12, d(3, 1, 2022), None),
        ],
        sessions=[
            *sessions(d(3, 1, 2022), d(3, 1, 2023)),
            *sessions(d(4, 1, 2023), confirmed=False),
        ],
        milestones=[
            milestone("intervision_session", d(9, 1, 2022)),
            milestone("intervision_session", d(9, 1, 2023)),
            milestone("peer_presentation", d(2, 1, 2024)),
            milestone("peer_presentation", d(7, 1, 2024)),  # after today
        ],
    )


def test_renewal_counts_evidence_in_the_window() -> None:
    snap = _dutch_renewal_snapshot()
    results = {r.kind: r for r in evaluate_renewal(snap, d(7, 1, 2021), d(6, 30, 2024))}
    assert (results["cases"].achieved, results["cases"].met) == (10, True)
    assert results["cases"].reached_on == d(1, 11, 2022)
    assert (
        results["supervision_sessions"].achieved,
        results["supervision_sessions"].remaining,
    ) == (
        2,
        1,
    )
    assert results["intervision_sessions"].achieved == 2
    assert results["peer_presentations"].achieved == 1  # the other is dated after today


def test_renewal_window_bounds_are_inclusive() -> None:
    snap = _dutch_renewal_snapshot()
    results = {r.kind: r for r in evaluate_renewal(snap, d(3, 1, 2022), d(3, 1, 2023))}
    assert results["supervision_sessions"].achieved == 2
    assert results["intervision_sessions"].achieved == 1


def test_a_scheme_without_renewal_has_no_renewal_requirements() -> None:
    assert evaluate_renewal(_aviguk_part_way_through_stage_2(), d(1, 1), d(12, 31)) == ()


# --- VIG supervisor pathway ---------------------------------------------------------------------


def _supervisor_snapshot(**extra) -> Snapshot:
    opened = d(1, 10, 2025)
    values = {
        "today": d(3, 1, 2026),
        "sessions": [
            *sessions(d(2, 1, 2025), d(3, 1, 2025), d(4, 1, 2025), given=True, filmed=True),
            *sessions(d(5, 1, 2025), d(6, 1, 2025), d(7, 1, 2025), given=True, filmed=True),
            *sessions(d(8, 1, 2025), given=True, filmed=True, confirmed=False),
            *sessions(d(8, 2, 2025), given=True),  # not filmed
            *sessions(d(2, 15, 2025), filmed=True),  # received, not given
            *sessions(*(d(m, 20, 2025) for m in range(2, 12)), minutes=60),  # received: 600 min
            *sessions(d(9, 9, 2025), minutes=500, given=True, filmed=True),  # given: not minutes
        ],
        "supervisees": [
            SuperviseeFact(7, d(1, 1, 2024), d(1, 9, 2025)),  # ended before the stage
            SuperviseeFact(8, d(6, 1, 2024), d(2, 1, 2025)),  # overlaps
            SuperviseeFact(9, d(4, 1, 2025), None),
            SuperviseeFact(8, d(9, 1, 2025), None),  # the same trainee again
            SuperviseeFact(10, d(4, 1, 2026), None),  # after today
        ],
        "milestones": [
            milestone("course", d(1, 20, 2025)),
            milestone("document", d(1, 30, 2026), "reflective_statement"),
            milestone("document", d(1, 31, 2026), "case_study"),
        ],
    } | extra
    return snapshot(SUPERVISOR, {4: (opened, None)}, **values)


def test_supervisor_pathway_counts_sessions_given_trainees_and_months() -> None:
    progress = evaluate(_supervisor_snapshot())
    assert [s.status for s in progress.stages] == ["current"]
    assert figures(progress, 4) == {
        "course": (1, 0),
        "clients": (2, 0),
        "supervision_sessions": (7, 0),
        "supervision_minutes": (660, 0),
        "minimum_months": (13, 0),
        "document": (1, 0),
        "meeting": (0, 1),
    }
    assert req(progress, 4, "clients").reached_on == d(4, 1, 2025)
    assert [e.id for e in req(progress, 4, "clients").evidence] == [8, 9]
    assert req(progress, 4, "clients").evidence[0].type == "enrolment"
    assert req(progress, 4, "supervision_sessions").reached_on == d(7, 1, 2025)
    assert req(progress, 4, "minimum_months").reached_on == d(1, 10, 2026)
    assert req(progress, 4, "minimum_months").unit == "months"
    assert stage(progress, 4).expected_end == d(7, 10, 2026)


def test_minimum_months_take_pauses_off() -> None:
    pauses = [PauseFact(d(6, 1, 2025), d(7, 31, 2025))]  # 61 days
    progress = evaluate(_supervisor_snapshot(pauses=pauses))
    months = req(progress, 4, "minimum_months")
    assert (months.achieved, months.met, months.reached_on) == (11, False, None)
    later = evaluate(_supervisor_snapshot(pauses=pauses, today=d(3, 12, 2026)))
    assert req(later, 4, "minimum_months").reached_on == d(3, 12, 2026)  # 10 Jan + 61 days
    assert req(later, 4, "minimum_months").achieved == 12


def test_minimum_months_of_a_closed_stage_stop_at_its_closing() -> None:
    snap = _supervisor_snapshot()
    snap = replace(snap, periods=(StagePeriod(104, d(1, 10, 2025), d(9, 9, 2025)),))
    months = req(evaluate(snap), 4, "minimum_months")
    assert (months.achieved, months.remaining) == (7, 5)


# --- Competency, percentages, completeness ------------------------------------------------------


def _competency_scheme() -> SchemeFacts:
    def rating(stage_id: int) -> RequirementFacts:
        params = {"principle": "attentive", "rating": 3}
        return RequirementFacts(stage_id * 10, "competency", 1, "Attentive at 3", params)

    stages = tuple(StageFacts(n, n, f"Stage {n}", "none", 6, (rating(n),)) for n in (1, 2))
    return SchemeFacts(12, stages)


def test_competency_takes_the_highest_rating_up_to_the_stage_end() -> None:
    snap = Snapshot(
        enrolment_id=1,
        started_on=d(1, 1),
        today=d(12, 1),
        scheme=_competency_scheme(),
        periods=(StagePeriod(1, d(1, 1), d(6, 1)), StagePeriod(2, d(6, 1), None)),
        ratings=(
            RatingFact("attentive", 2, d(2, 1)),
            RatingFact("guiding", 4, d(3, 1)),
            RatingFact("attentive", 4, d(7, 1)),
            RatingFact("attentive", 3, d(8, 1)),
        ),
    )
    progress = evaluate(snap)
    first, second = (s.requirements[0] for s in progress.stages)
    assert (first.required, first.achieved, first.met, first.remaining) == (3, 2, False, 1)
    assert (second.achieved, second.met, second.reached_on) == (4, True, d(7, 1))


def test_percent_and_remaining() -> None:
    def progress_of(required: int, achieved: int) -> RequirementProgress:
        return RequirementProgress(1, "cycles", "", required, achieved, "count", False, 0, (), None)

    assert progress_of(9, 4).percent == 44
    assert progress_of(9, 12).percent == 100
    assert progress_of(0, 0).percent == 100


def test_a_requirement_of_nothing_is_met_when_the_stage_opens() -> None:
    snap = snapshot(AVIGUK, {1: (d(1, 5), None)})
    stages = tuple(
        replace(s, requirements=(replace(s.requirements[0], amount=0),)) for s in snap.scheme.stages
    )
    progress = evaluate(replace(snap, scheme=replace(snap.scheme, stages=stages)))
    opened = stage(progress, 1).requirements[0]
    assert (opened.met, opened.remaining, opened.reached_on) == (True, 0, d(1, 5))
    assert stage(progress, 2).requirements[0].met


def test_every_requirement_kind_has_a_rule() -> None:
    assert set(RULES) == REQUIREMENT_KINDS


@pytest.mark.parametrize("file", [AVIGUK, LEGACY, DUTCH, SUPERVISOR, VERP])
def test_every_shipped_scheme_evaluates_from_its_first_stage(file: str) -> None:
    first = scheme(file).stages[0].number
    progress = evaluate(snapshot(file, {first: (d(1, 5), None)}))
    assert progress.current is not None and progress.current.number == first
    assert [s.number for s in progress.stages] == [s.number for s in scheme(file).stages]
