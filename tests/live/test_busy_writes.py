"""Writes while a portfolio renders in the background, on the served app: the embedded SQLite
default answered "database is locked" (500) to the subject-access download and other writes."""

import io
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, text

from tests.live.client import Browser
from tests.live.server import LiveServer


def _ids(server: LiveServer, email: str) -> tuple[int, int]:
    engine = create_engine(server.database_url)
    try:
        with engine.connect() as connection:
            return tuple(  # type: ignore[return-value]
                connection.execute(
                    text(
                        "SELECT u.id, e.id FROM users u JOIN enrolments e ON e.trainee_id = u.id"
                        " WHERE u.email = :email ORDER BY e.id LIMIT 1"
                    ),
                    {"email": email},
                ).one()
            )
    finally:
        engine.dispose()


def test_writes_land_while_a_portfolio_renders(
    live_server: LiveServer, browser_for: Callable[[str | None], Browser]
):
    email = live_server.accounts["trainee"][0]
    trainee_id, enrolment_id = _ids(live_server, email)
    trainee = browser_for("trainee")
    asked = trainee.submit(
        f"/enrolments/{enrolment_id}", f"/enrolments/{enrolment_id}/portfolio", {}
    )
    assert asked.status_code == 302, asked.text[:500]

    def download() -> tuple[int, bytes]:
        coordinator = browser_for("coordinator")
        response = coordinator.submit(f"/people/{trainee_id}", f"/people/{trainee_id}/data", {})
        return response.status_code, response.content

    def rename(n: int) -> int:
        person = browser_for("trainee")
        fields = {"display_name": f"Tess Trainee {n}", "timezone": "Europe/London"}
        fields["notify_by"] = "immediate"
        return person.submit("/account", "/account", fields).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        downloads = [pool.submit(download) for _ in range(2)]
        renames = [pool.submit(rename, n) for n in range(4)]
        results = [d.result() for d in downloads]
        statuses = [r.result() for r in renames]

    assert statuses == [302] * 4
    for status, content in results:
        assert status == 200
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert "attune-data.json" in archive.namelist()
    document = asked.headers["Location"]
    deadline = time.monotonic() + 60
    while "Ready" not in trainee.get(document).text:
        assert time.monotonic() < deadline, "the portfolio was never ready"
        time.sleep(0.5)
