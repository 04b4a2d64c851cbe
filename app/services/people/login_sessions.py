"""Signed-in browsers kept on the server: one starts at sign-in and ends at sign-out, and the
others end when the password changes or the account is deactivated, so a session cookie
captured earlier stops working."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import LoginSession, User
from app.models.base import utcnow
from app.services import audit, notifications

MAX_USER_AGENT = 255
# last_seen_at is written at most this often, not on every request.
SEEN_EVERY = timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def start(user: User, user_agent: str, awaiting_setup: bool = False) -> str:
    """Record a new signed-in browser for `user` (held to setting up a second factor when
    `awaiting_setup`); returns the secret its cookie carries."""
    raw = secrets.token_urlsafe(32)
    login = LoginSession(
        user_id=user.id,
        token_hash=_digest(raw),
        user_agent=user_agent[:MAX_USER_AGENT],
        awaiting_setup=awaiting_setup,
    )
    db.session.add(login)
    db.session.flush()
    audit.record(user, "user.signed_in", "user", user.id, after={"session_id": login.id})
    return raw


# Every request of a signed-in person runs this: built once, its cache key with it.
_FIND = (
    select(LoginSession, notifications.waiting_count_of(LoginSession.user_id))
    .options(joinedload(LoginSession.user).joinedload(User.role_links))
    .where(LoginSession.token_hash == bindparam("token_hash"))
)


def find(raw: str) -> tuple[LoginSession, int] | None:
    """The live session with this secret, with its person and their roles, and how many of
    their notifications wait (every page's menu shows it): one statement; None if there is no
    such session."""
    found = db.session.execute(_FIND, {"token_hash": _digest(raw)}).unique().one_or_none()
    return None if found is None else (found[0], found[1])


def touch(login: LoginSession) -> bool:
    """Note that the session is in use (at most every few minutes); True when it was written."""
    now = utcnow()
    if now - login.last_seen_at < SEEN_EVERY:
        return False
    login.last_seen_at = now
    db.session.flush()
    return True


def release(user: User) -> int:
    """The person now has a second factor: none of their sessions is held to setting one up."""
    released = db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.awaiting_setup.is_(True))
        .values(awaiting_setup=False),
        execution_options={"synchronize_session": "fetch"},
    )
    return int(released.rowcount)  # type: ignore[attr-defined]


def end(login: LoginSession) -> None:
    """Sign one browser out: its cookie no longer signs anyone in."""
    user, session_id = login.user, login.id
    db.session.delete(login)
    db.session.flush()
    audit.record(user, "user.signed_out", "user", user.id, before={"session_id": session_id})


def end_all(user: User, keep: LoginSession | None = None) -> int:
    """End every session of `user` except `keep`; how many ended (the caller audits why)."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    ended = db.session.execute(query, execution_options={"synchronize_session": "fetch"})
    return int(ended.rowcount)  # type: ignore[attr-defined]
