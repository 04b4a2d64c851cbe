"""Fixtures: a migrated real database (SQLite file or PostgreSQL), one rolled-back transaction
per test, a real SMTP server, and signed-in clients."""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from limits.storage import MemoryStorage
from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from app import create_app
from app.extensions import db, limiter
from tests.builders.web import committed
from tests.databases import fresh_database, worker_id
from tests.s3_server import S3Server, start_s3_server
from tests.smtp_server import Inbox, start_smtp_server


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database of this worker's own, upgraded to head by the real migrations: a
    SQLite file, or a PostgreSQL database beside TEST_DATABASE_URL's (so workers run in
    parallel on both)."""
    url = fresh_database(
        os.environ.get("TEST_DATABASE_URL"), f"suite_{worker_id()}", tmp_path_factory.mktemp("db")
    )
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def smtp() -> Iterator[Inbox]:
    """A real SMTP server for the whole run."""
    controller, inbox = start_smtp_server()
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """A real S3-compatible server (SeaweedFS) for the whole run, started when first asked for;
    its credentials are put in this process's environment, where boto3 reads them."""
    server = start_s3_server(tmp_path_factory.mktemp("seaweedfs"))
    saved = {name: os.environ.get(name) for name in server.environment()}
    os.environ.update(server.environment())
    yield server
    server.stop()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def mailbox(smtp: Inbox) -> Inbox:
    """The SMTP inbox, emptied for this test."""
    smtp.messages.clear()
    return smtp


@pytest.fixture(scope="session")
def clip_folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Where the apps under test keep uploaded clips (never the checkout's instance folder)."""
    return str(tmp_path_factory.mktemp("clips"))


@pytest.fixture
def app_settings(database_url: str, smtp: Inbox, clip_folder: str) -> dict[str, object]:
    """Settings for the app under test; tests may override entries before `app` is built."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CLIP_STORAGE_DIR": clip_folder,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp.port,
        "WTF_CSRF_ENABLED": False,
    }


# Building the app (two dozen blueprints, hundreds of rules) costs ~60 ms: consecutive tests with
# the same settings share one, its configuration put back and its rate-limit counters emptied.
# Flask-Limiter keeps one storage, the last app's: an app is shared only while its storage is
# the one in use (any other create_app, e.g. with Redis counters, ends the sharing).
@dataclass
class _Shared:
    key: str
    app: Flask
    config: dict[str, object]
    storage: object


_shared: list[_Shared] = []


def _shared_app(settings: dict[str, object]) -> Flask:
    key = repr(sorted(settings.items()))
    # An application context left open by an earlier test would lend its `g` (and the user
    # Flask-Login keeps there) to every request of the same app: no sharing then.
    reusable = not has_app_context() and limiter.storage is (_shared[0].storage if _shared else 0)
    if reusable and _shared[0].key == key:
        kept = _shared[0]
        kept.app.config.clear()
        kept.app.config.update(kept.config)
        # Pages kept until the audit log changes (app/web/kept.py) were gathered from another
        # test's database, rolled back since: its newest entry may look like this one's.
        for store in ("pipeline_dashboards", "coordinator_summaries"):
            kept.app.extensions.pop(store, None)
        assert isinstance(limiter.storage, MemoryStorage), "tests share apps with memory counters"
        limiter.storage.reset()
        return kept.app
    application = create_app("test", settings)
    _shared[:] = [_Shared(key, application, dict(application.config), limiter.storage)]
    return application


@pytest.fixture
def app(app_settings: dict[str, object]) -> Iterator[Flask]:
    """The app, with every session joined to one outer transaction rolled back after the test."""
    application = _shared_app(app_settings)
    with application.app_context():
        connection = db.engine.connect()
    transaction = connection.begin()
    original_session = db.session
    db.session = scoped_session(
        # Objects made by fixtures stay readable after their short app context has ended.
        sessionmaker(
            bind=connection,
            join_transaction_mode="create_savepoint",
            class_=Session,
            expire_on_commit=False,
        ),
        scopefunc=_app_ctx_id,
    )
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
        db.session = original_session
        transaction.rollback()
        connection.close()
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def more_apps() -> Iterator[Callable[..., Flask]]:
    """Build further apps, as servers started again with other settings would be; their
    database connections are closed after the test (an engine left open leaks them)."""
    built: list[Flask] = []

    def build(settings: dict[str, object], config: str = "test") -> Flask:
        built.append(create_app(config, settings))
        return built[-1]

    yield build
    for application in built:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def ctx(app: Flask) -> Iterator[Flask]:
    """An application context for service-level tests (not for tests that use the client:
    Flask would reuse this context, and `g`, for every request)."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like client."""
    return app.test_client()


@pytest.fixture
def schemes(app: Flask) -> None:
    """The shipped scheme and framework definitions, loaded through the real loader."""
    from app.services.schemes.files import default_schemes_dir
    from app.services.schemes.loader import load_definitions

    with committed(app):
        load_definitions(None, default_schemes_dir())


@pytest.fixture
def committing_app(database_url: str, smtp: Inbox) -> Iterator[Flask]:
    """An app whose sessions really commit (for concurrency tests on PostgreSQL); every table
    is emptied afterwards with TRUNCATE, which the audit table's row triggers do not block."""
    application = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
            "WTF_CSRF_ENABLED": False,
        },
    )
    with application.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL (SQLite serialises writers itself)")
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            tables = ", ".join(t.name for t in reversed(db.metadata.sorted_tables))
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.engine.dispose()
