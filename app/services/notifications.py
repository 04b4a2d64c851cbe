"""Notifications: what waits for a person, with a link to where they act, and its e-mail state.

A notification "waits" while it is neither read nor resolved: the service that completes its
task (confirming the session it asks to confirm, say) resolves it, so "New" and the unread count
mean something still waits. It is "due" for e-mail while it waits and was not e-mailed: once the
person has read it on the site, or the task is done, an e-mail about it would only be noise.
Creating, reading, resolving and e-mailing notifications is bookkeeping about other, audited
changes, so none of it is audited itself.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    and_,
    bindparam,
    exists,
    func,
    select,
    update,
)
from sqlalchemy.orm import InstrumentedAttribute, contains_eager

from app.authz.actions import Action
from app.authz.rules import ensure
from app.extensions import db
from app.models import DigestSent, Notification, NotifyBy, User
from app.models.base import utcnow
from app.phrase import Phrase

MAX_MESSAGE_LENGTH = 300
MAX_LINK_LENGTH = 300
MAX_KIND_LENGTH = 40
ELLIPSIS = "…"


def link_to(endpoint: str, **values: int | str) -> str:
    """Encode where the person acts, e.g. "enrolments.show?enrolment_id=5"."""
    if not endpoint or "?" in endpoint:
        raise ValueError(f"not an endpoint name: {endpoint!r}")
    if any(key.startswith("_") for key in values):
        # url_for reads _external, _anchor, ... as options, not as values of the route.
        raise ValueError("a link's values may not start with an underscore")
    link = f"{endpoint}?{urlencode(sorted(values.items()))}" if values else endpoint
    if len(link) > MAX_LINK_LENGTH:
        raise ValueError(f"a notification link has at most {MAX_LINK_LENGTH} characters")
    return link


def _plain_value(value: str) -> int | str:
    # Only canonical integers become ints again, so a string such as "007" keeps its zeros.
    if value.isascii() and value.isdigit() and str(int(value)) == value:
        return int(value)
    return value


def resolve_link(link: str) -> tuple[str, dict[str, int | str]]:
    """Decode a link made by `link_to` into (endpoint, values) for `url_for`."""
    endpoint, _, query = link.partition("?")
    values = {key: _plain_value(value) for key, value in parse_qsl(query, keep_blank_values=True)}
    return endpoint, values


def one_line(message: str) -> str:
    """A message as notifications show it: one line (it becomes an e-mail's subject), at most
    the column's length."""
    text = " ".join(message.split())
    if len(text) <= MAX_MESSAGE_LENGTH:
        return text
    return text[: MAX_MESSAGE_LENGTH - len(ELLIPSIS)].rstrip() + ELLIPSIS


def notify(
    recipients: Iterable[User], kind: str, message: Phrase | str, link: str
) -> list[Notification]:
    """One notification per distinct active recipient (flushed); inactive people get none.
    The message is a phrase, kept apart from its values so each recipient reads it in their
    language (a plain text is a phrase without values)."""
    if not kind or len(kind) > MAX_KIND_LENGTH:
        raise ValueError(f"a notification kind has 1 to {MAX_KIND_LENGTH} characters")
    if len(link) > MAX_LINK_LENGTH:
        raise ValueError(f"a notification link has at most {MAX_LINK_LENGTH} characters")
    phrase = message if isinstance(message, Phrase) else Phrase(message)
    text = one_line(phrase.english())
    if not text:
        raise ValueError("a notification needs a message")
    made: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user.id in seen or not user.active:
            continue
        seen.add(user.id)
        made.append(
            Notification(
                user_id=user.id, kind=kind, message=text, phrase=phrase.to_json(), link=link
            )
        )
    db.session.add_all(made)
    db.session.flush()
    return made


def resolve(kinds: Iterable[str], link: str) -> int:
    """The task behind these notifications (of these kinds, about the subject `link` names) is
    done: they stop waiting, whoever they were for. Returns how many were still unresolved."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.link == link,
            Notification.kind.in_(list(kinds)),
            Notification.resolved_at.is_(None),
        )
        .values(resolved_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _waiting() -> ColumnElement[bool]:
    return and_(Notification.read_at.is_(None), Notification.resolved_at.is_(None))


def waiting_count_of(user_id: ColumnElement[int] | InstrumentedAttribute[int]) -> ScalarSelect[int]:
    """How many notifications of the person `user_id` names still wait (unread, task not done),
    as a value another statement reads: finding a signed-in session reads it too, so a page
    need not count them apart."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, _waiting())
        .scalar_subquery()
    )


