"""`GET /healthz`: application and database status for load balancers; `GET /favicon.ico`:
the app's icon for browsers that ask for it by that name."""

from flask import Blueprint, current_app, jsonify, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from app.authz.web import public
from app.extensions import db, limiter
from app.storage import clip_storage

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
@public
def healthz() -> tuple[Response, int]:
    """200 with both statuses 'ok', or 503 naming what is down."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError:
        db.session.rollback()
        database = "unavailable"
    try:
        clip_storage().store.check()
        clips = "ok"
    except Exception:  # any store failure (unreachable, no bucket, no rights) is "unavailable"
        current_app.logger.exception("the clip store does not answer")
        clips = "unavailable"
    healthy = database == "ok" and clips == "ok"
    body = {
        "status": "ok" if healthy else "degraded",
        "application": "ok",
        "database": database,
        "clips": clips,
        "clip_store": clip_storage().store.name,
    }
    return jsonify(body), 200 if healthy else 503


@bp.get("/favicon.ico")
@limiter.exempt
@public
def favicon() -> Response:
    """static/favicon.svg (the page head links it too; some browsers and tools still ask for
    /favicon.ico first), cached for a day."""
    return send_from_directory(
        str(current_app.static_folder), "favicon.svg", mimetype="image/svg+xml", max_age=86400
    )
