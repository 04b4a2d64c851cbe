"""The demo trainee's portfolio, seeded as `make run` seeds it, prepared through the app and read
back from the PDF: pages that are not left nearly empty, a case's heading on every page its
cycles continue on, the ratings and moments tables, supervision hours per stage, and nothing of
the trainee's own cycle notes."""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from babel.dates import format_date
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import (
    Case,
    Cycle,
    Enrolment,
    Film,
    Moment,
    PortfolioDocument,
    Principle,
    SessionStatus,
    SupervisionSession,
    User,
)
from app.models.base import utcnow
from app.services.evidence import films
from app.services.portfolio.entries import PortfolioData
from app.services.portfolio.gather import gather
from app.services.progress.text import format_minutes
from tests.builders.web import sign_in
from tests.databases import fresh_database, worker_id
from tests.documents.reading import POINTS_PER_MM, draw_pages, ink_box, page_texts
from tests.smtp_server import Inbox

TRAINEE = "trainee@attune.demo"
PASSWORD = "demo-trainee-pass"
PRIVATE_NOTE = "Only for me: I felt unsure and rushed the review"
SCALE = 1.5  # pixels per point of the drawn pages


@dataclass
class Demo:
    """The rendered portfolio, what it was rendered from, and the database's own counts."""

    pdf: bytes
    recorded_pages: int
    data: PortfolioData
    moments_by_principle: dict[int, int]
    sessions: int
    minutes: int
    confirmed_minutes: int
    note_stored: bool


def _counts(enrolment: Enrolment) -> tuple[dict[int, int], tuple[int, int, int]]:
    """Moments per principle number, and sessions, minutes, confirmed minutes, straight from
    the tables (not through the portfolio service)."""
    moments = db.session.execute(
        select(Principle.number, func.count(Moment.id))
        .join(Moment, Moment.principle_id == Principle.id)
        .join(Film, Film.id == Moment.film_id)
        .join(Cycle, Cycle.id == Film.cycle_id)
        .join(Case, Case.id == Cycle.case_id)
        .where(Case.enrolment_id == enrolment.id)
        .group_by(Principle.number)
    ).all()
    rows = db.session.scalars(
        select(SupervisionSession).where(SupervisionSession.enrolment_id == enrolment.id)
    ).all()
    confirmed = sum(s.minutes for s in rows if s.status is SessionStatus.CONFIRMED)
    return dict(moments), (len(rows), sum(s.minutes for s in rows), confirmed)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, smtp: Inbox) -> Iterator[Demo]:
    """The demo seeded into a database of its own, a private note written on the trainee's
    latest cycle through the service, and the portfolio prepared and downloaded as the trainee."""
    url = fresh_database(
        os.environ.get("TEST_DATABASE_URL"),
        f"documents_{worker_id()}",
        tmp_path_factory.mktemp("documents"),
    )
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
            "WTF_CSRF_ENABLED": False,
        },
    )
    with app.app_context():
        upgrade()
        seeded = app.test_cli_runner().invoke(args=["seed-demo"])
        assert seeded.exit_code == 0, seeded.output
        trainee = db.session.scalar(select(User).where(User.email == TRAINEE))
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.trainee_id == trainee.id))
        latest = db.session.scalars(
            select(Cycle)
            .join(Case)
            .where(Case.enrolment_id == enrolment.id)
            .order_by(Cycle.filmed_on.desc())
        ).first()
        today = utcnow().date()
        films.save_cycle(
            trainee,
            latest.case,
            latest.filmed_on,
            latest.micro_analysis_done,
            latest.shared_review_on,
            latest.review_filmed,
            PRIVATE_NOTE,
            today,
            cycle=latest,
        )
        db.session.commit()
        enrolment_id, cycle_id = enrolment.id, latest.id
    client = app.test_client()
    sign_in(client, TRAINEE, PASSWORD)
    asked = client.post(f"/enrolments/{enrolment_id}/portfolio")
    assert asked.status_code == 302, asked.status_code
    document_id = int(asked.headers["Location"].rsplit("/", 1)[1])
    response = client.get(f"/portfolios/{document_id}/pdf")
    assert response.status_code == 200
    pdf = response.get_data()
    response.close()
    with app.test_request_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        moments, (sessions, minutes, confirmed) = _counts(enrolment)
        yield Demo(
            pdf=pdf,
            recorded_pages=db.session.get(PortfolioDocument, document_id).pages,
            data=gather(enrolment, today),
            moments_by_principle=moments,
            sessions=sessions,
            minutes=minutes,
            confirmed_minutes=confirmed,
            note_stored=db.session.scalar(select(Cycle.notes).where(Cycle.id == cycle_id))
            == PRIVATE_NOTE,
        )
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def texts(demo: Demo) -> list[str]:
    return page_texts(demo.pdf)


def _day(value) -> str:
    """A date as the portfolio prints it (the app's medium format, British English)."""
    return format_date(value, "medium", locale="en_GB")


