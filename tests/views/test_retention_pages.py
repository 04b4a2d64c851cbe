"""The retention page for coordinators, the trainee's confirmation on the film page, and the
`retention delete-due` command."""

import io
from datetime import date

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Consent, Film, User
from app.services.evidence import cases, clips
from app.services.privacy import retention
from app.storage import clip_storage
from tests.builders.clips import failing_deletes
from tests.builders.evidence import TODAY, build_world, mp4_bytes
from tests.builders.web import client_as, committed

CONFIRM = "I have deleted the footage kept elsewhere"


@pytest.fixture
def app_settings(request, app_settings, tmp_path):
    """Clips in a folder; in a real S3 server where a test asks for "s3"."""
    app_settings.update(CLIP_STORAGE_DIR=str(tmp_path / "clips"))
    if getattr(request, "param", "local") == "s3":
        server = request.getfixturevalue("s3_server")
        app_settings.update(server.settings(server.new_prefix()))
    return app_settings


@pytest.fixture
def world(app, schemes):
    """The evidence world with a clip on its film, whose consent was withdrawn on 20 Nov."""
    with committed(app):
        world = build_world()
        film = db.session.get(Film, world.film_id)
        trainee = film.cycle.case.enrolment.trainee
        stream = io.BytesIO(mp4_bytes(2_000))
        clips.attach_clip(trainee, film, stream, clip_storage(), 10_000, ("video/mp4",))
        consent = db.session.get(Consent, world.consent_id)
        cases.withdraw_consent(trainee, consent, date(2026, 11, 20), set(), TODAY)
        world.case_code = film.cycle.case.code
        world.trainee_name = trainee.display_name
    return world


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def _delete_due(app):
    with committed(app):
        return len(retention.delete_due(TODAY, clip_storage()).deleted)


def _confirmations(app) -> int:
    with committed(app):
        query = select(func.count()).where(AuditEvent.action == "footage.deletion_confirmed")
        return db.session.scalar(query)


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("trainee", 403), ("supervisor", 403), ("other_trainee", 403)],
)
def test_only_coordinators_see_the_retention_page(app, world, who, status):
    client = client_as(app, getattr(world, who))
    assert client.get("/retention").status_code == status
    assert ('href="/retention"' in client.get("/").get_data(as_text=True)) is (status == 200)


def test_the_retention_page_is_for_signed_in_people(client, world):
    response = client.get("/retention")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_retention_page_lists_due_clips_then_those_awaiting_confirmation(app, world):
    client = client_as(app, world.coordinator)
    page = client.get("/retention").get_data(as_text=True)
    due, awaiting = page.split("awaiting the trainee")
    assert world.case_code in due and world.trainee_name in due
    assert "consent withdrawn" in due and "20 Nov 2026" in due
    assert "Every trainee has confirmed." in awaiting
    _delete_due(app)
    page = client.get("/retention").get_data(as_text=True)
    due, awaiting = page.split("awaiting the trainee")
    assert "No clips are due for deletion." in due
    assert world.case_code in awaiting and "employer&#39;s secure drive" in awaiting


def test_the_trainee_confirms_the_footage_is_deleted(app, world):
    _delete_due(app)
    client = client_as(app, world.trainee)
    page = client.get(f"/films/{world.film_id}").get_data(as_text=True)
    assert CONFIRM in page and "employer&#39;s secure drive" in page
    response = client.post(f"/films/{world.film_id}/footage-deleted")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/films/{world.film_id}"
    assert _confirmations(app) == 1
    page = client.get(f"/films/{world.film_id}").get_data(as_text=True)
    assert CONFIRM not in page and "confirmed on" in page
    client.post(f"/films/{world.film_id}/footage-deleted")  # twice: refused, not recorded
    assert _confirmations(app) == 1
    coordinator_page = client_as(app, world.coordinator).get("/retention").get_data(as_text=True)
    assert "Every trainee has confirmed." in coordinator_page


@pytest.mark.parametrize(
    ("who", "status"),
    [("supervisor", 403), ("coordinator", 403), ("other_trainee", 404), ("other_supervisor", 403)],
)
def test_nobody_else_can_confirm(app, world, who, status):
    _delete_due(app)
    client = client_as(app, getattr(world, who))
    assert client.post(f"/films/{world.film_id}/footage-deleted").status_code == status
    assert _confirmations(app) == 0


def test_others_see_the_deletion_awaits_the_trainee_without_the_button(app, world):
    _delete_due(app)
    page = client_as(app, world.supervisor).get(f"/films/{world.film_id}").get_data(as_text=True)
    assert CONFIRM not in page
    assert "the trainee has not yet confirmed" in page


@pytest.mark.parametrize("app_settings", ["local", "s3"], indirect=True)
def test_delete_due_prints_what_it_deleted_and_is_idempotent(app, world, run):
    store = app.extensions["clip_storage"].store
    assert len(list(store.keys())) == 1
    first = run("retention", "delete-due", "--day", "2026-11-24")
    assert first.exit_code == 0, first.output
    assert (
        f"deleted clip of film #{world.film_id} (case {world.case_code}): consent_withdrawn, "
        "due since 2026-11-20"
    ) in first.output
    assert "Deleted 1 clip(s) due on 2026-11-24." in first.output
    assert list(store.keys()) == []  # gone from the store itself, folder or bucket
    with committed(app):
        assert not db.session.get(Film, world.film_id).has_clip
        trainee = db.session.scalar(select(User).where(User.email == world.trainee))
        assert (
            retention.awaiting_confirmation(TODAY)[0].film.cycle.case.enrolment.trainee == trainee
        )
    second = run("retention", "delete-due", "--day", "2026-11-24")
    assert second.exit_code == 0
    assert "Deleted 0 clip(s)" in second.output


def test_delete_due_exits_non_zero_when_a_clip_cannot_be_deleted(app, world, run):
    with app.app_context():
        working = current_app.extensions["clip_storage"]
        failing = failing_deletes(working, None, "read-only file system")
        current_app.extensions["clip_storage"] = failing
    result = run("retention", "delete-due", "--day", "2026-11-24")
    assert result.exit_code == 1
    assert f"FAILED film #{world.film_id}" in result.output
    assert "read-only file system" in result.output
    with committed(app):
        assert db.session.get(Film, world.film_id).has_clip
