"""Ratings through the pages: the trainee's own beside the supervisor's, history kept."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Principle, Rating
from tests.builders.signoff import cast
from tests.builders.web import committed, sign_in


@pytest.fixture
def people(app, schemes):
    with committed(app):
        built = cast(complete=False)
        guiding = db.session.scalars(
            select(Principle.id).where(Principle.code == "guiding")
        ).first()
        return {
            "trainee": built.trainee.email,
            "supervisor": built.supervisor.email,
            "stranger": built.stranger.email,
            "enrolment": built.enrolment.id,
            "guiding": guiding,
        }


def _rate(app, email, people, score, comment=""):
    client = app.test_client()
    sign_in(client, email)
    return client.post(
        f"/enrolments/{people['enrolment']}/ratings",
        data={"principle": people["guiding"], "element": 0, "score": score, "comment": comment},
    )


def test_self_and_supervisor_ratings_appear_side_by_side(app, people):
    assert _rate(app, people["trainee"], people, 2, "I rush").status_code == 302
    assert _rate(app, people["supervisor"], people, 3, "Good scaffolding").status_code == 302
    assert _rate(app, people["trainee"], people, 3, "Better now").status_code == 302
    client = app.test_client()
    sign_in(client, people["supervisor"])
    page = client.get(f"/enrolments/{people['enrolment']}/ratings").get_data(as_text=True)
    assert "Better now" in page and "Good scaffolding" in page and "I rush" in page
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 3


def test_bad_ratings_and_strangers_are_refused(app, people):
    assert _rate(app, people["trainee"], people, 9).status_code == 422
    assert _rate(app, people["stranger"], people, 3).status_code == 404
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(Rating)) == 0
