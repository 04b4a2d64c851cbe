"""Trainees log supervision sessions; their supervisor confirms, returns and comments on them."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEvent,
    CaseSetting,
    Enrolment,
    Role,
    SessionStatus,
    SupervisionSession,
    User,
)
from app.services.evidence import cases, films
from app.services.people import enrolments
from app.services.supervision import sessions as supervision
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import enrolled_trainee, make_user
from tests.builders.web import committed, sign_in
from tests.query_counter import count_queries

TODAY = date(2026, 11, 24)
CONFIRM = {"confirm": "y"}
RETURN = {"send_back": "y"}


@pytest.fixture
def world(app, schemes):
    """Trainee A (a case with a cycle; own supervisor 'first' until Apr 30, then 'second'),
    trainee B with their own supervisor, and a coordinator."""
    with committed(app):
        a = enrolled_trainee()
        b = enrolled_trainee()
        first = a.current_assignment.supervisor
        second = make_user(Role.SUPERVISOR, name="Sue Second")
        coordinator = make_user(Role.COORDINATOR)
        enrolments.change_supervisor(coordinator, a, second, date(2026, 5, 1), TODAY)
        case = cases.create_case(
            a.trainee, a, CaseSetting.FAMILY, "", "", "", date(2026, 2, 1), None, TODAY
        )
        cycle = films.save_cycle(
            a.trainee, case, date(2026, 2, 2), True, date(2026, 2, 9), False, "", TODAY
        )
        return SimpleNamespace(
            enrolment=a.id,
            trainee=a.trainee.email,
            first=SimpleNamespace(id=first.id, email=first.email),
            second=SimpleNamespace(id=second.id, email=second.email),
            trainee_b=b.trainee.email,
            other_supervisor=b.current_assignment.supervisor.email,
            coordinator=coordinator.email,
            cycle=cycle.id,
            case_code=case.code,
        )


def _form(world, **changes):
    return {
        "supervisor": world.second.id,
        "held_on": "2026-06-02",
        "minutes": "90",
        "online": "y",
        "reflection_before": "I want to look at how long I wait.",
        "next_steps": "Wait longer after a question.",
        "cycles": [world.cycle],
    } | changes


def _log(app, world, held_on=date(2026, 6, 2), supervisor=None) -> int:
    with committed(app):
        enrolment = db.session.get(Enrolment, world.enrolment)
        user = db.session.get(User, (supervisor or world.second).id)
        details = SessionDetails(user, held_on, 60, False, False, False, "", "", "")
        return supervision.save_session(enrolment.trainee, enrolment, details, TODAY).id


def _session(app, session_id) -> SupervisionSession:
    with committed(app):
        return db.session.get(SupervisionSession, session_id)


def test_log_then_confirm_through_the_pages(app, client, world):
    sign_in(client, world.trainee)
    form = client.get(f"/enrolments/{world.enrolment}/sessions/new").get_data(as_text=True)
    assert "Sue Second" in form and world.case_code in form
    response = client.post(f"/enrolments/{world.enrolment}/sessions/new", data=_form(world))
    assert response.status_code == 302
    path = response.headers["Location"]
    page = client.get(path).get_data(as_text=True)
    assert "Session logged." in page and "1 h 30 min" in page and world.case_code in page
    assert "Change this session" in page and "Confirm the session" not in page

    client.post("/logout")
    sign_in(client, world.second.email)
    page = client.get(path).get_data(as_text=True)
    assert "Confirm the session" in page and "Change this session" not in page
    assert client.post(f"{path}/decide", data=CONFIRM).status_code == 302
    assert "Session confirmed." in client.get(path).get_data(as_text=True)
    again = client.post(f"{path}/decide", data=CONFIRM)  # decided once
    assert again.status_code == 422 and "already confirmed" in again.get_data(as_text=True)
    listing = client.get(f"/enrolments/{world.enrolment}/sessions").get_data(as_text=True)
    assert "Confirmed supervision: 1 h 30 min" in listing

    client.post("/logout")
    sign_in(client, world.trainee)
    page = client.get(path).get_data(as_text=True)
    assert "Change this session" not in page
    response = client.get(f"{path}/edit")
    assert response.status_code == 302
    assert "cannot be changed" in client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(f"{path}/edit", data=_form(world, minutes="60"))
    assert response.status_code == 422
    assert "A confirmed session cannot be changed." in response.get_data(as_text=True)
    session_id = int(path.rsplit("/", 1)[1])
    assert _session(app, session_id).minutes == 90


def test_supervisor_sees_confirm_only_for_their_own_sessions(app, client, world):
    earlier = _log(app, world, date(2026, 3, 2), supervisor=world.first)
    sign_in(client, world.second.email)
    page = client.get(f"/sessions/{earlier}").get_data(as_text=True)
    assert "Confirm the session" not in page and "Save your notes" not in page
    assert client.post(f"/sessions/{earlier}/decide", data=CONFIRM).status_code == 403
    client.post("/logout")
    sign_in(client, world.first.email)
    assert "Confirm the session" in client.get(f"/sessions/{earlier}").get_data(as_text=True)


def test_return_needs_a_reason_and_the_trainee_then_changes_it(app, client, world):
    session_id = _log(app, world)
    sign_in(client, world.second.email)
    for blank in ("", "   "):
        response = client.post(f"/sessions/{session_id}/decide", data=RETURN | {"reason": blank})
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert 'id="reason-error"' in page and "Say why the session goes back" in page
        assert _session(app, session_id).status is SessionStatus.LOGGED
    response = client.post(
        f"/sessions/{session_id}/decide", data=RETURN | {"reason": "It was 45 min."}
    )
    assert response.status_code == 302
    assert _session(app, session_id).status is SessionStatus.RETURNED

    client.post("/logout")
    sign_in(client, world.trainee)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "It was 45 min." in page and "Change this session" in page
    response = client.post(f"/sessions/{session_id}/edit", data=_form(world, minutes="45"))
    assert response.status_code == 302
    changed = _session(app, session_id)
    assert changed.status is SessionStatus.LOGGED and changed.minutes == 45


def test_supervisor_writes_notes_the_trainee_reads(app, client, world):
    session_id = _log(app, world)
    sign_in(client, world.second.email)
    data = {"reflection": "Noticed warm pauses.", "feedback": "Keep waiting."}
    assert client.post(f"/sessions/{session_id}/notes", data=data).status_code == 302
    response = client.post(f"/sessions/{session_id}/notes", data={"feedback": "x" * 5001})
    assert response.status_code == 422
    client.post("/logout")
    sign_in(client, world.trainee)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Noticed warm pauses." in page and "Keep waiting." in page


def test_confirming_saves_the_feedback_typed_with_it(app, client, world):
    """One form, one press: the session is confirmed and the notes typed above are kept."""
    session_id = _log(app, world)
    sign_in(client, world.second.email)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert page.count(f'action="/sessions/{session_id}/decide"') == 1
    assert f'action="/sessions/{session_id}/notes"' not in page
    notes = {"reflection": "I noticed my own pace.", "feedback": "Lovely long pauses."}
    response = client.post(f"/sessions/{session_id}/decide", data=notes | CONFIRM)
    assert response.status_code == 302
    saved = _session(app, session_id)
    assert saved.status is SessionStatus.CONFIRMED
    assert (saved.supervisor_reflection, saved.supervisor_feedback) == (
        "I noticed my own pace.",
        "Lovely long pauses.",
    )
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Lovely long pauses." in page and "Save your notes" in page  # notes stay editable


def test_returning_saves_its_reason_and_the_feedback(app, client, world):
    session_id = _log(app, world)
    sign_in(client, world.second.email)
    data = {"feedback": "Good start.", "reason": "It was 45 min."} | RETURN
    assert client.post(f"/sessions/{session_id}/decide", data=data).status_code == 302
    saved = _session(app, session_id)
    assert saved.status is SessionStatus.RETURNED
    assert (saved.return_reason, saved.supervisor_feedback) == ("It was 45 min.", "Good start.")
    client.post("/logout")
    sign_in(client, world.trainee)
    response = client.post(f"/sessions/{session_id}/edit", data=_form(world, minutes="45"))
    assert response.status_code == 302
    client.post("/logout")
    sign_in(client, world.second.email)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Returned earlier because" in page and "It was 45 min." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (RETURN | {"reason": " "}, "Say why the session goes back"),
        (CONFIRM | {"reason": "x" * 2001}, "Field cannot be longer than 2000"),
        ({}, "Choose: confirm the session, or return it."),
    ],
)
def test_a_refused_decision_keeps_everything_typed(app, client, world, data, message):
    session_id = _log(app, world)
    sign_in(client, world.second.email)
    typed = {"reflection": "My own reflection", "feedback": "Feedback to keep"}
    response = client.post(f"/sessions/{session_id}/decide", data=typed | data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "My own reflection" in page and "Feedback to keep" in page
    saved = _session(app, session_id)
    assert saved.status is SessionStatus.LOGGED and saved.supervisor_feedback == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (lambda w: {"minutes": "0"}, "minutes", "Give the minutes"),
        (lambda w: {"held_on": "2099-01-01"}, "held_on", "cannot be in the future"),
        (lambda w: {"held_on": "not a date"}, "held_on", "Give a date like 2026-09-01."),
        # In June the own supervisor is 'second': 'first' was assigned until April 30.
        (lambda w: {"supervisor": w.first.id}, "supervisor", "not your own supervisor on that"),
    ],
)
def test_bad_sessions_are_shown_beside_the_field_and_save_nothing(
    app, client, world, changes, field, message
):
    sign_in(client, world.trainee)
    response = client.post(
        f"/enrolments/{world.enrolment}/sessions/new", data=_form(world, **changes(world))
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    with committed(app):
        assert db.session.scalar(select(func.count()).select_from(SupervisionSession)) == 0


def test_identifying_text_must_be_rephrased_or_confirmed(app, client, world):
    sign_in(client, world.trainee)
    path = f"/enrolments/{world.enrolment}/sessions/new"
    data = _form(world, reflection_after="Jamie Smith smiled at me.")
    response = client.post(path, data=data)
    assert response.status_code == 422 and "looks like a person" in response.get_data(as_text=True)
    assert client.post(path, data=data | {"confirm_identifying": "y"}).status_code == 302


ROUTES = [
    ("get", "/enrolments/{enrolment}/sessions"),
    ("get", "/enrolments/{enrolment}/sessions/new"),
    ("post", "/enrolments/{enrolment}/sessions/new"),
    ("get", "/sessions/{session}"),
    ("get", "/sessions/{session}/edit"),
    ("post", "/sessions/{session}/edit"),
    ("post", "/sessions/{session}/decide"),
    ("post", "/sessions/{session}/notes"),
]
RECORDING = {1, 2, 4, 5}
DECIDING = {6, 7}


@pytest.mark.parametrize("who", ["trainee_b", "other_supervisor"])
@pytest.mark.parametrize(
    ("n", "route"), list(enumerate(ROUTES)), ids=[f"{m} {p}" for m, p in ROUTES]
)
def test_strangers_cannot_reach_or_probe_sessions(app, client, world, who, n, route):
    """Pages whose role fits answer 404; the rest 403 before any lookup, as for a made-up id."""
    method, path = route
    ids = {"enrolment": world.enrolment, "session": _log(app, world)}
    sign_in(client, getattr(world, who))
    data = {"reason": "no"}
    real = getattr(client, method)(path.format(**ids), data=data).status_code
    made_up = getattr(client, method)(path.format(enrolment=99999, session=99999), data=data)
    role_fits = n not in (RECORDING if who == "other_supervisor" else DECIDING)
    assert real == (404 if role_fits else 403)
    assert real == made_up.status_code
    assert _session(app, ids["session"]).status is SessionStatus.LOGGED


@pytest.mark.parametrize(
    ("n", "route"), list(enumerate(ROUTES)), ids=[f"{m} {p}" for m, p in ROUTES]
)
def test_only_the_trainee_records_and_only_the_supervisor_decides(app, client, world, n, route):
    method, path = route
    ids = {"enrolment": world.enrolment, "session": _log(app, world)}
    people = (
        (world.second.email, RECORDING),
        (world.trainee, DECIDING),
        (world.coordinator, RECORDING | DECIDING),
    )
    for who, refused in people:
        client.post("/logout")
        sign_in(client, who)
        status = getattr(client, method)(path.format(**ids), data={}).status_code
        assert (status == 403) == (n in refused), (who, status)


def test_list_page_uses_the_same_queries_for_1_and_30_sessions(app, client, world):
    sign_in(client, world.trainee)
    path = f"/enrolments/{world.enrolment}/sessions"
    _log(app, world, date(2026, 3, 2), supervisor=world.first)
    with count_queries(app) as one:
        assert client.get(path).status_code == 200
    for n in range(29):
        if n % 2:
            _log(app, world, date(2026, 2, 1) + timedelta(days=n), world.first)
        else:
            _log(app, world, date(2026, 6, 1) + timedelta(days=n), world.second)
    with count_queries(app) as thirty:
        page = client.get(path).get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert one and len(one) == len(thirty)
    # Rows of columns, each with its supervisor's name, newest first: June's sessions (Sue
    # Second's) lead, and the earlier supervisor's appear on the same page.
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 25
    assert "Sue Second" in rows[0] and "29 Jun 2026" in rows[0]
    assert any("Sue Second" not in row for row in rows)


def test_the_request_to_confirm_stops_being_new_once_the_session_is_confirmed(app, client, world):
    session_id = _log(app, world)
    sign_in(client, world.second.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Notifications (1)" in page and page.count('class="badge">New<') == 1
    assert client.post(f"/sessions/{session_id}/decide", data=CONFIRM).status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert "Notifications (" not in page and 'class="badge">New<' not in page
    assert '<span class="badge badge-done">Done</span>' in page
    assert f'<a href="/sessions/{session_id}">' in page


def test_a_decision_made_meanwhile_is_said_and_the_typed_notes_stay(app, client, world):
    """Two tabs (or a second press): the session was confirmed in one; deciding in the other is
    refused with the reason, and the notes typed there stay in the notes form."""
    session_id = _log(app, world)
    sign_in(client, world.second.email)
    assert client.post(f"/sessions/{session_id}/decide", data=CONFIRM).status_code == 302
    typed = {"feedback": "Typed in the other tab", "reason": "Wrong date"}
    response = client.post(f"/sessions/{session_id}/decide", data=RETURN | typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This session is already confirmed." in page
    assert f'action="/sessions/{session_id}/notes"' in page and "Typed in the other tab" in page
    saved = _session(app, session_id)
    assert saved.status is SessionStatus.CONFIRMED and saved.supervisor_feedback == ""


def _statuses(app, ids):
    with committed(app):
        return [db.session.get(SupervisionSession, n).status for n in ids]


def test_a_supervisor_confirms_several_sessions_at_once_from_home(app, client, world):
    ids = [_log(app, world, date(2026, 6, day)) for day in (2, 9, 16)]
    sign_in(client, world.second.email)
    home = client.get("/").get_data(as_text=True)
    assert "Sessions waiting for your confirmation" in home
    assert all(f'value="{n}"' in home for n in ids)
    response = client.post("/sessions/confirm", data={"sessions": ids[:2]})
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    home = client.get("/").get_data(as_text=True)
    assert "2 sessions confirmed." in home
    assert _statuses(app, ids) == [SessionStatus.CONFIRMED] * 2 + [SessionStatus.LOGGED]
    assert f'value="{ids[0]}"' not in home and f'value="{ids[2]}"' in home


def test_the_same_choice_posted_twice_confirms_once_and_says_why(app, client, world):
    ids = [_log(app, world, date(2026, 6, day)) for day in (2, 9)]
    sign_in(client, world.second.email)
    assert client.post("/sessions/confirm", data={"sessions": ids}).status_code == 302
    client.get("/")  # the first answer's message is read
    again = client.post("/sessions/confirm", data={"sessions": ids}, follow_redirects=True)
    page = again.get_data(as_text=True)
    assert "decided meanwhile" in page and "Nothing was confirmed" in page
    with committed(app):
        confirmed = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "session.confirmed")
        )
    assert confirmed == 2


@pytest.mark.parametrize("chosen", ["nothing", "someone_elses", "hostile"])
def test_confirming_at_once_refuses_a_bad_choice_and_changes_nothing(app, client, world, chosen):
    mine = _log(app, world)
    theirs = _log(app, world, date(2026, 4, 9), supervisor=world.first)
    posted = {"nothing": [], "someone_elses": [theirs], "hostile": ["\x00", "9" * 30, "-1"]}
    sign_in(client, world.second.email)
    response = client.post("/sessions/confirm", data={"sessions": posted[chosen]})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    expected = {"nothing": "Choose the sessions to confirm.", "someone_elses": "Choose among"}
    assert expected.get(chosen, "Choose the sessions to confirm.") in page
    assert _statuses(app, [mine, theirs]) == [SessionStatus.LOGGED] * 2


def test_only_supervisors_confirm_at_once(app, client, world):
    session_id = _log(app, world)
    sign_in(client, world.trainee)
    assert client.post("/sessions/confirm", data={"sessions": [session_id]}).status_code == 403
    assert _statuses(app, [session_id]) == [SessionStatus.LOGGED]
