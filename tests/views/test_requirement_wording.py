"""The requirement lines on the enrolment and home pages: one sentence each of what is done and
what is left, plural forms for one and for several, and no stray separator."""

import re

import pytest

from tests.builders.people import enrolled_trainee
from tests.builders.web import client_as, committed


@pytest.fixture
def enrolment(app, schemes):
    with committed(app):
        made = enrolled_trainee()
        return {"id": made.id, "trainee": made.trainee.email}


def _lines(page: str) -> list[str]:
    return re.findall(r'<span class="req-figures">(.*?)</span>', page, re.S)


def test_the_enrolment_page_says_what_is_done_and_what_is_left(app, enrolment):
    client = client_as(app, enrolment["trainee"])
    page = client.get(f"/enrolments/{enrolment['id']}").get_data(as_text=True)
    current = page.split('id="stage-1"')[1].split('id="stage-2"')[0]
    lines = _lines(current)
    # Stage 1 of the current AVIGuk scheme, nothing recorded yet.
    assert "0 of 6 complete cycles — 6 more to go" in lines
    assert "0 of 2 clients — 2 more to go" in lines
    assert "0 min of 7 h of confirmed supervision — 7 h still needed" in lines
    assert "0 of 1 meeting — 1 more to go" in lines  # one: singular
    assert 'class="req-missing"' not in current and "still to do" not in current


def test_a_stage_to_come_has_no_leading_separator(app, enrolment):
    client = client_as(app, enrolment["trainee"])
    page = client.get(f"/enrolments/{enrolment['id']}").get_data(as_text=True)
    to_come = page.split('id="stage-2"')[1]
    dates = re.search(r'<p class="muted">(.*?)</p>', to_come, re.S)
    assert dates is not None
    assert dates.group(1).startswith("Expected to end by ")
    assert "·" not in dates.group(1)


def test_the_home_page_uses_the_same_sentences(app, enrolment):
    page = client_as(app, enrolment["trainee"]).get("/").get_data(as_text=True)
    assert "0 of 6 complete cycles — 6 more to go" in _lines(page)
    assert "0 of 1 meeting — 1 more to go" in _lines(page)
