"""Cases and consent through the pages: identifying-text warnings, consent, derived stages."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, Consent
from tests.builders.evidence import build_world
from tests.builders.web import committed, sign_in


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return build_world()


def _count(app, model):
    with committed(app):
        return db.session.scalar(select(func.count()).select_from(model))


def test_case_text_naming_a_child_is_warned_before_saving(app, client, world):
    sign_in(client, world.trainee)
    data = {
        "setting": "family",
        "label": "",
        "helping_question": "How can I help Jamie Smith (DOB 03/04/2019) to settle?",
        "goals": "",
        "started_on": "2026-03-01",
    }
    first = client.post(f"/enrolments/{world.enrolment_id}/cases/new", data=data)
    page = first.get_data(as_text=True)
    assert first.status_code == 422
    assert "“Jamie Smith” looks like a person&#39;s name." in page
    assert "“03/04/2019” is a date" in page
    assert "I have checked: nothing I wrote identifies a client." in page
    assert _count(app, Case) == 1  # only the world's own case: nothing was saved
    rephrased = client.post(
        f"/enrolments/{world.enrolment_id}/cases/new",
        data=data | {"helping_question": "How can I help him to settle?"},
    )
    assert rephrased.status_code == 302
    assert "is open. Record the consent next." in client.get(
        rephrased.headers["Location"]
    ).get_data(as_text=True)


def test_the_label_itself_is_checked_against_the_text(client, world):
    sign_in(client, world.trainee)
    response = client.post(
        f"/enrolments/{world.enrolment_id}/cases/new",
        data={
            "setting": "school",
            "label": "Okafor",
            "helping_question": "Help the Okafor twins",
            "goals": "",
            "started_on": "2026-03-01",
        },
    )
    assert response.status_code == 422
    assert "is this case&#39;s own label" in response.get_data(as_text=True)


def test_a_label_is_not_warned_about_for_being_itself(client, world):
    sign_in(client, world.trainee)
    response = client.post(
        f"/enrolments/{world.enrolment_id}/cases/new",
        data={"setting": "family", "label": "bath time", "started_on": "2026-03-01"},
    )
    assert response.status_code == 302


def test_consent_without_filming_is_refused_and_default_deletion_is_offered(app, client, world):
    sign_in(client, world.trainee)
    form = client.get(f"/cases/{world.case_id}/consents/new").get_data(as_text=True)
    assert "the case&#39;s end plus 2 months" in form
    response = client.post(
        f"/cases/{world.case_id}/consents/new",
        data={"given_by_role": "teacher", "given_on": "2026-03-01", "scopes": ["own_supervisor"]},
    )
    assert response.status_code == 422
    assert "Consent must at least cover filming." in response.get_data(as_text=True)
    assert _count(app, Consent) == 1


def test_each_cycle_shows_the_stage_it_counts_toward(client, world):
    sign_in(client, world.trainee)
    page = client.get(f"/cases/{world.case_id}").get_data(as_text=True)
    assert "stage 1" in page
