"""Fixtures for the real-HTTP layer: a gunicorn-served app per test module, on SQLite or (with
TEST_DATABASE_URL) PostgreSQL, and browsers signed in as the demo's people."""

import os
import re
from collections.abc import Callable, Iterator

import pytest

from tests.databases import fresh_database, worker_id
from tests.live.client import Browser
from tests.live.server import DemoTemplate, LiveServer, seed_template, serve
from tests.smtp_server import Inbox


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, smtp: Inbox) -> DemoTemplate:
    """The demo, migrated and seeded once for this test worker (each server gets a copy)."""
    name = f"live_{worker_id()}_template"
    folder = tmp_path_factory.mktemp(name)
    url = fresh_database(os.environ.get("TEST_DATABASE_URL"), name, folder)
    return seed_template(folder, url, smtp.port)


@pytest.fixture(scope="module")
def live_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_template: DemoTemplate,
    smtp: Inbox,
) -> Iterator[LiveServer]:
    """The app under gunicorn (2 workers, 2 threads each) on a copy of the demo, for this
    module. The module fails if the server logged an unhandled error, whatever the tests saw."""
    name = re.sub(r"\W+", "_", f"live_{worker_id()}_{request.module.__name__.split('.')[-1]}")
    folder = tmp_path_factory.mktemp(name)
    with serve(folder, demo_template, smtp.port, name=name) as server:
        yield server
        errors = server.errors_logged()
    assert not errors, "the server logged unhandled errors:\n" + server.log_text()[-20000:]


@pytest.fixture
def browser_for(live_server: LiveServer) -> Callable[[str | None], Browser]:
    """A new browser, signed in as the demo account of a role (or an e-mail), or anonymous."""

    def make(who: str | None) -> Browser:
        browser = Browser(live_server.url)
        if who is not None:
            browser.sign_in(*live_server.accounts[who])
        return browser

    return make
