"""Trainees record milestones; coordinators record pauses."""

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Milestone, MilestoneKind, Pause, Role
from tests.builders.people import enrolled_trainee, make_user
from tests.builders.web import committed, sign_in


@pytest.fixture
def world(app, schemes):
    """Trainee A with an own supervisor; trainee B and theirs; a coordinator."""
    with committed(app):
        a, b = enrolled_trainee(), enrolled_trainee()
        return SimpleNamespace(
            enrolment=a.id,
            trainee=a.trainee.email,
            supervisor=a.current_assignment.supervisor.email,
            trainee_b=b.trainee.email,
            other_supervisor=b.current_assignment.supervisor.email,
            coordinator=make_user(Role.COORDINATOR).email,
        )


def _milestone(client, world, **changes):
    data = {
        "kind": "document",
        "subtype": "reflective_statement",
        "occurred_on": "2026-10-01",
        "title": "My reflective statement",
    } | changes
    return client.post(f"/enrolments/{world.enrolment}/milestones/new", data=data)


def _pause(client, world, **changes):
    data = {"starts_on": "2026-07-01", "ends_on": "2026-07-31", "reason": "leave"} | changes
    return client.post(f"/enrolments/{world.enrolment}/pauses/new", data=data)


def _count(app, model) -> int:
    with committed(app):
        return db.session.scalar(select(func.count()).select_from(model))


def test_trainee_records_a_document_the_scheme_asks_for(app, client, world):
    sign_in(client, world.trainee)
    form = client.get(f"/enrolments/{world.enrolment}/milestones/new").get_data(as_text=True)
    assert 'value="reflective_statement"' in form and 'value="transition"' in form
    response = _milestone(client, world)
    assert response.status_code == 302
    assert "Document recorded." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _milestone(client, world, other_subtype="case_study").status_code == 302
    intro = {"kind": "intro_session", "subtype": "", "title": ""}
    assert _milestone(client, world, **intro).status_code == 302
    with committed(app):
        rows = db.session.execute(select(Milestone.kind, Milestone.subtype).order_by(Milestone.id))
        assert list(rows) == [
            (MilestoneKind.DOCUMENT, "reflective_statement"),
            (MilestoneKind.DOCUMENT, "case_study"),
            (MilestoneKind.INTRO_SESSION, ""),
        ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"subtype": ""}, "subtype", "Say which document or meeting this is."),
        ({"occurred_on": "2099-01-01"}, "occurred_on", "cannot be in the future"),
        ({"occurred_on": "2025-06-01"}, "occurred_on", "before the enrolment started"),
        ({"kind": "holiday"}, "kind", "Not a valid choice"),
    ],
)
def test_bad_milestones_are_shown_beside_the_field(app, client, world, changes, field, message):
    sign_in(client, world.trainee)
    response = _milestone(client, world, **changes)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert _count(app, Milestone) == 0


def test_identifying_text_in_milestone_notes_is_checked(app, client, world):
    sign_in(client, world.trainee)
    notes = {"notes": "Shown to Jamie Smith first."}
    assert _milestone(client, world, **notes).status_code == 422
    assert _milestone(client, world, confirm_identifying="y", **notes).status_code == 302


def test_coordinator_records_a_pause(app, client, world):
    sign_in(client, world.coordinator)
    assert client.get(f"/enrolments/{world.enrolment}/pauses/new").status_code == 200
    response = _pause(client, world, ends_on="2026-06-01")
    assert response.status_code == 422
    assert 'id="ends_on-error"' in response.get_data(as_text=True)
    assert _pause(client, world, reason="").status_code == 422
    assert _count(app, Pause) == 0
    response = _pause(client, world)
    assert response.status_code == 302
    assert "Pause recorded" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _count(app, Pause) == 1


@pytest.mark.parametrize(
    ("who", "milestone", "pause"),
    [
        ("trainee", 200, 403),
        ("supervisor", 403, 403),
        ("trainee_b", 404, 403),
        ("other_supervisor", 403, 403),
        ("coordinator", 403, 200),
    ],
)
def test_who_records_milestones_and_pauses(app, client, world, who, milestone, pause):
    """Trainees record their own milestones; only coordinators record pauses. A refused role
    answers 403 before anything is looked up, so ids cannot be probed."""
    sign_in(client, getattr(world, who))
    for path, expected in (("milestones", milestone), ("pauses", pause)):
        assert client.get(f"/enrolments/{world.enrolment}/{path}/new").status_code == expected
        made_up = client.get(f"/enrolments/99999/{path}/new").status_code
        assert made_up == (404 if expected == 200 else expected)
    assert _milestone(client, world).status_code == (302 if milestone == 200 else milestone)
    assert _pause(client, world).status_code == (302 if pause == 200 else pause)
