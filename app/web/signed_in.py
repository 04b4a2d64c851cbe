"""The web half of login sessions: the signed Flask session cookie carries the secret of a row
in login_sessions, and Flask-Login's user loader accepts it only while that row exists. The
same statement counts the person's waiting notifications, which the menu of every page shows:
the count stands for the request until it writes anything."""

from flask import Flask, g, has_app_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from app.extensions import db
from app.models import LoginSession, User
from app.services.people import login_sessions

SESSION_KEY = "login_session"
# Where the request keeps the count of waiting notifications read with its session.
WAITING_KEY = "waiting_notifications"
# Requests that need no signed-in person: no database work for them.
_NO_PERSON = frozenset({"static", "health.healthz", "health.favicon"})


def sign_in(user: User, awaiting_setup: bool = False) -> None:
    """Start a server-side session for `user` in this browser, ending the one it had (say,
    someone else's, before following an invitation); the caller commits. `awaiting_setup`:
    the session may do nothing but set up a second factor (second_factor_gate)."""
    previous = current_login()
    if previous is not None:
        login_sessions.end(previous)
    raw = login_sessions.start(user, request.headers.get("User-Agent", ""), awaiting_setup)
    login_user(user)
    session[SESSION_KEY] = raw


def sign_out() -> None:
    """End this browser's session on the server and in the cookie (the caller commits)."""
    login = current_login()
    if login is not None:
        login_sessions.end(login)
    logout_user()
    session.pop(SESSION_KEY, None)


def current_login() -> LoginSession | None:
    """The server-side session the current person is signed in with, if any."""
    if not current_user.is_authenticated:
        return None
    login: LoginSession | None = g.get("login_session")
    return login


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the person only while the cookie's session row lives."""
    raw = session.get(SESSION_KEY)
    if not isinstance(raw, str):
        return None
    found = login_sessions.find(raw)
    if found is None:
        return None
    login, waiting = found
    if str(login.user_id) != user_id or not login.user.active:
        return None
    g.login_session = login
    setattr(g, WAITING_KEY, waiting)  # read after whatever the request wrote before
    return login.user


def waiting_notifications() -> int | None:
    """How many notifications of the signed-in person wait, as read with their session; None
    when it was not read, or the request has written since (it may have changed it)."""
    waiting: int | None = g.get(WAITING_KEY)
    return waiting


def _forget_waiting(*_args: object) -> None:
    if has_app_context():
        setattr(g, WAITING_KEY, None)


def _forget_waiting_on_writes(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget_waiting()


def _note_activity() -> None:
    # Before the view, so this small commit never carries half of the view's own work.
    if request.endpoint in _NO_PERSON or SESSION_KEY not in session:
        return
    login = current_login()
    if login is not None and login_sessions.touch(login):
        db.session.commit()


def init_app(app: Flask) -> None:
    """Note each signed-in session's last activity before every request; forget the count of
    waiting notifications read with it once the request writes (a flush, or an UPDATE, DELETE or
    INSERT run through a session)."""
    app.before_request(_note_activity)
    if not event.contains(Session, "after_flush", _forget_waiting):
        event.listen(Session, "after_flush", _forget_waiting)
        event.listen(Session, "do_orm_execute", _forget_waiting_on_writes)
