"""Coordinators enrol trainees and change supervisors through the pages."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Enrolment, Role, SupervisorAssignment
from tests.builders.people import current_scheme, make_user, stage_of
from tests.builders.signoff import accredited_world
from tests.builders.web import committed, sign_in


@pytest.fixture
def cast(app, schemes):
    with committed(app):
        scheme = current_scheme()
        return {
            "coordinator": make_user(Role.COORDINATOR, email="c@example.org"),
            "trainee": make_user(Role.TRAINEE, name="Tess Trainee"),
            "first": make_user(Role.SUPERVISOR, name="Sam First"),
            "second": make_user(Role.SUPERVISOR, name="Sue Second"),
            "stage_one": stage_of(scheme, 1),
        }


def _enrol(client, cast, **overrides):
    data = {
        "first_stage": cast["stage_one"].id,
        "started_on": "2026-01-05",
        "supervisor": cast["first"].id,
    } | overrides
    return client.post(f"/enrolments/new/{cast['trainee'].id}", data=data)


def test_enrol_then_change_supervisor_through_the_pages(app, client, cast):
    sign_in(client, "c@example.org")
    form = client.get(f"/enrolments/new/{cast['trainee'].id}").get_data(as_text=True)
    assert "<optgroup" in form and "Stage 1" in form and "Sam First" in form
    response = _enrol(client, cast)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tess Trainee is enrolled." in page
    assert "Sam First" in page

    enrolment_path = response.headers["Location"]
    # The change has a page of its own, linked from the enrolment, the current one chosen.
    assert f'href="{enrolment_path}/supervisor"' in page
    form = client.get(f"{enrolment_path}/supervisor").get_data(as_text=True)
    assert f'<option selected value="{cast["first"].id}">Sam First</option>' in form
    assert "Tess Trainee" in form
    response = client.post(
        f"{enrolment_path}/supervisor",
        data={"supervisor": cast["second"].id, "from_date": "2026-03-01"},
    )
    assert response.status_code == 302
    page = client.get(enrolment_path).get_data(as_text=True)
    assert "Sue Second is now the own supervisor." in page
    assert "28 Feb 2026" in page  # the first supervisor's period ends the day before
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(SupervisorAssignment)) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"started_on": "not a date"}, "Give a date like 2026-09-01."),
        ({"started_on": "2031-01-01"}, "no more than a year ahead"),
        ({"first_stage": "99999"}, "Not a valid choice"),
        ({"supervisor": ""}, "Choose a supervisor."),
    ],
)
def test_bad_enrolments_are_shown_beside_the_field_and_save_nothing(
    app, client, cast, overrides, message
):
    sign_in(client, "c@example.org")
    response = _enrol(client, cast, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_bad_supervisor_change_keeps_the_history(app, client, cast):
    sign_in(client, "c@example.org")
    path = _enrol(client, cast).headers["Location"]
    response = client.post(
        f"{path}/supervisor", data={"supervisor": cast["second"].id, "from_date": "2025-12-01"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "must come after the current assignment began" in page
    assert "<h1>Change own supervisor</h1>" in page  # the form again, with the choice kept
    assert f'<option selected value="{cast["second"].id}">' in page
    with committed(app):
        [only] = db.session.scalars(select(SupervisorAssignment)).all()
        assert only.ends_on is None and only.starts_on == date(2026, 1, 5)


def test_supervisor_and_trainee_see_the_enrolment_on_their_home_pages(client, cast, app):
    coordinator_client = app.test_client()
    sign_in(coordinator_client, "c@example.org")
    _enrol(coordinator_client, cast)
    sign_in(client, cast["first"].email)
    assert "Tess Trainee" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    sign_in(client, cast["trainee"].email)
    home = client.get("/").get_data(as_text=True)
    assert "Stage 1" in home and "Sam First" in home


def test_people_list_is_searchable_and_paginated(app, client, cast):
    with committed(app):
        for n in range(30):
            make_user(Role.TRAINEE, name=f"Paged {n:02d}")
    sign_in(client, "c@example.org")
    first = client.get("/people?q=paged").get_data(as_text=True)
    assert "Paged 00" in first and "Paged 24" in first and "Paged 25" not in first
    assert "Page 1 of 2" in first
    second = client.get("/people?q=paged&page=2").get_data(as_text=True)
    assert "Paged 25" in second and "Paged 29" in second
    supervisors = client.get("/people?role=supervisor").get_data(as_text=True)
    assert "Sam First" in supervisors and "Tess Trainee" not in supervisors


def test_an_enrolment_accredited_by_exception_says_so_instead_of_listing_work_to_do(app, schemes):
    with committed(app):
        world = accredited_world()  # the final stage ratified by exception: "test: final stage"
    client = app.test_client()
    sign_in(client, world["trainee"])
    page = client.get(f"/enrolments/{world['enrolment']}").get_data(as_text=True)
    assert "<dt>Status</dt><dd>Accredited by exception: test: final stage</dd>" in page
    final = page.split('id="stage-3"')[1]
    assert "Signed off by exception.</strong> Reason: test: final stage" in final
    assert 'class="req-missing"' not in final and "still to do" not in final
    assert final.count("Not required: signed off by exception.") >= 1
    # The stages signed off on their evidence say nothing of an exception.
    assert "Signed off by exception" not in page.split('id="stage-3"')[0]
    assert "Expected to finish by" not in page  # the pathway is finished


def test_hostile_bytes_on_the_supervisor_page_are_refused_beside_the_fields(app, client, cast):
    sign_in(client, "c@example.org")
    path = _enrol(client, cast).headers["Location"]
    response = client.post(
        f"{path}/supervisor", data={"supervisor": "1\x00", "from_date": "2026-03-01\x00"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<h1>Change own supervisor</h1>" in page
    assert "Traceback" not in page
    with committed(app):
        [only] = db.session.scalars(select(SupervisorAssignment)).all()
        assert only.ends_on is None