_UNREAD_COUNT = select(waiting_count_of(bindparam("user_id")))


def notifications_for(user: User) -> Select[Notification]:
    """All of a person's notifications, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def unread_for(user: User) -> Select[Notification]:
    """A person's notifications that still wait (unread, task not done), newest first."""
    return notifications_for(user).where(_waiting())


def unread_count(user: User) -> int:
    """How many of the person's notifications still wait: unread, and their task not done
    (one query, built once: every signed-in page counts them)."""
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id}) or 0


def mark_read(actor: User, notification: Notification) -> Notification:
    """The owner marks one notification read (reading it again changes nothing)."""
    ensure(actor, Action.VIEW_OWN_NOTIFICATIONS, notification, "This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(actor: User) -> int:
    """The person marks all their notifications read; returns how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _due() -> ColumnElement[bool]:
    return and_(Notification.emailed_at.is_(None), _waiting())


def _wants(notify_by: NotifyBy) -> ColumnElement[bool]:
    return and_(User.notify_by == notify_by, User.active.is_(True))


def pending_immediate() -> list[Notification]:
    """Notifications due for e-mail to active people who chose immediate e-mail, oldest first.

    On PostgreSQL the rows stay locked until the caller commits, and rows another sender holds
    are skipped, so two senders running at once do not e-mail the same notification twice.
    """
    query = (
        select(Notification)
        .join(User, User.id == Notification.user_id)
        .options(contains_eager(Notification.user))
        .where(_due(), _wants(NotifyBy.IMMEDIATE))
        .order_by(Notification.id)
        .with_for_update(skip_locked=True, of=Notification)
    )
    return list(db.session.scalars(query))


def mark_emailed(notifications: Iterable[Notification]) -> None:
    """Record that these notifications went out by e-mail."""
    now = utcnow()
    for notification in notifications:
        notification.emailed_at = now
    db.session.flush()


def digest_candidates(day: date) -> list[User]:
    """Active people who chose the daily digest, have something due and had no digest on `day`."""
    due = exists().where(Notification.user_id == User.id, _due())
    sent = exists().where(DigestSent.user_id == User.id, DigestSent.day == day)
    query = select(User).where(_wants(NotifyBy.DIGEST), due, ~sent).order_by(User.id)
    return list(db.session.scalars(query))


def without_digest_on(day: date, user_ids: Sequence[int]) -> list[int]:
    """Which of these people have had no digest on `day`."""
    if not user_ids:
        return []
    sent = set(
        db.session.scalars(
            select(DigestSent.user_id).where(
                DigestSent.day == day, DigestSent.user_id.in_(user_ids)
            )
        )
    )
    return [i for i in user_ids if i not in sent]


def due_for(user: User) -> list[Notification]:
    """A person's notifications due for e-mail, oldest first (what their digest lists)."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id, _due())
        .order_by(Notification.created_at, Notification.id)
    )
    return list(db.session.scalars(query))


def record_digest(user: User, day: date, notifications: Sequence[Notification]) -> DigestSent:
    """Claim `day`'s digest for the person and mark its notifications e-mailed (flushed).

    The DigestSent row is flushed first: a second sender for the same person and day fails on
    the unique constraint (IntegrityError) instead of sending the digest twice.
    """
    sent = DigestSent(user_id=user.id, day=day)
    db.session.add(sent)
    db.session.flush()
    mark_emailed(notifications)
    return sent
