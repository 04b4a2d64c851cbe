"""Association scale: 5,000 enrolments (every stage and outcome, 150 supervisors, ~150,000
supervision sessions, ~400,000 moments, 50 cohorts) seeded in bulk, then the coordinator's pages
measured through real HTTP: the app under gunicorn on 127.0.0.1, wrk for a bounded time per page,
with a bare /healthz on the same server as the ceiling. Also one full CSV download of every
enrolment (time to first byte, total, rows, the workers' memory while it streams) and the SQL
statements each page sends (counted in-process with the test client on the same database).
Prints figures; asserts nothing.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.scale

The served pages read the real clock, so the seed is dated relative to today (in the app's
default time zone) with a fixed random seed: the same shape of data whatever the day it runs.
"""

import base64
import csv
import hashlib
import http.client
import io
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from enum import Enum
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Table, event, func, insert, select, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.extensions import db
from app.models import (
    Case,
    Certificate,
    Cohort,
    CohortMember,
    Consent,
    Cycle,
    Enrolment,
    EnrolmentStage,
    Film,
    Milestone,
    Moment,
    Notification,
    Pause,
    Principle,
    Rating,
    Reflection,
    Scheme,
    StageMeeting,
    SupervisionSession,
    SupervisorAssignment,
    User,
    UserRole,
)
from app.models.supervision import session_cycles, session_films, session_moments
from app.services.plain_text import comparison_key
from app.services.progress import supervision_dates
from app.services.progress.expected_dates import refresh_all
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from tests.live.server import child_pids, free_port, run_gunicorn


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime.now(ZoneInfo("Europe/London")).date()
NOW = datetime.now(UTC) - timedelta(minutes=5)
PASSWORD = "bench password 1"
COORDINATOR = "coordinator1@bench.test"
RANDOM_SEED = _env_int("BENCH_SEED", 1)
ENROLMENTS = _env_int("BENCH_ENROLMENTS", 5000)
# By default the other sizes keep the proportions of 5,000 enrolments.
SUPERVISORS = _env_int("BENCH_SUPERVISORS", max(10, round(ENROLMENTS * 150 / 5000)))
COHORTS = _env_int("BENCH_COHORTS", max(3, round(ENROLMENTS * 50 / 5000)))
COHORT_SIZE = _env_int("BENCH_COHORT_SIZE", min(100, ENROLMENTS))
SKIP_SEED = os.environ.get("BENCH_SKIP_SEED") == "1"  # measure an already seeded database
DURATION = _env_int("BENCH_DURATION", 15)  # seconds of wrk per page
WARMUP = _env_int("BENCH_WARMUP", 3)  # seconds of wrk per page before measuring, not reported
# The shared machine's speed drifts within a run (the reference has cost 40% more at the end than
# at the start): each page is measured against the reference loaded just before it, for this many
# seconds (0: against the reference measured once, first).
PAIRED = _env_int("BENCH_PAIRED", 5)
CONNECTIONS = _env_int("BENCH_CONNECTIONS", 8)
# A full export takes seconds: eight at once would not finish within a run of the other pages'.
CSV_CONNECTIONS = _env_int("BENCH_CSV_CONNECTIONS", 2)
CSV_DURATION = _env_int("BENCH_CSV_DURATION", 2 * DURATION)
WRK_THREADS = _env_int("BENCH_WRK_THREADS", 2)
WORKERS = _env_int("BENCH_WORKERS", 2)
THREADS = _env_int("BENCH_THREADS", 4)
# On a small machine the server can starve wrk of CPU, which then reads replies late: a
# negative niceness (as root) keeps the load generator responsive.
WRK_NICE = _env_int("BENCH_WRK_NICE", 0)
EXPLAIN = os.environ.get("BENCH_EXPLAIN") == "1"  # EXPLAIN ANALYZE each page's slowest statement
GOAL = 3.0  # every page's p95 within 3x the ceiling's

FIRST_NAMES = (
    "Aisha Amelia Ben Carys Chloe Daniel Dylan Eilidh Emma Fatima Finn Grace Hannah Harry Isla "
    "Jack Jess Kai Leah Liam Maya Mohammed Niamh Noah Olivia Oscar Priya Rhys Ruby Sam Sophie "
    "Tom Yusuf Zara Anna Joe Lucy Owen Rosa Theo"
).split()
SURNAMES = (
    "Ahmed Brown Campbell Davies Edwards Evans Fraser Green Hughes Hussain Jones Kaur Khan Lewis "
    "Morgan Murphy Nowak O'Brien Patel Price Roberts Robinson Scott Singh Smith Taylor Thomas "
    "Thompson Walker Watson White Williams Wilson Wood Wright Young Jenkins Clarke Hall Baker"
).split()
REGIONS = (
    "North East,North West,Yorkshire,East Midlands,West Midlands,East of England,London,"
    "South East,South West,Wales,Scotland,Northern Ireland"
).split(",")
EMPLOYERS = (
    "County Council,Health Trust,Academy Trust,Family Centre,Children's Services,"
    "Early Years Partnership,Community Health,Fostering Service"
).split(",")
PLACES = "Leeds Bristol Cardiff Glasgow Norwich Exeter Leicester Belfast Brighton York".split()


def _at(day: date, hour: int = 10) -> datetime:
    """A timestamp on `day`, never later than now (the pages compare them with the clock)."""
    return min(datetime.combine(day, clock(hour), tzinfo=UTC), NOW)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


# -- bulk writing -----------------------------------------------------------------------------


def _copy_value(value: object) -> object:
    if isinstance(value, Enum):
        return value.value  # psycopg would write an Enum's name
    if isinstance(value, list | dict):
        return json.dumps(value)  # psycopg would write a list as an array
    return value


def _default(column: Any) -> object:
    default = column.default
    return default.arg(None) if default.is_callable else default.arg


