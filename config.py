"""Settings for each environment, read from the environment where it matters."""

import base64
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSECURE_DEV_SECRET = "dev-only-secret-not-for-production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Earlier secret keys, comma-separated, still accepted while a new one is rolled out
    # (sessions, and authenticator-app secrets sealed under a key derived from it).
    SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'attune.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # On SQLite, how long a write waits for another's to finish before "busy, try again".
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # Roles whose holders must have a second factor until a coordinator decides otherwise on the
    # policy page (comma-separated; assessors are supervisors).
    SECOND_FACTOR_REQUIRED_ROLES = os.environ.get(
        "SECOND_FACTOR_REQUIRED_ROLES", "coordinator,supervisor"
    )

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # HSTS is sent (over HTTPS) in production only; redirecting plain HTTP is left to the TLS
    # proxy unless FORCE_HTTPS asks the app to do it.
    HSTS_ENABLED = False
    FORCE_HTTPS = _env_bool("FORCE_HTTPS", False)
    WTF_CSRF_ENABLED = True
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # memory:// counts in each process: fine for one, useless across several (see limit_storage).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Several installations may share one Redis (the live test servers do).
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    # How many processes serve the app (gunicorn reads the same variable for its workers).
    WEB_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY", "1"))
    # Failed sign-ins only. A browser that has signed in to the account before (its device
    # cookie) is held only by the per-device limit, so strangers cannot lock the owner out.
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = os.environ.get(
        "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS", "5 per 15 minutes"
    )
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "20 per hour")
    LOGIN_LIMIT_PER_DEVICE = os.environ.get("LOGIN_LIMIT_PER_DEVICE", "10 per 15 minutes")
    DEVICE_COOKIE_DAYS = int(os.environ.get("DEVICE_COOKIE_DAYS", "365"))
    RESET_LIMIT_PER_ADDRESS = os.environ.get("RESET_LIMIT_PER_ADDRESS", "10 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Attune <no-reply@attune.local>")
    MAIL_ECHO_TO_CONSOLE = _env_bool("MAIL_ECHO_TO_CONSOLE", False)
    # Flask-Mail would silently drop mail under TESTING; the suite uses a real SMTP server instead.
    MAIL_SUPPRESS_SEND = False

    INVITE_VALID_HOURS = int(os.environ.get("INVITE_VALID_HOURS", "168"))
    RESET_VALID_MINUTES = int(os.environ.get("RESET_VALID_MINUTES", "60"))
    PAGE_SIZE = 25
    # Computed progress kept between requests, per process (app/services/progress/kept.py).
    PROGRESS_KEPT = int(os.environ.get("PROGRESS_KEPT", "4096"))
    DIGEST_WAIT_DAYS = int(os.environ.get("DIGEST_WAIT_DAYS", "14"))
    # The coordinators' at-risk list: no confirmed supervision held in this many weeks, or a
    # session left unconfirmed by the own supervisor for more than this many days.
    AT_RISK_SUPERVISION_WEEKS = int(os.environ.get("AT_RISK_SUPERVISION_WEEKS", "8"))
    AT_RISK_UNCONFIRMED_DAYS = int(os.environ.get("AT_RISK_UNCONFIRMED_DAYS", "14"))
    # With both set, certificate PDFs are digitally signed (PAdES).
    ISSUER_KEY_FILE = os.environ.get("ISSUER_KEY_FILE") or None
    ISSUER_CERT_FILE = os.environ.get("ISSUER_CERT_FILE") or None
    # What the certificate prints of the association: its name (empty: the awarding body the
    # scheme names, as stored on each certificate), its mark (an SVG, PNG or JPEG file, a path
    # relative to instance/ unless absolute; none: Attune's own mark), the chair's name under
    # the chair's signature line (empty: "Chair" alone), and its country, which completes a
    # holder's bare language when dates are written out (en in GB: "7 February 2026").
    ASSOCIATION_NAME = os.environ.get("ASSOCIATION_NAME", "")
    ASSOCIATION_MARK = os.environ.get("ASSOCIATION_MARK") or None
    ASSOCIATION_CHAIR = os.environ.get("ASSOCIATION_CHAIR", "")
    ASSOCIATION_TERRITORY = os.environ.get("ASSOCIATION_TERRITORY", "GB")

    # English as read in the association's territory (see ASSOCIATION_TERRITORY): "7 Feb 2026".
    # Documents rendered outside a request (background jobs) use it too.
    BABEL_DEFAULT_LOCALE = "en_GB"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Europe/London")
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    # The languages offered: each has a catalogue in translations/<code>/ (README: adding one).
    LANGUAGES = ["en", "nl"]
    # Adds the pseudo-locale en-XA to LANGUAGES (app/pseudo_locale/): every message accented,
    # bracketed and a third longer, to find text left untranslated. Never in production.
    PSEUDO_LOCALE = _env_bool("PSEUDO_LOCALE", False)

    # Background jobs (portfolio PDFs): an RQ queue on Redis when REDIS_URL is set, shared by
    # every app server and worked by `flask jobs worker`; otherwise a thread in the web process.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    JOBS_BACKEND = os.environ.get("JOBS_BACKEND") or ("rq" if REDIS_URL else "thread")
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "attune")
    JOBS_TIMEOUT = int(os.environ.get("JOBS_TIMEOUT", "600"))

    CLIP_STORAGE = os.environ.get("CLIP_STORAGE", "local")
    CLIP_STORAGE_DIR = os.environ.get("CLIP_STORAGE_DIR", str(BASE_DIR / "instance" / "clips"))
    CLIP_MAX_BYTES = int(os.environ.get("CLIP_MAX_BYTES", str(100 * 1024 * 1024)))
    CLIP_TYPES = ("video/mp4", "video/webm", "video/quicktime")
    # Every clip is sealed (AES-256-GCM) under its own data key, wrapped by a key-encryption
    # key: CLIP_KEYS ("id=base64,id2=base64") or CLIP_KEY_FILE (lines "id base64"), the last
    # listed (or CLIP_KEY_ID) wrapping new clips. `flask clips create-key` writes a key file.
    CLIP_KEYS = os.environ.get("CLIP_KEYS", "")
    CLIP_KEY_FILE = os.environ.get("CLIP_KEY_FILE", str(BASE_DIR / "instance" / "clip-keys"))
    CLIP_KEY_ID = os.environ.get("CLIP_KEY_ID", "")
    # CLIP_STORAGE=s3: any S3-compatible store; credentials from the environment as boto3 reads
    # them (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, or an instance role).
    CLIP_S3_ENDPOINT = os.environ.get("CLIP_S3_ENDPOINT") or None
    CLIP_S3_BUCKET = os.environ.get("CLIP_S3_BUCKET", "")
    CLIP_S3_REGION = os.environ.get("CLIP_S3_REGION") or None
    CLIP_S3_PREFIX = os.environ.get("CLIP_S3_PREFIX", "")
    CLIP_S3_PATH_STYLE = _env_bool("CLIP_S3_PATH_STYLE", True)  # on-premise stores want it


