"""The notifications page, the unread count in the menu, and the e-mail choice on the account."""

import re

import pytest
from flask import session
from flask_login import login_user
from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification, NotifyBy, Role, User
from app.notifications.routes import unread_for_current_user
from app.services import notifications
from app.services.people import login_sessions
from app.web import signed_in
from tests.builders.people import make_user
from tests.builders.web import committed, sign_in
from tests.query_counter import count_queries

ENROLMENT = notifications.link_to("enrolments.show", enrolment_id=5)
SESSION = notifications.link_to("supervision.show", session_id=9)


@pytest.fixture
def app_settings(app_settings):
    """Two notifications a page, so a third one makes a second page."""
    return {**app_settings, "PAGE_SIZE": 2}


@pytest.fixture
def people(app):
    with committed(app):
        ann = make_user(Role.TRAINEE, email="ann@example.org", name="Ann")
        bob = make_user(Role.SUPERVISOR, email="bob@example.org", name="Bob")
        notifications.notify([ann], "sent_back", "Stage 1 was sent back", ENROLMENT)
        notifications.notify([ann], "session_to_confirm", "A session to confirm", SESSION)
        [for_bob] = notifications.notify([bob], "meeting_requested", "For Bob only", ENROLMENT)
        return {"ann": ann.id, "bob": bob.id, "bobs": for_bob.id}


def _ids(app, user_id: int) -> list[int]:
    with app.app_context():
        user = db.session.get(User, user_id)
        return [n.id for n in db.session.scalars(notifications.notifications_for(user))]


def _read_at(app, notification_id: int):
    with app.app_context():
        return db.session.get(Notification, notification_id).read_at


def test_the_page_lists_only_ones_own_notifications_newest_first(client, people):
    sign_in(client, "ann@example.org")
    page = client.get("/notifications").get_data(as_text=True)
    assert "For Bob only" not in page
    assert page.index("A session to confirm") < page.index("Stage 1 was sent back")
    assert page.count("<strong>") == 2
    assert page.count('class="badge">New<') == 2
    assert "2 unread notifications." in page


def test_marking_read_goes_to_the_link_and_unbolds(app, client, people):
    newest, oldest = _ids(app, people["ann"])
    sign_in(client, "ann@example.org")
    response = client.post(f"/notifications/{newest}/read")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sessions/9"
    assert _read_at(app, newest) is not None
    assert _read_at(app, oldest) is None
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count("<strong>") == 1
    assert '<a href="/sessions/9">A session to confirm</a>' in page


def test_someone_elses_notification_is_not_found(app, client, people):
    sign_in(client, "ann@example.org")
    assert client.post(f"/notifications/{people['bobs']}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert _read_at(app, people["bobs"]) is None


def test_read_all_marks_only_ones_own(app, client, people):
    sign_in(client, "ann@example.org")
    response = client.post("/notifications/read-all")
    assert response.headers["Location"] == "/notifications"
    page = client.get("/notifications").get_data(as_text=True)
    assert "All your notifications are marked read." in page
    assert "<strong>" not in page
    assert all(_read_at(app, n) is not None for n in _ids(app, people["ann"]))
    assert _read_at(app, people["bobs"]) is None


def test_the_menu_shows_the_unread_count(client, people):
    sign_in(client, "ann@example.org")
    assert 'href="/notifications">Notifications (2)</a>' in client.get("/").get_data(as_text=True)
    client.post("/notifications/read-all")
    assert 'href="/notifications">Notifications</a>' in client.get("/").get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, people):
    assert client.get("/notifications").headers["Location"].startswith("/login")
    assert client.post("/notifications/read-all").headers["Location"].startswith("/login")


def test_the_list_is_paginated_and_a_vanished_page_leads_back_to_it(app, client, people):
    with committed(app):
        ann = db.session.get(User, people["ann"])
        notifications.notify([ann], "ratified", "Old page gone", "removed.endpoint?x=1")
    sign_in(client, "ann@example.org")
    first = client.get("/notifications").get_data(as_text=True)
    assert "Old page gone" in first
    assert "Stage 1 was sent back" not in first
    assert "Page 1 of 2" in first
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "Stage 1 was sent back" in second
    [newest, *_] = _ids(app, people["ann"])
    response = client.post(f"/notifications/{newest}/read")
    assert response.headers["Location"] == "/notifications"


def test_the_account_page_saves_how_to_be_told(app, client, people):
    sign_in(client, "ann@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert "How should Attune tell you about things waiting for you?" in page
    assert re.search(r'checked[^>]*value="immediate"|value="immediate"[^>]*checked', page)
    data = {"display_name": "Ann", "timezone": "Europe/London", "notify_by": "digest"}
    assert client.post("/account", data=data).status_code == 302
    with committed(app):
        assert db.session.get(User, people["ann"]).notify_by is NotifyBy.DIGEST
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'checked[^>]*value="digest"|value="digest"[^>]*checked', page)


def test_the_account_page_refuses_an_unknown_choice(client, people):
    sign_in(client, "ann@example.org")
    data = {"display_name": "Ann", "timezone": "Europe/London", "notify_by": "pigeon"}
    response = client.post("/account", data=data)
    assert response.status_code == 422
    assert 'id="notify_by-error"' in response.get_data(as_text=True)
    response = client.post("/account", data={"display_name": "Ann", "timezone": "Europe/London"})
    assert "Choose how Attune should tell you." in response.get_data(as_text=True)


def test_the_menu_count_read_with_the_session_is_counted_again_once_the_request_writes(app, people):
    """The count in the menu is read with the signed-in session (no statement of its own); a
    request that writes (a flush, or an UPDATE run through the session) may have changed it,
    so the menu counts afresh."""
    with committed(app):
        raw = login_sessions.start(db.session.get(User, people["ann"]), "")
    for change in ("flush", "bulk update"):
        with app.test_request_context("/"):
            session[signed_in.SESSION_KEY] = raw
            ann = signed_in.load_user(str(people["ann"]))
            login_user(ann)
            before = db.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.user_id == people["ann"], Notification.read_at.is_(None))
            )
            assert signed_in.waiting_notifications() == before == unread_for_current_user() > 0
            if change == "flush":
                notifications.notify([ann], "sent_back", "One more", ENROLMENT)
                expected = before + 1
            else:
                notifications.mark_all_read(ann)
                expected = 0
            assert signed_in.waiting_notifications() is None
            assert unread_for_current_user() == expected
            db.session.commit()


@pytest.mark.parametrize("path", ["/", "/notifications", "/account"])
def test_no_page_counts_waiting_notifications_in_a_statement_of_its_own(app, client, people, path):
    """The menu's count of waiting ones (and the notifications page's) is the one read with the
    session (the notifications page also counts all of them, for its pages)."""
    sign_in(client, "ann@example.org")
    client.get(path)  # warm
    with count_queries(app) as statements:
        page = client.get(path).get_data(as_text=True)
    assert 'href="/notifications">Notifications (2)</a>' in page
    counting = [s for s in statements if "count(" in s.lower() and "read_at IS NULL" in s]
    assert len(counting) == 1 and "login_sessions" in counting[0]
