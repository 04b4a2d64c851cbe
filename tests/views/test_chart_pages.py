"""Charts on the pages, drawn from the record: supervision by month against the pace needed on
the enrolment page, ratings over time per principle, and the pipeline's funnel by stage."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.i18n import in_locale, person_locale
from app.models import Enrolment, Rating, RatingKind
from app.services.coordination import pipeline
from app.services.progress.snapshots import progress_for
from app.services.signoff import ratings
from app.web.progress_charts import pipeline_funnels, rating_charts, supervision_by_month
from tests.builders.signoff import cast
from tests.builders.web import client_as, committed


@pytest.fixture
def people(app, schemes):
    with committed(app):
        made = cast()
        principle = made.enrolment.scheme.framework.principles[0]
        day = date(2026, 3, 2)
        ratings.rate(made.trainee, made.enrolment, principle, None, 2, "", [], day)
        ratings.rate(made.supervisor, made.enrolment, principle, None, 3, "", [], day)
        return {
            "enrolment": made.enrolment.id,
            "trainee": made.trainee.email,
            "coordinator": made.coordinator.email,
            "principle": principle.name,
        }


def test_supervision_by_month_counts_confirmed_hours_against_the_stage_pace(app, people):
    with app.test_request_context():
        enrolment = db.session.get(Enrolment, people["enrolment"])
        today = date(2026, 4, 30)
        chart = supervision_by_month(enrolment, progress_for(enrolment, today), today)
    assert chart is not None
    # Sessions every ten days from Jan 25: one in January, three in February and March.
    assert [b.words for b in chart.bars] == [
        "January 2026: 1 h",
        "February 2026: 3 h",
        "March 2026: 3 h",
        "April 2026: 0 h",
    ]
    assert chart.reference is not None and "pace needed" in chart.reference.label


def test_the_pages_draw_their_charts_with_a_text_alternative(app, people):
    trainee = client_as(app, people["trainee"])
    page = trainee.get(f"/enrolments/{people['enrolment']}").get_data(as_text=True)
    assert 'aria-labelledby="supervision-by-month-title supervision-by-month-desc"' in page
    assert "Confirmed supervision by month, this stage" in page
    page = trainee.get(f"/enrolments/{people['enrolment']}/ratings").get_data(as_text=True)
    assert f"Ratings of {people['principle']} over time" in page
    assert "own rating: 2 (2 Mar 2026)" in page and "supervisor: 3 (2 Mar 2026)" in page
    coordinator = client_as(app, people["coordinator"])
    page = coordinator.get("/coordination").get_data(as_text=True)
    assert "active enrolments by stage, and accredited" in page and 'id="funnel-' in page


def test_rating_and_funnel_charts_follow_the_record(app, people):
    with app.test_request_context():
        enrolment = db.session.get(Enrolment, people["enrolment"])
        history = list(db.session.scalars(select(Rating).order_by(Rating.id)))
        charts = rating_charts(enrolment.scheme.framework.principles, history)
        assert [p.name for p, _chart in charts] == [people["principle"]]
        ((_principle, chart),) = charts
        assert [s.name for s in chart.series] == ["own rating", "supervisor"]
        assert {r.kind for r in history} == {RatingKind.SELF, RatingKind.SUPERVISOR}
        ((scheme, funnel),) = pipeline_funnels(pipeline.counts_by_scheme_and_stage())
        counts = {b.words.rsplit(": ", 1)[0]: int(b.words.rsplit(": ", 1)[1]) for b in funnel.bars}
        assert counts["Stage 1"] == 1 and sum(counts.values()) == scheme.active + scheme.accredited


def test_hours_are_written_as_the_reader_writes_numbers(app, people):
    """A fraction of an hour in Dutch takes a decimal comma ("1,2 u"), not Python's point."""
    with app.test_request_context(), in_locale(person_locale("nl")):
        enrolment = db.session.get(Enrolment, people["enrolment"])
        today = date(2026, 4, 30)
        chart = supervision_by_month(enrolment, progress_for(enrolment, today), today)
    assert chart is not None and chart.reference is not None
    assert chart.reference.label == "benodigd tempo: 1,2 u per maand"
