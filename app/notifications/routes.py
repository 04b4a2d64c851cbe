"""A person's notifications: what waits for them, each linking to where they act."""

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.rules import can
from app.authz.web import current_actor, requires
from app.extensions import db
from app.i18n import gettext as _
from app.models import Notification
from app.services import notifications
from app.web.commit import apply_or_flash
from app.web.signed_in import waiting_notifications

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def unread_for_current_user() -> int:
    """How many notifications the signed-in person has not read (0 when signed out): as read
    with their session unless the request has written since."""
    if not current_user.is_authenticated:
        return 0
    waiting = waiting_notifications()
    return notifications.unread_count(current_actor()) if waiting is None else waiting


def _own_or_404(notification_id: int) -> Notification:
    """The signed-in person's notification; 404 when absent or someone else's."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or not can(current_user, Action.VIEW_OWN_NOTIFICATIONS, notification):
        abort(404)
    return notification


def _target(notification: Notification) -> str:
    """Where a notification leads; the list itself when its page no longer exists."""
    endpoint, values = notifications.resolve_link(notification.link)
    arguments: dict[str, Any] = dict(values)
    try:
        return url_for(endpoint, **arguments)
    except BuildError:
        return url_for("notifications.index")


@bp.get("")
@requires(Action.VIEW_OWN_NOTIFICATIONS)
def index() -> str:
    """The signed-in person's notifications, newest first."""
    user = current_actor()
    page = db.paginate(
        notifications.notifications_for(user),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    targets = {n.id: _target(n) for n in page.items}
    return render_template(
        "notifications/index.html",
        page=page,
        targets=targets,
        unread=unread_for_current_user(),
    )


@bp.post("/<int:notification_id>/read")
@requires(Action.VIEW_OWN_NOTIFICATIONS)
def read(notification_id: int) -> Response:
    """Mark one notification read and go where it leads."""
    notification = _own_or_404(notification_id)
    user = current_actor()
    apply_or_flash(lambda: notifications.mark_read(user, notification))
    return redirect(_target(notification))


@bp.post("/read-all")
@requires(Action.VIEW_OWN_NOTIFICATIONS)
def read_all() -> Response:
    """Mark all of one's notifications read."""
    user = current_actor()
    if apply_or_flash(lambda: notifications.mark_all_read(user)):
        flash(_("All your notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))
