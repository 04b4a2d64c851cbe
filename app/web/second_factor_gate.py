"""Someone whose role requires a second factor and who signed in without one may do nothing but
set one up (or sign out): every other page sends them to their security page."""

from flask import Flask, request, url_for
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from app.web.signed_in import current_login

ALLOWED = frozenset(
    {
        "static",
        "health.healthz",
        "health.favicon",
        "auth.logout",
        "second_factor.security",
        "second_factor.app_start",
        "second_factor.app_setup",
        "second_factor.passkey_options",
        "second_factor.passkey_add",
        "second_factor.recovery_codes",
    }
)


def _hold() -> Response | None:
    if request.endpoint in ALLOWED or request.endpoint is None:
        return None
    login = current_login()
    if login is None or not login.awaiting_setup:
        return None
    return redirect(url_for("second_factor.security"), 303)


def init_app(app: Flask) -> None:
    """Hold sessions awaiting a second factor before every request."""
    app.before_request(_hold)