def write_rows(table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts by column name; Python-side defaults filled in) with COPY on
    PostgreSQL, else with a core executemany INSERT."""
    present = set().union(*rows)
    columns = [c for c in table.columns if c.name in present or c.default is not None]
    defaults = {c.name: _default(c) for c in columns if c.default is not None}
    names = [c.name for c in columns]
    if db.engine.dialect.name != "postgresql":
        complete = [{n: row.get(n, defaults.get(n)) for n in names} for row in rows]
        for start in range(0, len(complete), 5000):
            db.session.execute(insert(table), complete[start : start + 5000])
        return
    raw = db.session.connection().connection.driver_connection
    quoted = ", ".join(f'"{n}"' for n in names)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_copy_value(row[n] if n in row else defaults.get(n)) for n in names])


class Rows:
    """Rows buffered per table, with ids given here; written in foreign-key order."""

    def __init__(self) -> None:
        self.buffers: dict[Table, list[dict[str, Any]]] = defaultdict(list)
        self.last_id: dict[Table, int] = defaultdict(int)
        self.totals: Counter[str] = Counter()

    def add(self, model: Any, **row: Any) -> int:
        table = model if isinstance(model, Table) else model.__table__
        if "id" in table.c and "id" not in row:
            self.last_id[table] += 1
            row["id"] = self.last_id[table]
        self.buffers[table].append(row)
        return int(row.get("id", 0))

    def flush(self) -> None:
        for table in db.metadata.sorted_tables:
            rows = self.buffers.pop(table, None)
            if rows:
                write_rows(table, rows)
                self.totals[table.name] += len(rows)
        db.session.commit()

    def reset_sequences(self) -> None:
        if db.engine.dialect.name != "postgresql":
            return
        for table, last in self.last_id.items():
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), :n)"),
                {"n": last},
            )
        db.session.commit()


# -- what the schemes ask for ---------------------------------------------------------------


@dataclass
class StagePlan:
    id: int
    number: int
    typical_months: int | None
    meeting: str | None  # the meeting's subtype, None for a stage that ends with a course
    milestones: list[tuple[str, str]]  # (milestone kind, subtype) the stage asks for
    competencies: list[int]  # principle ids the own supervisor rates


@dataclass
class SchemePlan:
    id: int
    code: str
    label: str
    title: str
    body: str
    version: str
    revision: int
    validity_months: int | None
    stages: list[StagePlan]


MILESTONE_KINDS = {"course": "course", "intro_session": "intro_session", "document": "document"}


def _plans() -> dict[str, SchemePlan]:
    load_definitions(None, default_schemes_dir())
    principles = {p.code: p.id for p in db.session.scalars(select(Principle))}
    plans = {}
    for scheme in db.session.scalars(select(Scheme).order_by(Scheme.revision)):
        stages = []
        for stage in scheme.stages:
            reqs = stage.requirements
            meeting = next(
                (str(r.params.get("meeting", "stage")) for r in reqs if r.kind == "meeting"),
                None if stage.ends_with == "course_completion" else "stage",
            )
            stages.append(
                StagePlan(
                    stage.id,
                    stage.number,
                    stage.typical_months,
                    meeting,
                    [
                        (MILESTONE_KINDS[r.kind], str(r.params.get("document", "")))
                        for r in reqs
                        if r.kind in MILESTONE_KINDS
                    ],
                    [principles[r.params["principle"]] for r in reqs if r.kind == "competency"],
                )
            )
        plans[f"{scheme.code} {scheme.version}"] = SchemePlan(
            scheme.id,
            scheme.code,
            scheme.label,
            scheme.title,
            scheme.body,
            scheme.version,
            scheme.revision,
            scheme.certificate_validity_months,
            stages,
        )
    return plans


# -- seeding ----------------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    name: str
    grade: str | None = None


@dataclass
class World:
    """What every enrolment draws on."""

    rng: random.Random
    rows: Rows
    plans: dict[str, SchemePlan]
    coordinators: list[Person]
    supervisors: list[Person]
    principles: list[int]
    elements: dict[int, list[int]]
    names: Iterator[str]
    numbers: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**9)))


@dataclass
class Timeline:
    stages: list[tuple[StagePlan, date, date | None]]
    accredited_on: date | None
    withdrawn_on: date | None
    supervision_until: date  # the last day sessions are held (a gap for some)
    until: date  # the last day of any evidence
    assignments: list[tuple[Person, date, date | None]]

    def supervisor_on(self, day: date) -> Person:
        for person, starts, ends in reversed(self.assignments):
            if starts <= day and (ends is None or day <= ends):
                return person
        return self.assignments[0][0]


def _names(rng: random.Random) -> Iterator[str]:
    while True:
        yield f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def _person(world: World, email: str, roles: list[str], grade: str | None = None) -> Person:
    name = next(world.names)
    user_id = world.rows.add(
        User,
        email=email,
        display_name=name,
        password_hash=None,
        supervisor_grade=grade,
        created_at=_at(TODAY - _days(world.rng.randint(0, 1500))),
    )
    for role in roles:
        world.rows.add(UserRole, user_id=user_id, role=role)
    return Person(user_id, name, grade)


def _timeline(world: World, plan: SchemePlan, start: date, trainee: Person) -> Timeline:
    rng = world.rng
    pace = rng.lognormvariate(0.05, 0.15) * (1.5 if rng.random() < 0.15 else 1.0)
    stages: list[tuple[StagePlan, date, date | None]] = []
    day, accredited_on = start, None
    for stage in plan.stages:
        if stage.typical_months is None:
            length = rng.randint(5, 40)
        else:
            length = round(stage.typical_months * 30.4 * pace * rng.uniform(0.85, 1.15))
        if day + _days(length) < TODAY - _days(2):
            stages.append((stage, day, day + _days(length)))
            day += _days(length)
        else:
            stages.append((stage, day, None))
            break
    else:
        accredited_on = day
    withdrawn_on = None
    if accredited_on is None and (TODAY - start).days > 90 and rng.random() < 0.06:
        opened = stages[-1][1]
        withdrawn_on = opened + _days(rng.randint(10, max(11, (TODAY - opened).days - 5)))
        withdrawn_on = min(withdrawn_on, TODAY - _days(3))
    until = accredited_on or withdrawn_on or TODAY
    supervision_until = until
    if until == TODAY and (TODAY - start).days > 120 and rng.random() < 0.07:
        supervision_until = TODAY - _days(rng.randint(57, 160))  # no supervision for 8+ weeks
    own = [s for s in world.supervisors if s.id != trainee.id]
    if trainee.grade is not None:  # a supervisor in training is supervised by an advanced one
        own = [s for s in own if s.grade == "advanced"] or own
    first = rng.choice(own)
    assignments: list[tuple[Person, date, date | None]] = [(first, start, None)]
    span = (until - start).days
    if span > 150 and rng.random() < 0.2:
        change = start + _days(rng.randint(60, span - 30))
        second = rng.choice([s for s in own if s.id != first.id] or own)
        assignments = [(first, start, change - _days(1)), (second, change, None)]
    return Timeline(stages, accredited_on, withdrawn_on, supervision_until, until, assignments)


def _stage_records(world: World, enrolment_id: int, trainee: Person, line: Timeline) -> None:
    """Stages, their milestones, ratings, pauses and end-of-stage meetings."""
    rng, rows = world.rng, world.rows
    coordinator = world.coordinators[0]
    for stage, opened, closed in line.stages:
        stage_row = rows.add(
            EnrolmentStage,
            enrolment_id=enrolment_id,
            stage_id=stage.id,
            opened_on=opened,
            closed_on=closed,
        )
        end = closed or line.until
        expected = (stage.typical_months or 1) * 30.4
        fraction = (end - opened).days / expected
        for kind, subtype in stage.milestones:
            if kind == "course":
                day = closed if closed else None
            elif kind == "intro_session":
                day = opened + _days(rng.randint(7, 30))
            else:
                day = end - _days(rng.randint(10, 30)) if fraction > 0.8 else None
            if day is not None and opened <= day <= end and (closed or rng.random() < 0.6):
                rows.add(
                    Milestone,
                    enrolment_id=enrolment_id,
                    kind=kind,
                    subtype=subtype,
                    occurred_on=day,
                    title=kind.replace("_", " ").capitalize(),
                    recorded_by_id=trainee.id,
                    created_at=_at(day, 17),
                )
        for principle in stage.competencies if fraction > 0.5 else []:
            day = opened + _days(int((end - opened).days * rng.uniform(0.5, 0.95)))
            for kind, rater in (("self", trainee), ("supervisor", line.supervisor_on(day))):
                rows.add(
                    Rating,
                    enrolment_stage_id=stage_row,
                    kind=kind,
                    rater_id=rater.id,
                    principle_id=principle,
                    score=rng.choice((3, 4, 4, 5)),
                    comment="Steady progress.",
                    rated_on=day,
                    created_at=_at(day, 15),
                )
        if stage.meeting is None:
            continue
        meeting = {"enrolment_stage_id": stage_row, "requested_by_id": trainee.id}
        assessor = rng.choice(
            [
                s
                for s in world.supervisors
                if s.grade in ("supervisor", "advanced")
                and s.id != line.supervisor_on(end).id
                and s.id != trainee.id
            ]
        )
        title = f"Stage {stage.number} meeting"
        if closed is not None:
            requested = max(opened + _days(1), closed - _days(rng.randint(20, 45)))
            held = max(requested, closed - _days(rng.randint(3, 15)))
            if rng.random() < 0.05 and requested - opened > _days(90):  # an earlier "not yet"
                rows.add(
                    StageMeeting,
                    **meeting,
                    status="not_yet",
                    requested_at=_at(requested - _days(70)),
                    assessor_id=assessor.id,
                    held_on=requested - _days(50),
                    minutes=60,
                    outcome_at=_at(requested - _days(50), 16),
                    actions="Two more cycles with a new client, then ask again.",
                    new_target_on=requested - _days(5),
                )
            if rng.random() < 0.01:  # a pass voided when the stage was reopened
                rows.add(
                    StageMeeting,
                    **meeting,
                    status="voided",
                    requested_at=_at(requested - _days(40)),
                    assessor_id=assessor.id,
                    held_on=requested - _days(30),
                    minutes=60,
                    outcome_at=_at(requested - _days(30), 16),
                    voided_at=_at(requested - _days(20)),
                    void_reason="Passed on the wrong stage.",
                )
            milestone = rows.add(
                Milestone,
                enrolment_id=enrolment_id,
                kind="meeting",
                subtype=stage.meeting,
                occurred_on=held,
                title=title,
                notes=f"Assessed by {assessor.name}.",
                recorded_by_id=assessor.id,
                created_at=_at(held, 16),
            )
            rows.add(
                StageMeeting,
                **meeting,
                status="ratified",
                requested_at=_at(requested),
                assessor_id=assessor.id,
                held_on=held,
                minutes=60,
                documents_read="Reflective log; case summaries.",
                outcome_at=_at(held, 16),
                supervisor_statement="Ready: the work is consistent and well reflected on.",
                ratified_at=_at(closed, 11),
                ratified_by_id=coordinator.id,
                digest=hashlib.sha256(f"{enrolment_id}-{stage.id}".encode()).hexdigest(),
                milestone_id=milestone,
            )
            continue
        if line.withdrawn_on is not None:
            if rng.random() < 0.2:
                rows.add(
                    StageMeeting,
                    **meeting,
                    status="withdrawn",
                    requested_at=_at(line.withdrawn_on - _days(30)),
                    assessor_id=assessor.id,
                    held_on=line.withdrawn_on - _days(5),
                    minutes=30,
                    outcome_at=_at(line.withdrawn_on - _days(5), 16),
                )
            continue
        if fraction < 0.8 or rng.random() < 0.45:
            continue
        status = rng.choices(("requested", "assessor_named", "passed"), (3, 4, 3))[0]
        exception = rng.random() < 0.05
        requested = max(opened + _days(1), TODAY - _days(rng.randint(1, 35)))
        if status == "requested":
            rows.add(
                StageMeeting,
                **meeting,
                status=status,
                requested_at=_at(requested),
                exception_reason="Prior learning on a previous course." if exception else "",
                missing_at_request=["6 VIG cycles"] if exception else [],
            )
            continue
        requested = max(opened + _days(1), TODAY - _days(rng.randint(10, 70)))
        if status == "assessor_named":
            rows.add(
                StageMeeting,
                **meeting,
                status=status,
                requested_at=_at(requested),
                assessor_id=assessor.id,
                supervisor_statement="Ready." if rng.random() < 0.5 else "",
            )
            continue
        held = min(TODAY - _days(1), requested + _days(rng.randint(5, 40)))
        milestone = rows.add(
            Milestone,
            enrolment_id=enrolment_id,
            kind="meeting",
            subtype=stage.meeting,
            occurred_on=held,
            title=title,
            notes=f"Assessed by {assessor.name}.",
            recorded_by_id=assessor.id,
            created_at=_at(held, 16),
        )
        rows.add(
            StageMeeting,
            **meeting,
            status="passed",
            requested_at=_at(requested),
            assessor_id=assessor.id,
            held_on=held,
            minutes=60,
            outcome_at=_at(held, 16),
            digest=hashlib.sha256(f"{enrolment_id}-{stage.id}".encode()).hexdigest(),
            milestone_id=milestone,
        )
    span = (line.until - line.stages[0][1]).days
    if span > 60 and rng.random() < 0.06:
        starts = line.stages[0][1] + _days(rng.randint(20, span - 10))
        rows.add(
            Pause,
            enrolment_id=enrolment_id,
            starts_on=starts,
            ends_on=starts + _days(rng.randint(30, 120)),
            reason=rng.choice(("Illness", "Parental leave", "Change of job")),
            recorded_by_id=coordinator.id,
        )


def _evidence(
    world: World, enrolment_id: int, trainee: Person, start: date, line: Timeline
) -> None:
    """Cases with consents, cycles, films and moments; supervision sessions linked to them."""
    rng, rows = world.rng, world.rows
    moments: list[tuple[int, int, date]] = []  # (moment, film, day)
    cycles: list[tuple[int, date]] = []
    day = start + _days(rng.randint(7, 25))
    case, consent, cycles_left, case_n = 0, 0, 0, 0
    while day <= line.until:
        if cycles_left == 0:
            case_n += 1
            cycles_left = rng.randint(2, 4)
            case = rows.add(
                Case,
                enrolment_id=enrolment_id,
                code=f"C-{case_n:03d}",
                label=rng.choice(("", "", "Nursery", "Home visits", "School")),
                setting=rng.choice(("family", "family", "school", "early_years", "health")),
                helping_question="How can we enjoy our time together?",
                started_on=day,
                ended_on=day + _days(70) if day + _days(70) < line.until else None,
                created_at=_at(day, 18),
            )
            consent = rows.add(
                Consent,
                case_id=case,
                given_by_role="parent",
                given_on=day,
                scopes=["filming", "own_supervisor", "assessor"][: rng.choice((2, 3, 3))],
                created_at=_at(day, 18),
            )
        cycles_left -= 1
        review = day + _days(rng.randint(4, 10))
        reviewed = review <= line.until
        filmed_review = reviewed and rng.random() < 0.6
        cycle = rows.add(
            Cycle,
            case_id=case,
            filmed_on=day,
            micro_analysis_done=reviewed or rng.random() < 0.5,
            shared_review_on=review if reviewed else None,
            review_filmed=filmed_review,
            created_at=_at(day, 19),
        )
        cycles.append((cycle, day))
        for kind, recorded in (("interaction", day), ("shared_review", review))[
            : 1 + filmed_review
        ]:
            film = rows.add(
                Film,
                cycle_id=cycle,
                kind=kind,
                recorded_on=recorded,
                length_seconds=rng.randint(600, 2400),
                kept_at="Service drive",
                consent_id=consent,
                created_at=_at(recorded, 19),
            )
            at = 0
            for _ in range(rng.randint(1, 5)):
                at += rng.randint(20_000, 120_000)
                principle = rng.choice(world.principles)
                with_element = rng.random() < 0.3
                moment = rows.add(
                    Moment,
                    film_id=film,
                    start_ms=at,
                    end_ms=at + rng.randint(3_000, 15_000),
                    principle_id=principle,
                    element_id=rng.choice(world.elements[principle]) if with_element else None,
                    note=rng.choice(("", "He waits; she takes the turn.", "Shared smile.")),
                    author_id=trainee.id,
                    created_at=_at(recorded, 20),
                )
                moments.append((moment, film, recorded))
        day += _days(rng.randint(12, 30))
    _sessions(world, enrolment_id, trainee, start, line, cycles, moments)


def _sessions(
    world: World,
    enrolment_id: int,
    trainee: Person,
    start: date,
    line: Timeline,
    cycles: list[tuple[int, date]],
    moments: list[tuple[int, int, date]],
) -> None:
    rng, rows = world.rng, world.rows
    day = start + _days(rng.randint(5, 20))
    last_cycle = last_moment = 0
    while day <= line.supervision_until:
        supervisor = line.supervisor_on(day)
        age = (TODAY - day).days
        # Supervisors confirm most sessions within a fortnight; a few are left waiting.
        logged = 70 if age <= 7 else 35 if age <= 14 else 8 if age <= 21 else 0.4
        status = rng.choices(("logged", "confirmed", "returned"), (logged, 99 - logged, 1))[0]
        created = _at(day + _days(rng.randint(0, 3)), 19)
        decided = None if status == "logged" else min(created + _days(rng.randint(1, 10)), NOW)
        session = rows.add(
            SupervisionSession,
            enrolment_id=enrolment_id,
            supervisor_id=supervisor.id,
            held_on=day,
            minutes=rng.choice((45, 60, 60, 60, 90, 120)),
            group=rng.random() < 0.2,
            online=rng.random() < 0.3,
            filmed=rng.random() < 0.25,
            reflection_before="Bring two clips of attuned responses.",
            reflection_after="Noticed how much waiting helps.",
            next_steps="Try giving the parent more time.",
            status=status,
            decided_at=decided,
            return_reason="Please add the clips you discussed." if status == "returned" else "",
            supervisor_feedback="Good use of the clips." if status == "confirmed" else "",
            created_at=created,
        )
        if session % 3 == 0:  # no random draw: the rest of the seed keeps its random stream
            private = session % 2 == 0
            rows.add(
                Reflection,
                enrolment_id=enrolment_id,
                author_id=trainee.id,
                session_id=session,
                written_on=min(day + _days(1), TODAY),
                title="After supervision",
                body="Waiting for her to take the turn changed the whole interaction.",
                private=private,
                shared_at=None if private else created,
                created_at=created,
            )
        while last_cycle < len(cycles) and cycles[last_cycle][1] <= day:
            last_cycle += 1
        if last_cycle and rng.random() < 0.5:
            rows.add(session_cycles, session_id=session, cycle_id=cycles[last_cycle - 1][0])
        while last_moment < len(moments) and moments[last_moment][2] <= day:
            last_moment += 1
        if last_moment and (status == "logged" or rng.random() < 0.2):
            brought = moments[max(0, last_moment - rng.randint(1, 3)) : last_moment]
            for moment, _film, _day in brought:
                rows.add(session_moments, session_id=session, moment_id=moment)
            for film in sorted({film for _m, film, _d in brought}):
                rows.add(session_films, session_id=session, film_id=film)
        day += _days(rng.randint(6, 17))


def _certificate(
    world: World, enrolment_id: int, trainee: Person, plan: SchemePlan, line: Timeline
) -> None:
    rng = world.rng
    if line.accredited_on is None or rng.random() < 0.15:  # some wait for their certificate
        return
    accredited = line.accredited_on
    n = next(world.numbers)
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(alphabet[(n * 7919 // 32**i) % 32] for i in range(8))
    revoked = rng.random() < 0.02
    world.rows.add(
        Certificate,
        public_id=secrets.token_urlsafe(24),
        number=f"{raw[:4]}-{raw[4:]}",
        enrolment_id=enrolment_id,
        holder_name=trainee.name,
        body=plan.body,
        scheme_title=plan.title,
        scheme_version=f"{plan.version} (rev. {plan.revision})",
        accredited_on=accredited,
        supervisor_name=line.supervisor_on(accredited).name,
        assessor_name=rng.choice(world.supervisors).name,
        expires_on=(
            accredited + relativedelta(months=plan.validity_months)
            if plan.validity_months
            else None
        ),
        evidence_digest=hashlib.sha256(f"{enrolment_id}".encode()).hexdigest(),
        issued_at=_at(accredited + _days(rng.randint(1, 20))),
        issued_by_id=world.coordinators[0].id,
        listed=rng.random() < 0.7,
        revoked_at=_at(accredited + _days(60)) if revoked else None,
        revoke_reason="Issued in error." if revoked else "",
    )


def _enrol(world: World, trainee: Person, plan: SchemePlan, start: date) -> tuple[int, date]:
    rng = world.rng
    line = _timeline(world, plan, start, trainee)
    status = "accredited" if line.accredited_on else "withdrawn" if line.withdrawn_on else "active"
    enrolment_id = world.rows.add(
        Enrolment,
        trainee_id=trainee.id,
        scheme_id=plan.id,
        started_on=start,
        status=status,
        created_at=_at(start - _days(rng.randint(0, 20)), 9),
    )
    for person, starts, ends in line.assignments:
        world.rows.add(
            SupervisorAssignment,
            enrolment_id=enrolment_id,
            supervisor_id=person.id,
            starts_on=starts,
            ends_on=ends,
            created_at=_at(starts, 9),
        )
    _stage_records(world, enrolment_id, trainee, line)
    _evidence(world, enrolment_id, trainee, start, line)
    _certificate(world, enrolment_id, trainee, plan, line)
    return enrolment_id, start


def seed() -> dict[str, int]:
    """Every row of the association, written in batches; returns the rows per table."""
    rng = random.Random(RANDOM_SEED)
    plans = _plans()
    elements: dict[int, list[int]] = defaultdict(list)
    for principle_id, element_id in db.session.execute(
        text("SELECT principle_id, id FROM principle_elements")
    ):
        elements[principle_id].append(element_id)
    world = World(
        rng,
        Rows(),
        plans,
        [],
        [],
        sorted(elements),
        elements,
        _names(rng),
    )
    rows = world.rows
    coordinator = rows.add(
        User,
        email=COORDINATOR,
        display_name="Coordinator One",
        password_hash=generate_password_hash(PASSWORD),
    )
    rows.add(UserRole, user_id=coordinator, role="coordinator")
    world.coordinators.append(Person(coordinator, "Coordinator One"))
    for n in (2, 3):
        world.coordinators.append(_person(world, f"coordinator{n}@bench.test", ["coordinator"]))
    in_training = max(1, SUPERVISORS // 10)
    for n in range(SUPERVISORS):
        grade = "in_training" if n < in_training else "advanced" if n % 6 == 0 else "supervisor"
        roles = ["supervisor", "trainee"] if grade == "in_training" else ["supervisor"]
        world.supervisors.append(_person(world, f"supervisor{n}@bench.test", roles, grade))
    # Who starts on what, when: mostly the current schemes over the last three years; the old
    # version for those who started 18+ months ago; some Dutch practitioners accredited years
    # ago whose certificates come up for renewal; supervisors in training on their own pathway.
    # The association grows: more trainees started recently than three years ago.
    starts: list[tuple[Person | None, SchemePlan, date]] = []
    for person in world.supervisors[:in_training]:
        starts.append((person, plans["vig-supervisor 2024"], TODAY - _days(rng.randint(30, 900))))
    for n in range(ENROLMENTS - len(starts)):
        pick, recent = rng.random(), round(1095 * rng.random() ** 1.8)
        if n % 33 == 0:
            plan, ago = plans["nl-vig-practitioner 2024"], rng.randint(1200, 1700)
        elif pick < 0.08:
            plan, ago = plans["aviguk-practitioner 2016"], rng.randint(550, 1095)
        elif pick < 0.26:
            plan, ago = plans["nl-vig-practitioner 2024"], recent
        elif pick < 0.38:
            plan, ago = plans["verp-practitioner 2024"], recent
        else:
            plan, ago = plans["aviguk-practitioner 2024"], recent
        starts.append((None, plan, TODAY - _days(ago)))
    enrolled: list[tuple[int, int, date]] = []  # (trainee, enrolment, start)
    for n, (person, plan, start) in enumerate(starts):
        trainee = person or _person(world, f"trainee{n}@bench.test", ["trainee"])
        enrolment_id, _start = _enrol(world, trainee, plan, start)
        enrolled.append((trainee.id, enrolment_id, start))
        if n % 250 == 249:
            rows.flush()
    _cohorts(world, enrolled)
    for n in range(400):  # the coordinator's notifications, all e-mailed, some unread
        created = _at(TODAY - _days(n // 4))
        rows.add(
            Notification,
            user_id=coordinator,
            kind="meeting_requested",
            message=f"A trainee asks for a stage meeting ({n}).",
            link="/enrolments",
            created_at=created,
            read_at=created + timedelta(hours=2) if n >= 30 else None,
            emailed_at=created,
        )
    rows.flush()
    rows.reset_sequences()
    return dict(rows.totals)


def _cohorts(world: World, enrolled: list[tuple[int, int, date]]) -> None:
    """Courses (trainees who started together), regions and employers (anyone)."""
    rng, rows = world.rng, world.rows
    by_start = sorted(enrolled, key=lambda e: (e[2], e[1]))
    trainees = sorted({t for t, _e, _s in enrolled})
    size = min(COHORT_SIZE, len(trainees))
    courses = round(COHORTS * 0.4)
    for n in range(COHORTS):
        if n < courses:
            first = (len(by_start) - size) * n // max(1, courses - 1)
            block = by_start[first : first + size]
            members = sorted({t for t, _e, _s in block})
            began = block[0][2]
            kind = "course"
            name = f"Course {began:%Y-%m} {PLACES[n % len(PLACES)]} ({n + 1})"
        else:
            members = rng.sample(trainees, size)
            kind = "region" if n % 2 else "employer"
            began = TODAY - _days(rng.randint(100, 1000))
            where = rng.choice(REGIONS) if kind == "region" else rng.choice(EMPLOYERS)
            name = f"{where} {n + 1}"
        cohort = rows.add(
            Cohort,
            name=name,
            name_key=comparison_key(name),
            kind=kind,
            description="",
            created_at=_at(began),
            created_by_id=world.coordinators[0].id,
        )
        for user in members:
            rows.add(
                CohortMember,
                cohort_id=cohort,
                user_id=user,
                added_at=_at(began),
                added_by_id=world.coordinators[0].id,
            )


def _describe_seed() -> list[str]:
    """What the dashboard's lists will find, as plain SQL counts."""
    week8 = TODAY - timedelta(weeks=8)
    day14 = _at(TODAY - _days(14), 0)
    six = TODAY + relativedelta(months=6)
    queries = {
        "enrolments by status": "SELECT status, count(*) FROM enrolments GROUP BY 1 ORDER BY 1",
        "active by open stage": (
            "SELECT s.number, count(*) FROM enrolments e JOIN enrolment_stages es "
            "ON es.enrolment_id = e.id AND es.closed_on IS NULL JOIN stages s ON s.id = "
            "es.stage_id WHERE e.status = 'active' GROUP BY 1 ORDER BY 1"
        ),
        "meetings by status": "SELECT status, count(*) FROM stage_meetings GROUP BY 1 ORDER BY 1",
        "sessions by status": (
            "SELECT status, count(*) FROM supervision_sessions GROUP BY 1 ORDER BY 1"
        ),
        "active and late (past an expected date)": (
            "SELECT 'late', count(*) FROM enrolments WHERE status = 'active' AND "
            "(expected_finish < :today OR stage_expected_end < :today)"
        ),
        "active, no confirmed supervision in 8 weeks": (
            "SELECT 'no supervision', count(*) FROM enrolments e WHERE status = 'active' AND "
            "started_on < :week8 AND NOT EXISTS (SELECT 1 FROM supervision_sessions s WHERE "
            "s.enrolment_id = e.id AND s.status = 'confirmed' AND s.held_on >= :week8)"
        ),
        "sessions logged 14+ days ago, unconfirmed": (
            "SELECT 'sessions', count(*) FROM supervision_sessions WHERE status = 'logged' "
            "AND created_at < :day14"
        ),
        "accredited without a current certificate": (
            "SELECT 'enrolments', count(*) FROM enrolments e WHERE status = 'accredited' AND "
            "NOT EXISTS (SELECT 1 FROM certificates c WHERE c.enrolment_id = e.id AND "
            "c.revoked_at IS NULL AND c.superseded_by_id IS NULL)"
        ),
        "certificates expiring in 6 months (or lapsed)": (
            "SELECT CASE WHEN expires_on < :today THEN 'lapsed' ELSE 'expiring' END, count(*) "
            "FROM certificates WHERE revoked_at IS NULL AND expires_on <= :six GROUP BY 1"
        ),
    }
    params = {"today": TODAY, "week8": week8, "day14": day14, "six": six}
    lines = []
    for label, sql in queries.items():
        found = db.session.execute(text(sql), params).all()
        lines.append(f"  {label}: " + ", ".join(f"{k} {n}" for k, n in found))
    return lines


