"""Downloading a person's data: one's own from the account page, anyone's for a coordinator."""

import io

from flask import Blueprint, abort, send_file
from werkzeug.wrappers import Response

from app.authz.actions import Action
from app.authz.web import current_actor, requires
from app.database import reading_only
from app.extensions import db
from app.i18n import local_today
from app.models import User
from app.services.privacy import subject_access

from .archive import gather_archive, render_archive

bp = Blueprint("subject_access", __name__)


def _send(actor: User, person: User) -> Response:
    today = local_today()
    archive = gather_archive(person, today)
    # No write lock is held while the portfolios render; the export is recorded after.
    db.session.rollback()
    with reading_only():
        content = render_archive(archive)
        db.session.rollback()
    subject_access.record_export(actor, person, len(archive.portfolios))
    db.session.commit()
    response = send_file(
        io.BytesIO(content),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"attune-data-{person.id}-{today.isoformat()}.zip",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/account/data")
@requires(Action.EXPORT_OWN_DATA)
def own_data() -> Response:
    """Everything Attune holds about the signed-in person, as a ZIP."""
    user = current_actor()
    return _send(user, user)


@bp.post("/people/<int:user_id>/data")
@requires(Action.EXPORT_PERSON_DATA)
def person_data(user_id: int) -> Response:
    """A coordinator downloads everything Attune holds about a person, as a ZIP."""
    person = db.session.get(User, user_id) or abort(404)
    return _send(current_actor(), person)
