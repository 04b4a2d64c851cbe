"""Pages show progress kept between requests, and never a stale one: a cycle logged by the
trainee shows on the supervisor's pages at their next request."""

import re

import pytest

from app.services.progress import kept
from tests.builders.evidence import build_world
from tests.builders.web import client_as, committed


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return build_world()


def _cycles_percent(page: str) -> str:
    """The cycles requirement's progress bar (the home's table, where its visible text labels
    it, and the enrolment page)."""
    found = re.search(
        r'<progress max="100" value="(\d+)"(?: aria-label="6 VIG cycles">|></progress> '
        r'<span class="muted">6 VIG cycles</span>)',
        page,
    )
    assert found, page
    return found.group(1)


def test_a_cycle_logged_shows_at_once_on_pages_that_kept_the_progress(app, world):
    supervisor = client_as(app, world.supervisor)
    trainee = client_as(app, world.trainee)
    pages = ("/", f"/enrolments/{world.enrolment_id}")
    before = [supervisor.get(path).get_data(as_text=True) for path in pages]
    assert [_cycles_percent(page) for page in before] == ["16", "16"]  # 1 of 6
    store = app.extensions[kept.STORE_KEY]
    kept_before = len(store)
    assert supervisor.get(pages[1]).status_code == 200
    assert len(store) == kept_before  # served from what was kept

    response = trainee.post(
        f"/cases/{world.case_id}/cycles/new",
        data={
            "filmed_on": "2026-03-02",
            "micro_analysis_done": "y",
            "shared_review_on": "2026-03-05",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    after = [supervisor.get(path).get_data(as_text=True) for path in pages]
    assert [_cycles_percent(page) for page in after] == ["33", "33"]  # 2 of 6
