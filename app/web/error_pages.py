"""Error pages in the house style; no stack trace ever reaches the browser."""

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app.database import is_busy, reading_only
from app.extensions import db
from app.i18n import lazy_gettext as _l
from app.storage import STORE_ERRORS

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    403: (
        _l("Not for your role"),
        _l("This page is for another role. Ask a coordinator if you need it."),
    ),
    404: (_l("Not found"), _l("There is nothing here, or it is not yours to see.")),
    405: (_l("Not allowed"), _l("That action cannot be done this way.")),
    413: (_l("Too large"), _l("What you sent is larger than Attune accepts. Nothing was saved.")),
    429: (_l("Too many attempts"), _l("Please wait a few minutes before trying again.")),
    502: (
        _l("Stored copy damaged"),
        _l(
            "The stored copy fails its integrity check, so it is not shown. The error has been "
            "logged; please tell your coordinator."
        ),
    ),
    503: (
        _l("Busy, please try again"),
        _l("Attune was too busy to save this just now. Nothing was saved; please send it again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("The error has been logged. Nothing was saved; please try again."),
    ),
}


# A clip store that cannot be reached, or a clip whose store or key this server lacks.
CLIPS_UNAVAILABLE = (
    _l("Clips unavailable"),
    _l(
        "The store that keeps clips cannot be used just now, so nothing was changed. The error "
        "has been logged; please try again later, or tell your coordinator if it lasts."
    ),
)


def render_error(
    code: int, detail: str | None = None, wording: tuple[object, object] | None = None
) -> tuple[str, int]:
    """The house-style page for an HTTP status (its usual title and message, or `wording`)."""
    title, message = wording or MESSAGES.get(code, (HTTP_STATUS_CODES.get(code, str(code)), ""))
    page = render_template(
        "errors/error.html", code=code, title=title, message=message, detail=detail
    )
    return page, code


def _http_error(error: HTTPException) -> tuple[str, int]:
    return render_error(error.code or 500)


def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return render_error(
        400, str(_l("The form had expired. Please go back, reload and send it again."))
    )


def _database_error(error: OperationalError) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    if not is_busy(error):
        return _unexpected(error)
    db.session.rollback()
    current_app.logger.warning("Database busy on %s %s", request.method, request.path)
    # The page reads the signed-in person again; that must not wait for the busy writer.
    with reading_only():
        page, code = render_error(503)
    return page, code, {"Retry-After": "2"}


def _clip_store_error(error: Exception) -> tuple[str, int]:
    db.session.rollback()
    current_app.logger.error(
        "Clip storage failed on %s %s: %r", request.method, request.path, error
    )
    return render_error(503, wording=CLIPS_UNAVAILABLE)


def _unexpected(_error: Exception) -> tuple[str, int]:
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_error)
    for error in STORE_ERRORS:
        app.register_error_handler(error, _clip_store_error)
    app.register_error_handler(Exception, _unexpected)