def test_the_portfolio_runs_on_without_nearly_empty_pages(demo, texts):
    pages = draw_pages(demo.pdf, "portfolio", scale=SCALE)
    assert len(pages) == len(texts) == demo.recorded_pages
    # The old layout began every section on a page of its own: 12 pages for this record, four
    # of them holding a few lines each.
    assert len(pages) <= 9
    # Every page but the last is filled at least half way down its body (the page header and
    # footer, in the margins, are left out of the measure).
    width, height = pages[0].size
    top, bottom = (round(mm * POINTS_PER_MM * SCALE) for mm in (20, 18))
    for number, page in enumerate(pages[:-1], start=1):
        body = page.crop((0, top, width, height - bottom))
        box = ink_box(body)
        assert box is not None, f"page {number} is blank"
        assert box[3] > 0.5 * body.size[1], f"page {number} is left more than half empty"


def test_a_case_heading_repeats_on_every_page_its_cycles_continue_on(demo, texts):
    headings = {case.code: case for case in demo.data.cases}
    cycle_lines = {
        f"Cycle {cycle.number} · filmed {_day(cycle.filmed_on)}": case.code
        for case in demo.data.cases
        for cycle in case.cycles
    }
    assert len(cycle_lines) == sum(len(c.cycles) for c in demo.data.cases), "ambiguous lines"
    pattern = re.compile("|".join(re.escape(k) for k in [*headings, *cycle_lines]))
    pages_of: dict[str, set[int]] = {code: set() for code in headings}
    for number, text in enumerate(texts, start=1):
        current = None
        for found in pattern.finditer(text):
            if found.group() in headings:
                current = found.group()
                pages_of[current].add(number)
            else:
                owner = cycle_lines[found.group()]
                assert current == owner, f"{found.group()} on page {number} has no heading above"
    assert any(len(pages) > 1 for pages in pages_of.values()), "no case continues on a new page"


def test_ratings_are_a_table_of_each_principle_both_sides_with_dates(demo, texts):
    text = " ".join(texts)
    assert "Latest rating of each principle" in text
    assert "Principle Trainee's own rating Own supervisor's rating" in text
    rated = 0
    for p in demo.data.principles:
        cells = []
        for r in (p.latest_self, p.latest_supervisor):
            cells.append(f"{r.score}/5 {_day(r.rated_on)} · stage {r.stage_number}" if r else "—")
        rated += p.latest_self is not None
        assert f"{p.number}. {p.name} {cells[0]} {cells[1]}" in text, p.name
    assert rated >= 2
    assert "Every rating, oldest first" in text
    assert "Date Stage Self Supervisor Element and comment" in text


def test_supervision_hours_are_totalled_per_stage_and_overall(demo, texts):
    text = " ".join(texts)
    assert "Counted toward Sessions Hours logged Hours confirmed" in text
    rows = demo.data.hours_by_stage
    assert len([r for r in rows if r.stage_number]) >= 2  # the demo has supervision in two stages
    for r in rows:
        label = f"Stage {r.stage_number}" if r.stage_number else "No stage"
        figures = f"{r.sessions} {format_minutes(r.minutes)} {format_minutes(r.confirmed_minutes)}"
        assert re.search(rf"{label}[^0-9]*? {re.escape(figures)}", text), label
    # The overall row holds what the database holds, summed without the portfolio's help.
    overall = (
        f"Overall {demo.sessions} {format_minutes(demo.minutes)} "
        f"{format_minutes(demo.confirmed_minutes)}"
    )
    assert overall in text
    assert sum(r.sessions for r in rows) == demo.sessions


def test_a_summary_counts_the_moments_of_each_principle_over_all_films(demo, texts):
    text = " ".join(texts)
    assert "Moments by principle" in text
    assert "Principle Moments Films marked" in text
    principles = demo.data.principles
    assert len(principles) >= 6
    for p in principles:
        expected = demo.moments_by_principle.get(p.number, 0)
        assert re.search(rf"{p.number}\. {re.escape(p.name)} {expected} \d+", text), p.name
    total = sum(demo.moments_by_principle.values())
    assert total > 0
    assert f"All principles {total} of {demo.data.totals.films} films" in text


def test_the_trainees_own_cycle_notes_are_not_printed(demo, texts):
    assert demo.note_stored  # the note is there to be left out
    text = " ".join(texts)
    assert "Only for me" not in text and "rushed the review" not in text
    assert "Tess Trainee" in texts[0]


def test_the_charts_of_the_pages_are_drawn_in_the_portfolio_too(texts):
    whole = " ".join(texts)
    assert "Confirmed supervision by month" in whole
    assert "Over time" in whole and "own rating" in whole and "supervisor" in whole
    # The bars' month labels and the ratings' scale are drawn as text in the PDF.
    assert "Feb" in whole and all(f" {n} " in f" {whole} " for n in "12345")
