"""The daily digest's overdue items: meetings waiting too long, stages past their expected end."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.mail.notifications import send_daily_digests
from app.models import DigestSent
from app.services.coordination.overdue import overdue_lines
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import meetings as signoff
from app.services.wording import day_text
from tests.builders.signoff import TODAY, cast
from tests.builders.web import committed


@pytest.fixture
def people(ctx):
    load_definitions(None, default_schemes_dir())
    return cast()


def test_a_meeting_waiting_for_an_assessor_is_overdue_for_coordinators(people):
    meeting = signoff.request_meeting(
        people.trainee, people.enrolment, progress_for(people.enrolment, TODAY)
    )
    assert people.coordinator.id not in overdue_lines(TODAY, 14)
    meeting.requested_at = datetime(2026, 11, 1, 9, tzinfo=UTC)
    lines = overdue_lines(TODAY, 14)
    assert [line.english() for line in lines[people.coordinator.id]] == [
        f"The stage 1 meeting of {people.trainee.display_name} has waited 23 days for an assessor."
    ]
    signoff.name_assessor(people.coordinator, meeting.id, people.assessor, TODAY)
    named = overdue_lines(TODAY, 14)[people.assessor.id][0]
    assert "outcome is not recorded" in named.english()


def test_a_stage_past_its_expected_end_is_overdue_for_trainee_and_supervisor(people):
    late = TODAY + timedelta(days=400)
    lines = overdue_lines(late, 14)
    line = lines[people.trainee.id][0].english()
    assert "is past the expected end of stage 1" in line
    expected_end = progress_for(people.enrolment, late).current.expected_end
    assert line.endswith(f"({day_text(expected_end)}).")
    assert expected_end.isoformat() not in line
    assert lines[people.supervisor.id] == lines[people.trainee.id]


def test_overdue_items_reach_immediate_people_once_a_day(app, mailbox):
    with committed(app):
        load_definitions(None, default_schemes_dir())
        built = cast(complete=False)
        trainee_email, trainee_id = built.trainee.email, built.trainee.id
    late = TODAY + timedelta(days=400)
    with app.app_context():
        first = send_daily_digests(late, overdue_lines(late, 14))
        again = send_daily_digests(late, overdue_lines(late, 14))
        days = db.session.scalars(select(DigestSent.day).where(DigestSent.user_id == trainee_id))
        assert list(days) == [late]
    assert first >= 2 and again == 0
    [digest] = mailbox.to(trainee_email)
    assert "is past the expected end of stage 1" in mailbox.body(digest)


def test_the_digests_overdue_lines_are_in_the_recipients_language(app, mailbox):
    """Overdue lines are phrases: a Dutch trainee reads theirs in Dutch, with a Dutch date."""
    with committed(app):
        load_definitions(None, default_schemes_dir())
        built = cast(complete=False)
        built.trainee.locale = "nl"
        trainee_email = built.trainee.email
    late = TODAY + timedelta(days=400)
    with app.app_context():
        send_daily_digests(late, overdue_lines(late, 14))
    [digest] = mailbox.to(trainee_email)
    body = mailbox.body(digest)
    assert "is over het verwachte einde van fase 1 heen" in body
    assert "is past the expected end" not in body and "Also overdue" not in body
