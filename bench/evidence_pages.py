"""Latency of the evidence pages and of the progress evaluation, for a trainee with a complete
18-month record among 500 other trainees. Prints figures; asserts nothing."""

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta

from flask_migrate import upgrade
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.models import (
    Case,
    CaseSetting,
    ConsentScope,
    Cycle,
    Enrolment,
    Film,
    FilmKind,
    Role,
    Scheme,
    SupervisorGrade,
    User,
)
from app.services.evidence import cases, films, reflections
from app.services.people import directory, enrolments
from app.services.progress.evaluate import evaluate
from app.services.progress.snapshots import load_snapshot
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.supervision import sessions as supervision
from app.services.supervision.sessions import SessionDetails

TODAY = date(2026, 11, 24)
START = TODAY - timedelta(days=548)
PASSWORD = "bench password 1"
OTHERS = int(os.environ.get("BENCH_OTHERS", "500"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
SCOPES = {ConsentScope.FILMING, ConsentScope.OWN_SUPERVISOR}


def person(role: Role, n: str) -> User:
    grade = SupervisorGrade.SUPERVISOR if role is Role.SUPERVISOR else None
    password = PASSWORD if n == "main" else None
    return directory.create_person(
        None, f"{role.value}{n}@bench.test", f"{role.value} {n}", [role], grade, password
    )


def record_evidence(
    enrolment: Enrolment,
    cases_n: int,
    cycles_per_case: int,
    moments_per_film: int,
    sessions_n: int,
    minutes: int,
    review_films_every: int = 2,
) -> None:
    """Cases, cycles with films (a filmed review every `review_films_every` cycles), moments,
    confirmed sessions with both sides' notes, and a shared reflection every third session."""
    trainee = enrolment.trainee
    supervisor = enrolment.current_assignment.supervisor
    principles = enrolment.scheme.framework.principles
    for c in range(cases_n):
        start = START + timedelta(days=5 + c * 50)
        case = cases.create_case(
            trainee, enrolment, CaseSetting.FAMILY, "", "How can I?", "", start, None, TODAY
        )
        consent = cases.add_consent(trainee, case, "parent", start, SCOPES, None, TODAY)
        for y in range(cycles_per_case):
            filmed = start + timedelta(days=y * 14)
            cycle = films.save_cycle(
                trainee, case, filmed, True, filmed + timedelta(days=4), True, "", TODAY
            )
            for kind in (FilmKind.INTERACTION, FilmKind.SHARED_REVIEW)[
                : 1 + (y % review_films_every == 0)
            ]:
                film = films.save_film(trainee, cycle, kind, filmed, 1200, "drive", consent, TODAY)
                for m in range(moments_per_film):
                    films.add_moment(
                        trainee,
                        film,
                        m * 60_000,
                        m * 60_000 + 9_000,
                        principles[m % len(principles)],
                        None,
                        "noticed",
                    )
    for s in range(sessions_n):
        day = START + timedelta(days=10 + s * (530 // max(sessions_n, 1)))
        session = supervision.save_session(
            trainee,
            enrolment,
            SessionDetails(
                supervisor, day, minutes, False, s % 2 == 0, False, "before", "after", "next"
            ),
            TODAY,
        )
        supervision.confirm_session(supervisor, session)
        if s % 3 == 0:
            reflections.write_reflection(
                trainee, enrolment, day, "R", "thinking", False, TODAY, session
            )


def seed() -> dict[str, int]:
    """One full record (9 cases, 27 cycles, ~40 films, ~300 moments, 23 h) and 500 others."""
    load_definitions(None, default_schemes_dir())
    scheme = db.session.scalars(
        select(Scheme).where(Scheme.code == "aviguk-practitioner", Scheme.offered.is_(True))
    ).first()
    stage = next(s for s in scheme.stages if s.number == 1)
    coordinator = person(Role.COORDINATOR, "main")
    supervisor = person(Role.SUPERVISOR, "main")
    main = enrolments.enrol(
        coordinator, person(Role.TRAINEE, "main"), scheme, START, stage, supervisor, TODAY
    )
    record_evidence(
        main, cases_n=9, cycles_per_case=3, moments_per_film=7, sessions_n=23, minutes=60
    )
    supervisors = [supervisor] + [person(Role.SUPERVISOR, str(i)) for i in range(20)]
    for i in range(OTHERS):
        other = enrolments.enrol(
            coordinator,
            person(Role.TRAINEE, str(i)),
            scheme,
            START,
            stage,
            supervisors[i % len(supervisors)],
            TODAY,
        )
        record_evidence(
            other, cases_n=2, cycles_per_case=2, moments_per_film=1, sessions_n=4, minutes=90
        )
        if i % 50 == 0:
            db.session.commit()
    db.session.commit()
    film_id = db.session.scalar(
        select(Film.id).join(Cycle).join(Case).where(Case.enrolment_id == main.id).limit(1)
    )
    return {"enrolment": main.id, "film": film_id}


def timings(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    """Seed, then measure and print."""
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
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        began = time.perf_counter()
        ids = seed()
        print(
            f"database: {db.engine.dialect.name}; seeded 1 full record + {OTHERS} trainees "
            f"in {time.perf_counter() - began:.1f} s"
        )
        enrolment = db.session.get(Enrolment, ids["enrolment"])
        snapshot = load_snapshot(enrolment, TODAY)
        print(
            f"full record: {len(snapshot.cycles)} cycles, {len(snapshot.sessions)} sessions, "
            f"{sum(s.minutes for s in snapshot.sessions)} minutes"
        )
        load = timings(lambda: load_snapshot(enrolment, TODAY), REPEAT * 3)
        pure = timings(lambda: evaluate(snapshot), REPEAT * 3)
        print(
            f"progress: load snapshot median {load[0]:.2f} ms p95 {load[1]:.2f} ms; "
            f"evaluate median {pure[0]:.2f} ms p95 {pure[1]:.2f} ms"
        )
    pages = {
        "trainee home": ("trainee", "/"),
        "supervisor home (25 supervisees)": ("supervisor", "/"),
        "progress page": ("trainee", f"/enrolments/{ids['enrolment']}"),
        "cases list": ("trainee", f"/enrolments/{ids['enrolment']}/cases"),
        "sessions list": ("trainee", f"/enrolments/{ids['enrolment']}/sessions"),
        "reflections list": ("trainee", f"/enrolments/{ids['enrolment']}/reflections"),
        "film page": ("trainee", f"/films/{ids['film']}"),
        "coordinator enrolments list": ("coordinator", "/enrolments"),
    }
    clients = {}
    for who in ("trainee", "supervisor", "coordinator"):
        client = app.test_client()
        response = client.post(
            "/login", data={"email": f"{who}main@bench.test", "password": PASSWORD}
        )
        assert response.status_code == 302, who
        clients[who] = client
    print(f"{'page':<36}{'median ms':>10}{'p95 ms':>10}")
    for name, (who, path) in pages.items():

        def fetch(client=clients[who], path=path):
            response = client.get(path)
            assert response.status_code == 200, path

        fetch()
        median, p95 = timings(fetch, REPEAT)
        print(f"{name:<36}{median:>10.1f}{p95:>10.1f}")


if __name__ == "__main__":
    main()
