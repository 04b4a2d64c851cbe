"""The portfolio PDF of a complete 18-month record: pages, time to gather the data, to template it,
WeasyPrint's own time for the same HTML, the total, a cached repeat, and peak memory (also for a
portfolio of about 100 pages). Prints figures; asserts nothing.

    .venv/bin/python -m bench.portfolio
"""

import multiprocessing
import os
import resource
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text, update

from app import create_app
from app.documents.pdf import html_to_pdf
from app.documents.portfolio import portfolio_html
from app.extensions import db
from app.models import (
    Cycle,
    Enrolment,
    Film,
    Moment,
    Notification,
    Role,
    Scheme,
    SupervisionSession,
)
from app.models.base import utcnow
from app.services.people import enrolments
from app.services.portfolio.gather import digest_of, gather
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from bench.evidence_pages import PASSWORD, START, TODAY, person, record_evidence, timings

REPEAT = int(os.environ.get("BENCH_REPEAT", "10"))
PARAGRAPH = (
    "We watched the film together and paused where the child looked up. I named what I saw "
    "and waited; the parent took the turn and the child smiled back. Next time I want to give "
    "the parent more time before I speak, and choose fewer moments so each one can land. "
)


def _enrol(name: str, cycles_per_case: int, sessions_n: int) -> Enrolment:
    scheme = db.session.scalars(
        select(Scheme).where(Scheme.code == "aviguk-practitioner", Scheme.offered.is_(True))
    ).first()
    stage = next(s for s in scheme.stages if s.number == 1)
    coordinator = person(Role.COORDINATOR, name)
    enrolment = enrolments.enrol(
        coordinator,
        person(Role.TRAINEE, name),
        scheme,
        START,
        stage,
        person(Role.SUPERVISOR, name),
        TODAY,
    )
    record_evidence(
        enrolment,
        cases_n=9,
        cycles_per_case=cycles_per_case,
        moments_per_film=6,
        sessions_n=sessions_n,
        minutes=60,
        review_films_every=1,
    )
    _realistic_text(enrolment)
    return enrolment


def _realistic_text(enrolment: Enrolment) -> None:
    """Reflections of a paragraph or two, and moment notes of a sentence, as people write."""
    for session in db.session.scalars(
        select(SupervisionSession).where(SupervisionSession.enrolment_id == enrolment.id)
    ):
        session.reflection_before = session.reflection_after = PARAGRAPH
        session.supervisor_reflection = session.supervisor_feedback = PARAGRAPH * 2
    moments = select(Moment).join(Film).join(Cycle).where(Cycle.case.has(enrolment=enrolment))
    for moment in db.session.scalars(moments):
        moment.note = "She looked up and he waited; the turn came back to her."


def _seed() -> dict[str, int]:
    load_definitions(None, default_schemes_dir())
    full = _enrol("main", cycles_per_case=3, sessions_n=23)
    large = _enrol("large", cycles_per_case=6, sessions_n=100)  # for a portfolio of ~100 pages
    # The bench has no mail server: count the seed's notifications as sent, or every request
    # would try them again.
    db.session.execute(update(Notification).values(emailed_at=utcnow()))
    db.session.commit()
    return {"full": full.id, "large": large.id}


def _render_in_child(url: str, enrolment_id: int, out: Any) -> None:
    """Gather and render in a fresh process, reporting pages, seconds and its peak memory."""
    app = _app(url)
    with app.test_request_context():
        began = time.perf_counter()
        enrolment = db.session.get(Enrolment, enrolment_id)
        data = gather(enrolment, TODAY)
        pdf, pages = html_to_pdf(portfolio_html(data, digest_of(data), datetime.now(UTC)))
        seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put((pages, len(pdf), seconds, peak_mb))


def _app(url: str) -> Flask:
    return create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "MAIL_SERVER": "",
            "JOBS_BACKEND": "inline",  # the first ask renders at once, so it can be timed
        },
    )


def _isolated(url: str, enrolment_id: int) -> tuple[int, int, float, float]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    child = context.Process(target=_render_in_child, args=(url, enrolment_id, out))
    child.start()
    result = out.get()
    child.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    """Seed, then measure and print."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = _app(url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        ids = _seed()
        print(f"database: {db.engine.dialect.name}")
    with app.test_request_context():
        enrolment = db.session.get(Enrolment, ids["full"])
        data = gather(enrolment, TODAY)
        t = data.totals
        print(
            f"full record: {t.cases} cases, {t.cycles} cycles, {t.films} films, {t.moments} "
            f"moments, {t.sessions} sessions ({t.confirmed_minutes / 60:.0f} h) with reflections"
        )
        digest = digest_of(data)
        html = portfolio_html(data, digest, datetime.now(UTC))
        html_to_pdf(html)  # warm: WeasyPrint's import and font configuration, once per worker
        gathering = timings(lambda: digest_of(gather(enrolment, TODAY)), REPEAT)
        templating = timings(lambda: portfolio_html(data, digest, datetime.now(UTC)), REPEAT)
        weasy = timings(lambda: html_to_pdf(html), max(REPEAT // 3, 3))
        pages = html_to_pdf(html)[1]
    client = app.test_client()
    client.post("/login", data={"email": "traineemain@bench.test", "password": PASSWORD})
    began = time.perf_counter()
    first = client.post(f"/enrolments/{ids['full']}/portfolio")
    total = (time.perf_counter() - began) * 1000
    location = first.headers["Location"]

    def cached_download() -> None:
        asked = client.post(f"/enrolments/{ids['full']}/portfolio")
        assert asked.headers["Location"] == location, "the evidence changed"
        response = client.get(f"{location}/pdf")
        response.get_data()
        response.close()

    cached = timings(cached_download, REPEAT * 2)
    overhead = (gathering[0] + templating[0]) / weasy[0] * 100
    print(f"pages: {pages}")
    print(f"{'step':<44}{'median ms':>10}{'p95 ms':>10}")
    for label, (median, p95) in (
        ("gather the data + digest", gathering),
        ("template the HTML", templating),
        ("WeasyPrint (same HTML)", weasy),
        ("cached repeat (ask + download, over HTTP)", cached),
    ):
        print(f"{label:<44}{median:>10.1f}{p95:>10.1f}")
    print(f"{'total, first ask (gather, render, store)':<44}{total:>10.1f}")
    print(f"gathering + templating add {overhead:.1f}% to WeasyPrint's time (goal < 15%)")
    for name in ("full", "large"):
        pages, size, seconds, peak = _isolated(url, ids[name])
        print(
            f"{name} record in a fresh process: {pages} pages, {size / 1024:.0f} KB, "
            f"{seconds:.2f} s, peak memory {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