# -- what to measure ------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A page measured: its label, URL, who asks for it (whose cookie), and whether it is a CSV
    export (downloaded whole, alone) rather than a page loaded with wrk."""

    label: str
    path: str
    role: str = "coordinator"
    export: bool = False


@dataclass(frozen=True)
class Subjects:
    """The rows the pages are about, chosen by query (so a seeded database can be measured again
    without seeding, BENCH_SKIP_SEED=1)."""

    enrolment_id: int
    trainee_id: int
    supervisor_id: int
    film_id: int
    cohort_id: int


def _subjects() -> Subjects:
    counts = db.session.execute(
        select(SupervisionSession.enrolment_id, func.count())
        .join(Enrolment, Enrolment.id == SupervisionSession.enrolment_id)
        .where(Enrolment.status == "active")
        .group_by(SupervisionSession.enrolment_id)
        .order_by(func.count(), SupervisionSession.enrolment_id)
    ).all()
    enrolment_id = counts[int(len(counts) * 0.9)][0]  # an active trainee with many sessions
    enrolment = db.session.get(Enrolment, enrolment_id)
    assert enrolment is not None
    supervisor_id = db.session.scalar(
        select(SupervisorAssignment.supervisor_id)
        .where(SupervisorAssignment.enrolment_id == enrolment_id)
        .order_by(SupervisorAssignment.starts_on.desc())
        .limit(1)
    )
    film_id = db.session.scalar(  # the trainee's film with the most moments
        select(Film.id)
        .join(Cycle, Cycle.id == Film.cycle_id)
        .join(Case, Case.id == Cycle.case_id)
        .join(Moment, Moment.film_id == Film.id)
        .where(Case.enrolment_id == enrolment_id)
        .group_by(Film.id)
        .order_by(func.count().desc(), Film.id)
        .limit(1)
    )
    cohort_id = db.session.scalar(
        select(Cohort.id).order_by((Cohort.kind == "region").desc(), Cohort.id).limit(1)
    )
    return Subjects(
        enrolment_id,
        enrolment.trainee_id,
        int(supervisor_id or 0),
        int(film_id or 0),
        int(cohort_id or 0),
    )


def _accounts(subjects: Subjects) -> dict[str, str]:
    """The e-mail address each role signs in with; the trainee and the supervisor measured are
    given the bench password (the seed gives one to the first coordinator only)."""
    hashed = generate_password_hash(PASSWORD)
    ids = (subjects.trainee_id, subjects.supervisor_id)
    db.session.execute(
        text("UPDATE users SET password_hash = :h WHERE id IN (:t, :s)"),
        {"h": hashed, "t": ids[0], "s": ids[1]},
    )
    db.session.commit()
    emails = dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())
    return {
        "coordinator": COORDINATOR,
        "trainee": emails[subjects.trainee_id],
        "supervisor": emails[subjects.supervisor_id],
    }


REFERENCE = Page("reference: 100-row table", "/bench/reference", "")
CEILING = Page("/healthz", "/healthz", "")


def _pages(subjects: Subjects) -> list[Page]:
    """Every page a person opens, by role, and every CSV export."""
    from app.lists.workspace import LISTS

    e, c = subjects.enrolment_id, subjects.cohort_id
    return [
        Page("coordinator's home", "/"),
        Page("pipeline dashboard", "/coordination"),
        *(Page(f"list: {key}", f"/coordination/{key}") for key in LISTS),
        Page("cohorts", "/cohorts"),
        Page("cohort page (100)", f"/cohorts/{c}"),
        Page("people", "/people"),
        Page("enrolments", "/enrolments"),
        Page("enrolment page", f"/enrolments/{e}"),
        Page("trainee's home", "/", "trainee"),
        Page("own enrolment page", f"/enrolments/{e}", "trainee"),
        Page("film page", f"/films/{subjects.film_id}", "trainee"),
        Page("supervision list", f"/enrolments/{e}/sessions", "trainee"),
        Page("reflections list", f"/enrolments/{e}/reflections", "trainee"),
        Page("cases list", f"/enrolments/{e}/cases", "trainee"),
        Page("supervisor's home", "/", "supervisor"),
        Page("supervisee's page", f"/enrolments/{e}", "supervisor"),
        Page("CSV: enrolments", "/enrolments/export.csv", export=True),
        Page("CSV: people", "/people/export.csv", export=True),
        Page("CSV: cohorts", "/cohorts/export.csv", export=True),
        Page("CSV: cohort members", f"/cohorts/{c}/export.csv", export=True),
        *(Page(f"CSV: {key}", f"/coordination/{key}/export.csv", export=True) for key in LISTS),
    ]


def _describe_subjects(subjects: Subjects) -> list[str]:
    enrolment_id, cohort_id = subjects.enrolment_id, subjects.cohort_id
    cohort = db.session.get(Cohort, cohort_id)
    members = db.session.scalar(
        select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort_id)
    )
    counts = {
        name: db.session.scalar(text(sql), {"e": enrolment_id})
        for name, sql in (
            ("sessions", "SELECT count(*) FROM supervision_sessions WHERE enrolment_id = :e"),
            ("reflections", "SELECT count(*) FROM reflections WHERE enrolment_id = :e"),
            ("cases", "SELECT count(*) FROM cases WHERE enrolment_id = :e"),
            (
                "cycles",
                "SELECT count(*) FROM cycles JOIN cases ON cases.id = cycles.case_id "
                "WHERE cases.enrolment_id = :e",
            ),
            (
                "moments",
                "SELECT count(*) FROM moments JOIN films ON films.id = moments.film_id JOIN "
                "cycles ON cycles.id = films.cycle_id JOIN cases ON cases.id = cycles.case_id "
                "WHERE cases.enrolment_id = :e",
            ),
        )
    }
    stage = db.session.scalar(
        text(
            "SELECT s.number FROM enrolment_stages es JOIN stages s ON s.id = es.stage_id "
            "WHERE es.enrolment_id = :e AND es.closed_on IS NULL"
        ),
        {"e": enrolment_id},
    )
    film_moments = db.session.scalar(
        text("SELECT count(*) FROM moments WHERE film_id = :f"), {"f": subjects.film_id}
    )
    supervisees = db.session.scalar(
        text(
            "SELECT count(DISTINCT enrolment_id) FROM supervisor_assignments "
            "WHERE supervisor_id = :s AND ends_on IS NULL"
        ),
        {"s": subjects.supervisor_id},
    )
    return [
        f"  cohort page: cohort {cohort_id} ({cohort.kind.value if cohort else '?'}, "
        f"{members} trainees)",
        f"  enrolment pages: enrolment {enrolment_id} (stage {stage}, "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
        + f"); film {subjects.film_id} ({film_moments} moments)",
        f"  supervisor's home: supervisor {subjects.supervisor_id} ({supervisees} current "
        "supervisees)",
    ]


# -- serving and loading ----------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    cookies: dict[str, str]
    body: bytes


def _http(port: int, method: str, path: str, cookie: str = "", form: dict | None = None) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    cookies: dict[str, str] = {}
    for header in response.msg.get_all("Set-Cookie") or []:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        cookies.update({k: v.value for k, v in parsed.items()})
    reply = Reply(response.status, cookies, response.read())
    connection.close()
    return reply


@contextmanager
def served(url: str) -> Iterator[tuple[int, subprocess.Popen[bytes], Path]]:
    """The app under gunicorn in production settings on a free port, until the block ends."""
    port = free_port()
    log = Path(tempfile.mkdtemp()) / "gunicorn.log"
    env = {
        **os.environ,
        "ATTUNE_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "MAIL_SERVER": "",
        # Several workers need shared limit storage (gunicorn.conf.py refuses memory://); the
        # bench signs in once and measures pages that have no limits, so it turns them off.
        "RATELIMIT_ENABLED": "false",
        # The bench signs in supervisors and coordinators with a password alone.
        "SECOND_FACTOR_REQUIRED_ROLES": "",
        # Production refuses to start without a key to seal clips under; the pages read none.
        "CLIP_KEYS": f"bench={base64.b64encode(os.urandom(32)).decode()}",
    }
    # The production settings file (gunicorn.conf.py) applies; warnings only, no access log.
    options = ["--log-level=warning"]
    with run_gunicorn(env, port, log, WORKERS, THREADS, options, app="bench.served:app") as server:
        yield port, server, log


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def sign_in(port: int, email: str) -> str:
    """Sign in through the login form; the Cookie header to send."""
    page = _http(port, "GET", "/login")
    tag = re.search(rb'<input[^>]*name="csrf_token"[^>]*>', page.body)
    token = re.search(rb'value="([^"]*)"', tag.group(0)) if tag else None
    if token is None:
        raise RuntimeError("no CSRF token on the login page")
    # Production cookies are Secure: a browser would not send them back over plain HTTP, so
    # they are carried by hand here.
    form = {"csrf_token": token.group(1).decode(), "email": email, "password": PASSWORD}
    signed = _http(port, "POST", "/login", f"session={page.cookies['session']}", form)
    if signed.status != 302 or "session" not in signed.cookies:
        raise RuntimeError(f"sign-in failed with status {signed.status}")
    return f"session={signed.cookies['session']}"


WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body)
  if status ~= 200 then not_ok = not_ok + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  local e = summary.errors
  io.write(string.format("BENCH" .. string.rep(" %.0f", 13) .. "\\n",
    summary.requests, summary.duration, summary.bytes, bad, e.connect + e.read + e.write,
    e.timeout, latency.mean, latency:percentile(50), latency:percentile(75),
    latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


@dataclass
class Load:
    requests: int
    seconds: float
    bytes: int
    not_ok: int
    socket_errors: int
    timeouts: int
    mean: float
    p50: float
    p75: float
    p90: float
    p95: float
    p99: float
    max: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(port: int, path: str, cookie: str, seconds: int, connections: int, script: Path) -> Load:
    """Load one URL for `seconds` with wrk; latencies in milliseconds."""
    command = [
        *(["nice", "-n", str(WRK_NICE)] if WRK_NICE else []),
        "wrk",
        f"-t{min(WRK_THREADS, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "60s",
        "--latency",
        "-s",
        str(script),
        "-H",
        f"Cookie: {cookie}",
        f"http://127.0.0.1:{port}{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("BENCH "))
    n = [int(float(x)) for x in line.split()[1:]]
    ms = [x / 1000 for x in n[6:]]
    return Load(n[0], n[1] / 1e6, n[2], n[3], n[4], n[5], *ms)


def _settle(load: Load) -> Load:
    """Wait for the requests wrk left in flight when it stopped to finish on the server."""
    time.sleep(min(10.0, 0.5 + (load.max if load.requests else 10_000) / 1000))
    return load


@dataclass
class Download:
    status: int
    first_byte: float
    total: float
    size: int
    rows: int
    rss_before: dict[int, int]
    rss_peak: dict[int, int]


def download(port: int, path: str, cookie: str, workers: list[int]) -> Download:
    """One full download, timing the first byte and the whole, sampling the workers' memory."""
    before = {pid: _rss_kb(pid) for pid in workers}
    peak = dict(before)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], _rss_kb(pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    began = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    chunks = [response.read(1)]
    first = time.perf_counter() - began
    while chunk := response.read(65536):
        chunks.append(chunk)
    total = time.perf_counter() - began
    connection.close()
    time.sleep(0.05)
    stop.set()
    sampler.join()
    body = b"".join(chunks)
    rows = sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1
    return Download(response.status, first, total, len(body), rows, before, peak)


# -- statements per page ------------------------------------------------------------------------


@dataclass
class Statements:
    """What one request sent to the database."""

    texts: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def slowest(self) -> tuple[float, str, Any]:
        i = max(range(len(self.seconds)), key=self.seconds.__getitem__)
        return self.seconds[i], self.texts[i], self.params[i]


@contextmanager
def recording(app: Flask) -> Iterator[Statements]:
    """Like tests.query_counter.count_queries, also timing each statement."""
    with app.app_context():
        engine = db.engine
    found = Statements()
    started: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany) -> None:
        found.texts.append(statement)
        found.params.append(parameters)
        found.seconds.append(time.perf_counter() - started.pop(id(cursor), time.perf_counter()))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def _short(statement: str, width: int = 96) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@dataclass
