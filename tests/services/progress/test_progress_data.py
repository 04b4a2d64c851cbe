"""Loading progress facts from the database, in a fixed number of queries."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from app.extensions import db
from app.models import (
    Case,
    CaseSetting,
    Cycle,
    Enrolment,
    EnrolmentStage,
    Milestone,
    MilestoneKind,
    Pause,
    Role,
    Scheme,
    SessionStatus,
    SupervisionSession,
    User,
)
from app.services.people import enrolments
from app.services.progress.facts import PauseFact, StagePeriod
from app.services.progress.snapshots import load_snapshot, progress_for, progress_for_many
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.builders.people import current_scheme, make_user, stage_of

TODAY = date(2026, 9, 15)
STARTED = date(2026, 1, 5)
# schemes, stages, requirements, stage periods, pauses, cycles, milestones, sessions, assignments
QUERIES = 10


@pytest.fixture
def scheme(ctx) -> Scheme:
    load_definitions(None, default_schemes_dir())
    return current_scheme()


@pytest.fixture
def staff(ctx) -> dict[str, User]:
    return {"coordinator": make_user(Role.COORDINATOR), "supervisor": make_user(Role.SUPERVISOR)}


def _enrol(
    staff: dict[str, User],
    scheme: Scheme,
    stage: int = 1,
    trainee: User | None = None,
    supervisor: User | None = None,
) -> Enrolment:
    return enrolments.enrol(
        staff["coordinator"],
        trainee or make_user(Role.TRAINEE),
        scheme,
        STARTED,
        stage_of(scheme, stage),
        supervisor or staff["supervisor"],
        TODAY,
    )


def _next_stage(enrolment: Enrolment, scheme: Scheme, number: int, on: date) -> None:
    enrolment.stages[-1].closed_on = on
    db.session.add(
        EnrolmentStage(enrolment=enrolment, stage=stage_of(scheme, number), opened_on=on)
    )
    db.session.flush()


def _case(enrolment: Enrolment, code: str) -> Case:
    case = Case(enrolment=enrolment, code=code, setting=CaseSetting.FAMILY, started_on=STARTED)
    db.session.add(case)
    db.session.flush()
    return case


def _cycles(case: Case, *reviewed: date, analysed: bool = True) -> None:
    for day in reviewed:
        db.session.add(
            Cycle(case=case, filmed_on=day, micro_analysis_done=analysed, shared_review_on=day)
        )
    db.session.flush()


def _sessions(
    enrolment: Enrolment,
    supervisor: User,
    *days: date,
    minutes: int = 60,
    status: SessionStatus = SessionStatus.CONFIRMED,
    filmed: bool = False,
) -> None:
    for day in days:
        db.session.add(
            SupervisionSession(
                enrolment=enrolment,
                supervisor=supervisor,
                held_on=day,
                minutes=minutes,
                status=status,
                filmed=filmed,
            )
        )
    db.session.flush()


def _milestone(enrolment: Enrolment, by: User, kind: MilestoneKind, day: date, subtype="") -> None:
    db.session.add(
        Milestone(
            enrolment_id=enrolment.id,
            kind=kind,
            subtype=subtype,
            occurred_on=day,
            recorded_by_id=by.id,
        )
    )
    db.session.flush()


def _pause(enrolment: Enrolment, by: User, starts_on: date, ends_on: date) -> None:
    db.session.add(
        Pause(enrolment_id=enrolment.id, starts_on=starts_on, ends_on=ends_on, recorded_by_id=by.id)
    )
    db.session.flush()


@contextmanager
def counted() -> Iterator[list[str]]:
    """The SQL statements executed inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _days(count: int, start: date = date(2026, 7, 2)) -> list[date]:
    return [start + timedelta(days=i % 60) for i in range(count)]


