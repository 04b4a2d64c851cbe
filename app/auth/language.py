"""The language of the pages before signing in: the browser's (Accept-Language) unless the
visitor chose another in the footer, kept in a cookie. Signed in, the account's own applies."""

from flask import Blueprint, current_app, redirect, request, url_for
from werkzeug.wrappers import Response

from app.authz.web import public
from app.i18n import LANGUAGE_COOKIE
from app.web.redirects import safe_next

YEAR = 365 * 24 * 3600

bp = Blueprint("language", __name__)


@bp.post("/language")
@public
def choose_language() -> Response:
    """Keep the visitor's choice of language (one offered; anything else is ignored)."""
    code = request.form.get("language", "")
    back = safe_next(request.form.get("next")) or url_for("auth.login")
    response = redirect(back)
    if code in current_app.config["LANGUAGES"]:
        secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
        response.set_cookie(
            LANGUAGE_COOKIE, code, max_age=YEAR, httponly=True, samesite="Lax", secure=secure
        )
    return response