class PageStatements:
    count: int
    distinct: int
    repeated: int
    sql_ms: float
    request_ms: float
    most_repeated: str


def statements_per_page(
    url: str, pages: list[Page], accounts: dict[str, str]
) -> dict[str, PageStatements]:
    """Each page once in-process (after a warm-up request): statements, repeats, time."""
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "MAIL_SERVER": "",
        },
    )
    clients = {}
    for role, email in accounts.items():
        clients[role] = app.test_client()
        signed = clients[role].post("/login", data={"email": email, "password": PASSWORD})
        if signed.status_code != 302:
            raise RuntimeError(f"in-process sign-in as {role} failed ({signed.status_code})")
    found_per_page: dict[str, PageStatements] = {}
    slowest: list[tuple[str, float, str, Any]] = []
    for page in pages:
        client = clients[page.role or "coordinator"]
        client.get(page.path).get_data()
        with recording(app) as found:
            began = time.perf_counter()
            response = client.get(page.path)
            response.get_data()
            took = (time.perf_counter() - began) * 1000
        repeats = Counter(found.texts).most_common(1)
        found_per_page[page.label] = PageStatements(
            len(found.texts),
            len(set(found.texts)),
            repeats[0][1] if repeats else 0,
            sum(found.seconds) * 1000,
            took,
            repeats[0][0] if repeats else "",
        )
        if found.texts:
            slowest.append((page.label, *found.slowest()))
    print("slowest statement of each page (in-process, after a warm-up request):")
    for label, seconds, statement, _params in slowest:
        print(f"  {label}: {seconds * 1000:.1f} ms  {_short(statement, 110)}")
    csv_path = next(p.path for p in pages if p.export)
    tracemalloc.start()
    response = clients["coordinator"].get(csv_path)
    size = sum(len(chunk) for chunk in response.response)  # chunk by chunk, as sent
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{csv_path} in-process: peak Python allocation {peak / 2**20:.1f} MiB (tracemalloc) "
        f"while streaming {size / 1024:.0f} KiB"
    )
    if EXPLAIN and url.startswith("postgresql"):
        with app.app_context():
            for label, _seconds, statement, params in slowest:
                plan = db.session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, params
                )
                print(f"-- EXPLAIN ANALYZE, {label}:\n{statement}")
                print("\n".join(row[0] for row in plan))
            db.session.rollback()
    return found_per_page