def test_progress_of_a_trainee_part_way_through_stage_2(scheme, staff) -> None:
    enrolment = _enrol(staff, scheme)
    supervisor = staff["supervisor"]
    first, second, new = _case(enrolment, "A1"), _case(enrolment, "B2"), _case(enrolment, "C3")
    _cycles(first, date(2026, 2, 10), date(2026, 3, 10), date(2026, 4, 10))
    _cycles(first, date(2026, 7, 20), date(2026, 8, 10))  # an old client, now in stage 2
    _cycles(second, date(2026, 2, 20), date(2026, 3, 20), date(2026, 4, 20))
    _cycles(new, date(2026, 8, 1), date(2026, 9, 1))
    _cycles(new, date(2026, 9, 2), analysed=False)
    _sessions(enrolment, supervisor, *(date(2026, m, 15) for m in range(1, 7)), minutes=60)
    _sessions(enrolment, supervisor, date(2026, 6, 25), date(2026, 7, 15), minutes=60)
    _sessions(enrolment, supervisor, date(2026, 8, 1), status=SessionStatus.LOGGED)
    _milestone(enrolment, supervisor, MilestoneKind.MEETING, date(2026, 7, 1), "transition")
    _milestone(enrolment, supervisor, MilestoneKind.INTRO_SESSION, date(2026, 7, 1))
    _next_stage(enrolment, scheme, 2, date(2026, 7, 1))

    progress = progress_for(enrolment, TODAY)

    assert [s.status for s in progress.stages] == ["skipped", "done", "current", "upcoming"]
    assert progress.stages[1].all_met
    stage_2 = {r.kind: (r.achieved, r.remaining) for r in progress.stages[2].requirements}
    assert stage_2 == {
        "intro_session": (1, 0),
        "cycles": (4, 5),
        "new_clients": (1, 2),
        "supervision_minutes": (60, 420),
        "meeting": (0, 1),
    }
    assert progress.expected_finish == date(2027, 7, 5)


def test_load_snapshot_reads_every_fact(scheme, staff) -> None:
    enrolment = _enrol(staff, scheme)
    supervisor = staff["supervisor"]
    case = _case(enrolment, "A1")
    _cycles(case, date(2026, 2, 1))
    _cycles(case, date(2026, 3, 1), analysed=False)
    _sessions(enrolment, supervisor, date(2026, 2, 2), minutes=90, filmed=True)
    _sessions(enrolment, supervisor, date(2026, 2, 3), status=SessionStatus.RETURNED)
    _milestone(
        enrolment, supervisor, MilestoneKind.DOCUMENT, date(2026, 4, 1), "reflective_statement"
    )
    _pause(enrolment, supervisor, date(2026, 5, 1), date(2026, 5, 31))

    snap = load_snapshot(enrolment, TODAY)

    assert (snap.enrolment_id, snap.started_on, snap.today) == (enrolment.id, STARTED, TODAY)
    assert snap.periods == (StagePeriod(stage_of(scheme, 1).id, STARTED, None),)
    assert [(c.case_id, c.completed_on) for c in snap.cycles] == [
        (case.id, date(2026, 2, 1)),
        (case.id, None),
    ]
    assert [(s.minutes, s.confirmed, s.filmed, s.given) for s in snap.sessions] == [
        (90, True, True, False),
        (60, False, False, False),
    ]
    assert [(m.kind, m.subtype) for m in snap.milestones] == [("document", "reflective_statement")]
    assert type(snap.milestones[0].kind) is str
    assert snap.pauses == (PauseFact(date(2026, 5, 1), date(2026, 5, 31)),)
    assert snap.supervisees == () and snap.ratings == ()
    assert [s.number for s in snap.scheme.stages] == [0, 1, 2, 3]
    assert [r.kind for r in snap.scheme.stages[3].requirements][-2:] == ["document", "meeting"]
    assert snap.scheme.stages[3].requirements[-2].params == {"document": "reflective_statement"}
    assert (snap.scheme.expected_months, snap.scheme.renewal) == (18, ())


def test_load_snapshot_reads_renewal_requirements(scheme, staff) -> None:
    dutch = current_scheme("nl-vig-practitioner")
    snap = load_snapshot(_enrol(staff, dutch), TODAY)
    assert [r.kind for r in snap.scheme.renewal] == [
        "cases",
        "supervision_sessions",
        "intervision_sessions",
        "peer_presentations",
    ]
    assert [s.number for s in snap.scheme.stages] == [1, 2]


