"""The web half of login sessions: the signed Flask session cookie carries the secret of a row
in login_sessions, and Flask-Login's user loader accepts it only while that row exists."""

from flask import Flask, g, request, session
from flask_login import current_user, login_user, logout_user

from app.extensions import db
from app.models import LoginSession, User
from app.services.people import login_sessions

SESSION_KEY = "login_session"
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
    login = login_sessions.find(raw)
    if login is None or str(login.user_id) != user_id or not login.user.active:
        return None
    g.login_session = login
    return login.user


def _note_activity() -> None:
    # Before the view, so this small commit never carries half of the view's own work.
    if request.endpoint in _NO_PERSON or SESSION_KEY not in session:
        return
    login = current_login()
    if login is not None and login_sessions.touch(login):
        db.session.commit()


def init_app(app: Flask) -> None:
    """Note each signed-in session's last activity before every request."""
    app.before_request(_note_activity)
