"""Login sessions on the server: started and ended with audit entries, ended for everyone else
by a password change, a deactivation or a merge."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, LoginSession, Role
from app.services import notifications
from app.services.people import account_status, accounts, login_sessions, merges
from tests.builders.people import DEFAULT_PASSWORD, make_user


def _actions(user_id):
    query = select(AuditEvent.action).where(AuditEvent.subject_id == user_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def _live(user):
    return db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()


def test_a_session_is_found_by_its_secret_only_until_it_ends(ctx):
    person = make_user(Role.TRAINEE)
    raw = login_sessions.start(person, "Firefox " + "x" * 400)
    found = login_sessions.find(raw)
    assert found is not None
    login, waiting = found
    assert login.user == person and len(login.user_agent) == 255 and waiting == 0
    assert login.token_hash != raw and raw not in login.token_hash
    assert login_sessions.find(raw + "x") is None
    # Read with it: how many of the person's notifications wait (theirs only, unread ones).
    made = notifications.notify([person, make_user(Role.TRAINEE)], "test", "Look.", "/")
    notifications.notify([person], "test", "Look again.", "/")
    assert login_sessions.find(raw) == (login, 2)
    notifications.mark_read(person, made[0])
    assert login_sessions.find(raw) == (login, 1)
    login_sessions.end(login)
    assert login_sessions.find(raw) is None
    assert _actions(person.id) == ["user.signed_in", "user.signed_out"]


def test_last_seen_is_written_only_every_few_minutes(ctx):
    login, _ = login_sessions.find(login_sessions.start(make_user(Role.TRAINEE), ""))
    assert not login_sessions.touch(login)
    login.last_seen_at -= login_sessions.SEEN_EVERY + timedelta(seconds=1)
    earlier = login.last_seen_at
    assert login_sessions.touch(login)
    assert login.last_seen_at > earlier


def test_a_password_change_ends_the_other_sessions_and_says_how_many(ctx):
    person = make_user(Role.TRAINEE)
    here, _ = login_sessions.find(login_sessions.start(person, "laptop"))
    login_sessions.start(person, "phone")
    login_sessions.start(make_user(Role.TRAINEE), "someone else")
    accounts.change_own_password(person, DEFAULT_PASSWORD, "a brand new password", here)
    assert _live(person) == [here]
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "user.password_set" and event.after == {"sessions_ended": 1}
    assert db.session.scalar(select(db.func.count()).select_from(LoginSession)) == 2


def test_deactivation_and_merging_end_every_session(ctx):
    coordinator = make_user(Role.COORDINATOR)
    leaver, duplicate, kept = (make_user(Role.TRAINEE) for _ in range(3))
    for person in (leaver, leaver, duplicate):
        login_sessions.start(person, "")
    account_status.deactivate_person(coordinator, leaver, "Left")
    merges.merge_people(coordinator, kept, duplicate, "Signed up twice")
    assert _live(leaver) == [] and _live(duplicate) == []
    deactivated = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.deactivated")
    ).one()
    assert deactivated.after["sessions_ended"] == 2
