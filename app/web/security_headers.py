"""Security headers on every response (pages, error pages, static files, downloads).

Flask-Talisman sets them: it is the library Flask's own security documentation points to, small
enough to read whole, and it covers CSP, frame options, nosniff, Referrer-Policy and HSTS in one
after_request hook. Its defaults assume it alone decides about HTTPS (it redirects plain HTTP and
marks the session cookie Secure), so every such choice is passed in from our config instead:
tests and development stay on plain HTTP, production keeps its own cookie settings.
"""

from flask import Flask
from flask_talisman import Talisman

# Only the app's own files: no inline script or style (templates have none; a test keeps it so),
# no plugins, no <base> tricks, forms post only to us, and no framing by anyone.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
PERMISSIONS_POLICY = {"camera": "()", "microphone": "()", "geolocation": "()"}
HSTS_MAX_AGE = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Attach the headers to every response of this app."""
    # One Talisman per app: it keeps its options on itself, so a shared instance would let the
    # last app built (say, a production one in a test) decide the headers of every other.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["HSTS_ENABLED"],
        strict_transport_security_max_age=HSTS_MAX_AGE,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