# -- main -------------------------------------------------------------------------------------


def _environment(url: str) -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    server = db.session.scalar(text("SELECT version()")) if "postgresql" in url else "SQLite"
    import gunicorn as gunicorn_package

    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**30
    return [
        f"machine: {os.cpu_count()} cores ({cpu}), {memory} GiB",
        f"database: {server.split(' on ')[0]}",
        f"server: gunicorn {gunicorn_package.__version__}, {WORKERS} workers x {THREADS} threads "
        "(gthread), ATTUNE_ENV=production, same machine",
        f"load: wrk {wrk_version[1] if len(wrk_version) > 1 else '?'}, {WRK_THREADS} threads, "
        f"{CONNECTIONS} connections, {WARMUP} s warm-up then {DURATION} s per page, signed in "
        f"as a coordinator; the CSV with {CSV_CONNECTIONS} connections for {CSV_DURATION} s"
        + (f"; wrk at niceness {WRK_NICE}" if WRK_NICE else ""),
    ]


def _loadavg() -> str:
    """The 1, 5 and 15-minute load averages: other work on the machine shows here."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _ms(value: float) -> str:
    return f"{value:.1f}"


@dataclass
class Export:
    """One CSV export downloaded alone, several times in a row."""

    first: Download
    cpu_ms: float  # the workers' CPU per download
    complete_ms: float  # the median download
    first_byte_ms: float

    @property
    def rss_growth_mib(self) -> float:
        first = self.first
        return max(first.rss_peak[p] - first.rss_before[p] for p in first.rss_peak) / 1024


def measure_export(port: int, page: Page, cookie: str, workers: list[int]) -> Export:
    times = 5
    got = download(port, page.path, cookie, workers)
    cpu = _cpu_seconds(workers)
    more = [download(port, page.path, cookie, workers) for _ in range(times)]
    used = (_cpu_seconds(workers) - cpu) * 1000 / times
    middle = sorted(more, key=lambda d: d.total)[times // 2]
    return Export(got, used, middle.total * 1000, middle.first_byte * 1000)


def _load(
    port: int,
    page: Page,
    cookie: str,
    script: Path,
    workers: list[int],
    seconds: int = 0,
    warmup: int = WARMUP,
) -> tuple[Load, float]:
    """wrk on one page after a warm-up; the load and the workers' CPU ms per request."""
    seconds, connections = (
        (CSV_DURATION, CSV_CONNECTIONS) if page.export else (seconds or DURATION, CONNECTIONS)
    )
    if warmup:
        _settle(wrk(port, page.path, cookie, warmup, connections, script))
    cpu = _cpu_seconds(workers)
    load = wrk(port, page.path, cookie, seconds, connections, script)
    used = _cpu_seconds(workers) - cpu
    _settle(load)
    return load, used * 1000 / load.requests if load.requests else float("nan")