def test_a_supervisor_in_training_has_sessions_given_and_trainees_supervised(scheme, staff) -> None:
    learner = make_user(Role.TRAINEE, Role.SUPERVISOR)
    own = _enrol(staff, current_scheme("vig-supervisor"), stage=4, trainee=learner)
    supervised = [_enrol(staff, scheme, supervisor=learner) for _ in range(2)]
    elsewhere = _enrol(staff, scheme)  # supervised by someone else
    _sessions(own, staff["supervisor"], date(2026, 3, 1), minutes=120)
    _sessions(supervised[0], learner, date(2026, 3, 2), date(2026, 3, 3), filmed=True)
    _sessions(supervised[1], learner, date(2026, 3, 4))
    _sessions(elsewhere, staff["supervisor"], date(2026, 3, 5))

    snap = load_snapshot(own, TODAY)

    assert [(s.held_on.day, s.given, s.filmed) for s in snap.sessions] == [
        (1, False, False),
        (2, True, True),
        (3, True, True),
        (4, True, False),
    ]
    assert sorted(s.enrolment_id for s in snap.supervisees) == sorted(e.id for e in supervised)
    progress = progress_for(own, TODAY)
    figures = {r.kind: r.achieved for r in progress.stages[0].requirements}
    assert (figures["clients"], figures["supervision_sessions"]) == (2, 2)
    assert figures["supervision_minutes"] == 120
    # The supervised trainees see those sessions as received, not given.
    assert [s.given for s in load_snapshot(supervised[0], TODAY).sessions] == [False, False]


def _fill(enrolment: Enrolment, by: User, amount: int) -> None:
    """`amount` complete cycles (over several cases), confirmed sessions and milestones."""
    cases = [_case(enrolment, f"K{n}") for n in range(max(amount // 5, 1))]
    for i, day in enumerate(_days(amount)):
        _cycles(cases[i % len(cases)], day)
    _sessions(enrolment, by, *_days(amount))
    for day in _days(amount):
        _milestone(enrolment, by, MilestoneKind.INTERVISION_SESSION, day)
    _pause(enrolment, by, date(2026, 10, 1), date(2026, 10, 5))


def test_progress_for_takes_as_many_queries_for_50_records_as_for_1(scheme, staff) -> None:
    small, large = _enrol(staff, scheme), _enrol(staff, scheme)
    _fill(small, staff["supervisor"], 1)
    _fill(large, staff["supervisor"], 50)

    with counted() as one:
        progress_for(small, TODAY)
    with counted() as fifty:
        progress = progress_for(large, TODAY)

    assert len(one) == len(fifty) == QUERIES, fifty
    cycles = next(r for r in progress.stages[1].requirements if r.kind == "cycles")
    minutes = next(r for r in progress.stages[1].requirements if r.kind == "supervision_minutes")
    assert (cycles.achieved, minutes.achieved) == (50, 3000)


def test_progress_for_many_takes_as_many_queries_for_20_enrolments_as_for_1(scheme, staff) -> None:
    dutch = current_scheme("nl-vig-practitioner")
    many = [_enrol(staff, scheme if n % 2 else dutch) for n in range(20)]
    for n, enrolment in enumerate(many):
        _fill(enrolment, staff["supervisor"], n + 1)

    with counted() as single:
        progress_for_many(many[:1], TODAY)
    with counted() as twenty:
        results = progress_for_many(many, TODAY)

    assert len(single) == len(twenty) == QUERIES, twenty
    assert set(results) == {e.id for e in many}
    for n, enrolment in enumerate(many):
        current = results[enrolment.id].current
        assert current is not None
        achieved = {r.kind: r.achieved for r in current.requirements}
        expected = "cycles" if n % 2 else "supervision_sessions"
        assert achieved[expected] == n + 1


def test_progress_for_many_of_nothing_asks_nothing(ctx) -> None:
    with counted() as statements:
        assert progress_for_many([], TODAY) == {}
    assert statements == []
