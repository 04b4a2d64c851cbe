"""What an assessor's home lists: the stage meetings naming them, and whom each waits for."""

import pytest

from app.models import Role, SupervisorGrade
from app.services.coordination import dashboards
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import ratification
from tests.builders.assessor import TODAY, named_meeting, record_pass
from tests.builders.people import make_user
from tests.query_counter import count_queries


@pytest.fixture
def ada(ctx):
    load_definitions(None, default_schemes_dir())
    return make_user(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED, name="Ada Assessor")


def test_each_meeting_says_whom_it_waits_for_theirs_first(ada):
    ratified, coordinator = named_meeting(ada)
    record_pass(ada, ratified)
    ratification.ratify(coordinator, ratified.id, TODAY)
    passed, _ = named_meeting(ada)
    record_pass(ada, passed)
    to_hold, _ = named_meeting(ada)
    named_meeting(make_user(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED))  # someone else's
    listed = [(item.meeting.id, item.waits_for) for item in dashboards.meetings_assessed_by(ada)]
    assert listed == [
        (to_hold.id, "assessor"),
        (passed.id, "coordinator"),
        (ratified.id, "nobody"),
    ]


def test_a_meeting_sent_back_waits_for_the_assessor_again_and_a_reopened_one_is_gone(ada):
    meeting, coordinator = named_meeting(ada)
    record_pass(ada, meeting)
    ratification.send_back(coordinator, meeting.id, "The statement is missing")
    [item] = dashboards.meetings_assessed_by(ada)
    assert item.waits_for == "assessor" and item.meeting.sent_back_reason
    record_pass(ada, meeting)
    ratification.ratify(coordinator, meeting.id, TODAY)
    ratification.reopen(coordinator, meeting.id, "Ratified by mistake")
    assert dashboards.meetings_assessed_by(ada) == []


def test_the_latest_meetings_done_come_newest_first_in_the_same_statement(app, ada):
    done = []
    for _ in range(dashboards.RECENTLY_DONE + 2):
        meeting, coordinator = named_meeting(ada)
        record_pass(ada, meeting)
        ratification.ratify(coordinator, meeting.id, TODAY)
        done.append(meeting.id)
    waiting, _ = named_meeting(ada)
    with count_queries(app) as statements:
        listed = dashboards.meetings_assessed_by(ada)
    assert len(statements) == 1
    newest_done = done[::-1][: dashboards.RECENTLY_DONE]
    assert [item.meeting.id for item in listed] == [waiting.id, *newest_done]
    assert [item.waits_for for item in listed] == ["assessor"] + ["nobody"] * len(newest_done)
