"""The app served on 127.0.0.1 from its own SQLite database seeded with the demo, and Debian's
headless Chromium driven by Playwright (no browser download). Screenshots of each step are kept
under test-artifacts/e2e/."""

import os
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.documents.signing import create_issuer_key
from app.extensions import db
from tests.smtp_server import Inbox

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (apt-get install chromium)")
        pytest.skip("no chromium executable (apt-get install chromium); .ci/run installs it")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LiveApp:
    """The served app and its address."""

    app: Flask
    url: str
    issuer_cert: Path


@contextmanager
def serve_demo(folder: Path, smtp_port: int, **settings: object) -> Iterator[LiveApp]:
    """The app seeded with the demo in `folder`, served over real HTTP until the block ends;
    `settings` override the test configuration (PSEUDO_LOCALE=True, say)."""
    key, cert = create_issuer_key(folder, "Attune demo issuer")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(
        "test",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.db'}",
            "BASE_URL": url,
            "SERVER_NAME": None,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "ISSUER_KEY_FILE": str(key),
            "ISSUER_CERT_FILE": str(cert),
            "JOBS_BACKEND": "thread",
            "CLIP_STORAGE_DIR": str(folder / "clips"),
            **settings,
        },
    )
    with app.app_context():
        upgrade()
        seeded = app.test_cli_runner().invoke(args=["seed-demo"])
        assert seeded.exit_code == 0, seeded.output
        db.engine.dispose()
    server = make_server("127.0.0.1", port, _closing(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveApp(app, url, cert)
    finally:
        server.shutdown()
        thread.join()


def skip_on_postgres_pass() -> None:
    """The browser journeys run once, in the SQLite pass, each on a database of its own."""
    if os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("the browser journeys run once, in the SQLite pass, on their own database")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, smtp: Inbox) -> Iterator[LiveApp]:
    """The real app over real HTTP, with the demo data (once per test module)."""
    skip_on_postgres_pass()
    with serve_demo(tmp_path_factory.mktemp("e2e"), smtp.port) as served:
        yield served


def _closing(app: Flask) -> Callable[[dict, Callable], Iterator[bytes]]:
    """The app with every response body closed, however its sending ends: when a browser drops
    a connection (a favicon it no longer wants), Werkzeug's development server can raise before
    it closes the body, leaving a static file open for the collector to warn about."""

    def serve(environ: dict, start_response: Callable) -> Iterator[bytes]:
        return _closed_after(app(environ, start_response))

    return serve


def _closed_after(body: Iterable[bytes]) -> Iterator[bytes]:
    try:
        yield from body
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian."""
    executable = _chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


class Steps:
    """Numbered screenshots of one test's journey."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / re.sub(r"[^\w-]+", "-", name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    def shot(self, page: Page, label: str) -> None:
        """Keep a full-page screenshot of this step."""
        self.count += 1
        page.screenshot(path=self.folder / f"{self.count:02d}-{label}.png", full_page=True)


@pytest.fixture
def steps(request: pytest.FixtureRequest) -> Steps:
    """Screenshots for this test, under test-artifacts/e2e/<test name>/."""
    return Steps(request.node.name)


def sign_in(page: Page, live: LiveApp, email: str, password: str) -> None:
    """Sign in through the real form."""
    page.goto(f"{live.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live.url}/")