class DevelopmentConfig(Config):
    """Local development on the embedded SQLite database; mail is echoed to the console."""

    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEV_SECRET)
    # `flask certificates create-issuer-key` writes these for development and the demo.
    ISSUER_KEY_FILE = os.environ.get(
        "ISSUER_KEY_FILE", str(BASE_DIR / "instance" / "issuer-key.pem")
    )
    ISSUER_CERT_FILE = os.environ.get(
        "ISSUER_CERT_FILE", str(BASE_DIR / "instance" / "issuer-cert.pem")
    )
    MAIL_ECHO_TO_CONSOLE = _env_bool("MAIL_ECHO_TO_CONSOLE", True)
    # A name, not 127.0.0.1: browsers make no passkeys for an IP address.
    BASE_URL = os.environ.get("BASE_URL", "http://localhost:5000")
    # The demo's accounts sign in with a password alone unless asked otherwise (README).
    SECOND_FACTOR_REQUIRED_ROLES = os.environ.get("SECOND_FACTOR_REQUIRED_ROLES", "")


class TestConfig(Config):
    """The test suite: a database URL chosen by the test run, limits kept on, no real secrets."""

    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    BASE_URL = "http://attune.test"
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_ECHO_TO_CONSOLE = False
    # Jobs run at once inside the request; the thread and RQ paths have tests of their own.
    JOBS_BACKEND = "inline"
    # Optional unless a test requires it (tests/builders/second_factor.py).
    SECOND_FACTOR_REQUIRED_ROLES = ""
    REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    # A fresh key-encryption key for each test process (servers it starts are given it).
    CLIP_KEYS = os.environ.get("CLIP_KEYS") or f"test={base64.b64encode(os.urandom(32)).decode()}"


class ProductionConfig(Config):
    """Production: a real secret, a real database and Secure cookies are required."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_ENABLED = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    PSEUDO_LOCALE = False

    @staticmethod
    def check(settings: dict) -> None:
        """Refuse to start with a missing or placeholder secret key or database URL."""
        secret = settings.get("SECRET_KEY") or ""
        if secret == INSECURE_DEV_SECRET or len(secret) < 32:
            raise RuntimeError(
                "Production needs SECRET_KEY set to a random value of 32+ characters."
            )
        if not settings.get("SQLALCHEMY_DATABASE_URI"):
            raise RuntimeError("Production needs DATABASE_URL, e.g. postgresql+psycopg://...")
        problem = limit_storage_problem(settings, int(settings.get("WEB_CONCURRENCY") or 1))
        if problem:
            raise RuntimeError(problem)
        from app.storage.keys import ring_from_settings

        if ring_from_settings(settings) is None:
            raise RuntimeError(
                "Production seals every clip: set CLIP_KEY_FILE (write one with `flask clips "
                "create-key`) or CLIP_KEYS to its key-encryption keys."
            )


def limit_storage_problem(settings: dict, processes: int) -> str | None:
    """Why the rate-limit storage cannot work for this many server processes, or None."""
    uri = str(settings.get("RATELIMIT_STORAGE_URI") or "memory://")
    if processes > 1 and settings.get("RATELIMIT_ENABLED", True) and uri.startswith("memory://"):
        return (
            f"{processes} server processes with RATELIMIT_STORAGE_URI={uri}: each process would "
            "count sign-in attempts on its own, multiplying every limit. Set "
            "RATELIMIT_STORAGE_URI=redis://HOST:6379 (shared by every process), or run one worker."
        )
    return None


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
