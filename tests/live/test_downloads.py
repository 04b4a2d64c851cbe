"""Downloads read to the end over real HTTP: a streamed body that fails half-way is a failure
the test client does not show (it keeps the request's database session open)."""

from collections.abc import Callable

import pytest

from tests.live.client import Browser
from tests.live.server import text_has_trace

COORDINATOR_CSVS = [
    "/people/export.csv",
    "/enrolments/export.csv",
    "/cohorts/export.csv",
    "/cohorts/1/export.csv",
    "/coordination/at-risk/export.csv",
]


@pytest.mark.parametrize("path", COORDINATOR_CSVS)
def test_csv_exports_stream_to_the_end(browser_for: Callable[[str | None], Browser], path: str):
    response = browser_for("coordinator").get(path)
    assert response.status_code == 200, response.text[:500]
    body = response.content.decode("utf-8-sig")
    assert not text_has_trace(body)
    header, *rows = body.splitlines()
    assert header.startswith('"') and rows, body[:500]