def _verdict(ratio: float, goal: float) -> str:
    return "yes" if ratio <= goal else "NO"


def report(
    loads: dict[str, tuple[Load, float]],
    paired: dict[str, tuple[Load, float]],
    pages: list[Page],
    exports: dict[str, Export],
    statements: dict[str, PageStatements],
) -> dict[str, dict[str, float]]:
    """The table of pages beside the reference (the one loaded just before each, when paired),
    then the exports; returns the figures."""
    first_load, first_cpu = loads[REFERENCE.label]
    figures: dict[str, dict[str, float]] = {}
    print(
        f"\n{'page':<30}{'as':<12}{'req/s':>7}{'p50':>7}{'p95':>7}{'p95 x':>7}{'CPU ms':>8}"
        f"{'ref ms':>8}{'CPU x':>7}{'SQL':>5}{'rep':>5}  {'CPU<=5x':<8}{'p95<=3x':<8}"
        f"{'non-200':>7}"
    )
    shown = [
        REFERENCE,
        CEILING,
        *[p for p in pages if not p.export],
        *[p for p in pages if p.export and p.label in loads],
    ]
    for page in shown:
        load, cpu = loads[page.label]
        if not load.requests:
            print(f"{page.label:<30}{page.role:<12}  no request completed")
            continue
        ref_load, ref_cpu = paired.get(page.label, (first_load, first_cpu))
        p95x, cpux = load.p95 / ref_load.p95, cpu / ref_cpu
        sql = statements.get(page.label)
        reference = page in (REFERENCE, CEILING)
        bad = load.not_ok + load.socket_errors + load.timeouts
        print(
            f"{page.label:<30}{page.role or '-':<12}{load.rps:>7.0f}{load.p50:>7.1f}"
            f"{load.p95:>7.1f}"
            f"{p95x:>7.1f}{cpu:>8.1f}{ref_cpu:>8.1f}{cpux:>7.1f}{sql.count if sql else '':>5}"
            f"{sql.repeated if sql else '':>5}  "
            f"{'-' if reference or page.export else _verdict(cpux, 5):<8}"
            f"{'-' if reference or page.export else _verdict(p95x, 3):<8}{bad:>7}"
        )
        figures[page.label] = {
            "cpu_ms": cpu,
            "p50": load.p50,
            "p95": load.p95,
            "cpu_x": cpux,
            "p95_x": p95x,
            "ref_cpu_ms": ref_cpu,
            "statements": sql.count if sql else 0,
        }
    print(
        "latencies in ms under wrk; p95 x and CPU x: the page's over the reference's; CPU ms: "
        "the gunicorn workers' user + system CPU per completed request (PostgreSQL's and wrk's "
        "not included); SQL: statements per request, rep: the most any one is repeated"
    )
    again = loads.get("reference, again")
    if again and again[0].requests:
        drift_cpu, drift_p95 = again[1] / first_cpu - 1, again[0].p95 / first_load.p95 - 1
        print(
            f"the reference measured again after the last page: CPU {drift_cpu:+.0%}, p95 "
            f"{drift_p95:+.0%} of its first measurement"
        )
    if paired:
        cpus = sorted(cpu for _load, cpu in paired.values())
        print(
            f"ref ms: the reference loaded for {PAIRED} s just before each page, which that "
            f"page's ratios are taken over; it cost {cpus[0]:.1f} to {cpus[-1]:.1f} ms of CPU "
            "in this run (the machine's drift the pairing takes out)"
        )
    print(
        f"\n{'export':<34}{'rows':>7}{'KiB':>6}{'first byte':>11}{'complete':>9}{'CPU ms':>8}"
        f"{'RSS +MiB':>9}{'SQL':>5}  {'CPU<100':<8}{'<300 ms':<8}"
    )
    for page in pages:
        if page.label not in exports:
            continue
        got = exports[page.label]
        sql = statements.get(page.label)
        print(
            f"{page.label:<34}{got.first.rows:>7}{got.first.size / 1024:>6.0f}"
            f"{got.first_byte_ms:>11.0f}{got.complete_ms:>9.0f}{got.cpu_ms:>8.1f}"
            f"{got.rss_growth_mib:>9.1f}{sql.count if sql else '':>5}  "
            f"{_verdict(got.cpu_ms, 100):<8}{_verdict(got.complete_ms, 300):<8}"
        )
        figures[page.label] = {
            "cpu_ms": got.cpu_ms,
            "complete_ms": got.complete_ms,
            "rows": got.first.rows,
            "rss_mib": got.rss_growth_mib,
            "statements": sql.count if sql else 0,
        }
    print(
        "exports: each downloaded alone 6 times; rows, size and RSS growth (the workers' peak "
        "resident memory while streaming, over before) from the first, the rest the median of "
        "the other 5 and their mean CPU"
    )
    return figures


