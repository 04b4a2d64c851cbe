"""E-mail for notifications: one message each for immediate people, one daily digest for others.

After every successful change (see `init_app`) `deliver_immediate()` sends what it notified; the
`notifications deliver` command retries what the mail server refused, and `notifications
send-digest` runs once a day (or more often: a person gets at most one digest per day).
"""

from collections.abc import Mapping
from datetime import date

from flask import Flask, Response, current_app, request
from flask_babel.speaklater import LazyString
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.routing import BuildError

from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.mail.links import external_url
from app.mail.sending import send_email
from app.models import Notification, NotifyBy, User
from app.phrase import Phrase
from app.services import notifications
from app.web.phrases import notification_text

Overdue = Mapping[int, list[Phrase]]  # user id -> lines about what is late for them


def absolute_link(notification: Notification) -> str:
    """The absolute URL of where the person acts on a notification (or of their list of
    notifications, should that page no longer exist)."""
    endpoint, values = notifications.resolve_link(notification.link)
    try:
        return external_url(endpoint, **values)
    except BuildError:
        return external_url("notifications.index")


def deliver_immediate() -> int:
    """E-mail every pending immediate notification; mark and commit only what SMTP accepted."""
    accepted: list[Notification] = []
    for notification in notifications.pending_immediate():
        if send_email(
            notification.user.email,
            # The message too is read in the recipient's language, when the e-mail is written.
            _l("Attune: %(message)s", message=LazyString(notification_text, notification)),
            "notification",
            notification.user.locale,
            user=notification.user,
            notification=notification,
            link=absolute_link(notification),
            account_link=external_url("account.profile"),
        ):
            accepted.append(notification)
    notifications.mark_emailed(accepted)
    # One commit at the end: until then the pending rows stay locked against a second sender.
    db.session.commit()
    return len(accepted)


def _send_digest(user: User, day: date, late: list[Phrase]) -> bool:
    """Claim the day for one person, send their digest, commit only if SMTP accepted it."""
    due = notifications.due_for(user) if user.notify_by is NotifyBy.DIGEST else []
    if not due and not late:
        return False
    try:
        notifications.record_digest(user, day, due)
    except IntegrityError:
        # Another sender claimed this person's digest for the day first.
        db.session.rollback()
        return False
    items = [(n, absolute_link(n)) for n in due]
    sent = send_email(
        user.email,
        _l("Attune: your daily summary"),
        "digest",
        user.locale,
        user=user,
        items=items,
        overdue=late,
        account_link=external_url("account.profile"),
    )
    if sent:
        db.session.commit()
    else:
        db.session.rollback()
    return sent


def send_daily_digests(day: date, overdue: Overdue | None = None) -> int:
    """Send `day`'s digest to each person who chose it and has something new; returns how many.

    `overdue` adds lines about what is late for a person (after their notifications); anyone
    with late items gets the day's digest, whichever way they chose to hear about new things.
    """
    late = overdue or {}
    # Commit between people, so ids are read now: a rollback would expire the loaded objects.
    ids = {user.id for user in notifications.digest_candidates(day)}
    ids |= set(notifications.without_digest_on(day, list(late)))
    count = 0
    for user_id in sorted(ids):
        user = db.session.get(User, user_id)
        if user is not None and user.active and _send_digest(user, day, late.get(user_id, [])):
            count += 1
    return count


def _deliver_after_change(response: Response) -> Response:
    """After a successful change, e-mail whatever it notified (never breaking the response)."""
    if request.method != "GET" and response.status_code < 400:
        try:
            deliver_immediate()
        except SQLAlchemyError:
            db.session.rollback()
            current_app.logger.exception("Could not deliver notifications")
    return response


def init_app(app: Flask) -> None:
    """Deliver immediate notifications at the end of every successful change, in one place."""
    app.after_request(_deliver_after_change)