def main() -> None:
    """Seed, serve, load each page, download each export, count statements; print it all."""
    if os.environ.get("BENCH_SCALES"):
        compare_scales([int(n) for n in os.environ["BENCH_SCALES"].split(",")])
        return
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "MAIL_SERVER": "",
        },
    )
    with app.app_context():
        for line in _environment(url):
            print(line)
        print(f"today (the seed's and the pages'): {TODAY.isoformat()}")
        if not SKIP_SEED:
            _seed_database()
        print("what the coordinator's lists find:")
        for line in _describe_seed():
            print(line)
        subjects = _subjects()
        accounts = _accounts(subjects)
        pages = _pages(subjects)
        for line in _describe_subjects(subjects):
            print(line)
    script = Path(tempfile.mkdtemp()) / "report.lua"
    script.write_text(WRK_SCRIPT)
    loads: dict[str, tuple[Load, float]] = {}
    paired: dict[str, tuple[Load, float]] = {}  # the reference loaded just before each page
    exports: dict[str, Export] = {}
    with served(url) as (port, server, log):
        cookies = {role: sign_in(port, email) for role, email in accounts.items()}
        cookies[""] = ""
        workers = child_pids(server)
        # The exports first, so that the workers' memory has not yet grown for one.
        for page in pages:
            if page.export:
                exports[page.label] = measure_export(port, page, cookies[page.role], workers)
        for page in [REFERENCE, CEILING, *pages]:
            status = _http(port, "GET", page.path, cookies[page.role]).status
            if status != 200:
                raise RuntimeError(f"{page.label} ({page.path}) answered {status}")
        print(f"load average before the runs: {_loadavg()}")
        again = Page("reference, again", REFERENCE.path, "")
        csv_load = next(p for p in pages if p.export)
        for page in [REFERENCE, CEILING, *[p for p in pages if not p.export], csv_load, again]:
            if PAIRED and page not in (REFERENCE, again):
                paired[page.label] = _load(port, REFERENCE, "", script, workers, PAIRED, 0)
            loads[page.label] = _load(port, page, cookies[page.role], script, workers)
        print(f"load average after the runs: {_loadavg()}")
        problems = log.read_text().strip()
    if problems:
        print("gunicorn log (last lines):\n" + "\n".join(problems.splitlines()[-15:]))
    statements = statements_per_page(url, [REFERENCE, *pages], accounts)
    figures = report(loads, paired, [*pages, again], exports, statements)
    for label, found in statements.items():
        if found.repeated > 1:
            print(f"{label}: a statement repeated {found.repeated}x: {_short(found.most_repeated)}")
    if os.environ.get("BENCH_RESULTS"):
        Path(os.environ["BENCH_RESULTS"]).write_text(json.dumps(figures, indent=1))


def _seed_database() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade()
    began = time.perf_counter()
    totals = seed()
    inserted = time.perf_counter() - began
    refresh_all()
    supervision_dates.refresh_all(db.session.connection())
    db.session.commit()
    refreshed = time.perf_counter() - began - inserted
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(
        f"seeded {sum(totals.values()):,} rows in {inserted:.1f} s, expected dates "
        f"refreshed in {refreshed:.1f} s, total with VACUUM ANALYZE "
        f"{time.perf_counter() - began:.1f} s"
    )
    print(
        "rows: "
        + ", ".join(f"{name} {n:,}" for name, n in sorted(totals.items(), key=lambda x: -x[1]))
    )


def _growth(small: dict[str, float], large: dict[str, float], key: str) -> str:
    return f"{large[key] / small[key]:.2f}" if small.get(key) else "-"


def compare_scales(scales: list[int]) -> None:
    """The whole benchmark at each size in turn (a fresh seed each), then each page's cost side
    by side: a page may cost more at a larger size only where it shows more rows."""
    results: dict[int, dict[str, dict[str, float]]] = {}
    for n in scales:
        out = Path(tempfile.mkdtemp()) / f"scale-{n}.json"
        print(f"\n===== {n:,} enrolments =====", flush=True)
        env = {
            **os.environ,
            "BENCH_SCALES": "",
            "BENCH_ENROLMENTS": str(n),
            "BENCH_RESULTS": str(out),
        }
        subprocess.run([sys.executable, "-m", "bench.scale"], env=env, check=True, cwd=ROOT)
        results[n] = json.loads(out.read_text())
    first, last = scales[0], scales[-1]
    print(f"\n===== growth: {first:,} to {last:,} enrolments =====")
    print(f"{'page':<34}{'CPU ms':>8}{'':>8}{'x':>6}{'p95 ms':>8}{'':>8}{'x':>6}{'SQL':>5}{'':>5}")
    for label, small in results[first].items():
        large = results[last].get(label)
        if not large:
            continue

        latency = "p95" if "p95" in small else "complete_ms"
        print(
            f"{label:<34}{small['cpu_ms']:>8.1f}{large['cpu_ms']:>8.1f}"
            f"{_growth(small, large, 'cpu_ms'):>6}"
            f"{small[latency]:>8.1f}{large[latency]:>8.1f}{_growth(small, large, latency):>6}"
            f"{small['statements']:>5.0f}{large['statements']:>5.0f}"
        )
    print("each pair: at the smaller size, at the larger; x: larger over smaller")


if __name__ == "__main__":
    main()
