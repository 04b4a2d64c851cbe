"""Replies on a moment: the trainee and their own supervisor talk about it, each reply audited
and told to the other; nobody else replies; a sign-off that locks the film closes the thread."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, Case, Cycle, Film, MeetingStatus, Notification, Role
from app.services.evidence import films, moment_replies
from app.services.progress.snapshots import progress_for
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import decisions, meetings
from tests.builders.people import make_user
from tests.builders.signoff import TODAY, cast


@pytest.fixture
def people(ctx):
    load_definitions(None, default_schemes_dir())
    return cast()


def _moment(people):
    film = db.session.scalars(
        select(Film).join(Cycle).join(Case).where(Case.enrolment_id == people.enrolment.id)
    ).first()
    principle = people.enrolment.scheme.framework.principles[0]
    return films.add_moment(people.trainee, film, 1000, 5000, principle, None, "He looked up.")


def _told(person):
    return db.session.scalars(
        select(Notification.message).where(
            Notification.user_id == person.id, Notification.kind == "moment_reply"
        )
    ).all()


def test_the_trainee_and_their_supervisor_reply_each_told_of_the_other(people):
    moment = _moment(people)
    moment_replies.reply_to_moment(people.supervisor, moment, "  Lovely waiting here.  ")
    moment_replies.reply_to_moment(people.trainee, moment, "Thank you, I counted to five.")
    assert [(r.author_id, r.text) for r in moment.replies] == [
        (people.supervisor.id, "Lovely waiting here."),
        (people.trainee.id, "Thank you, I counted to five."),
    ]
    assert len(_told(people.trainee)) == 1 and len(_told(people.supervisor)) == 1
    entries = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "moment.replied").order_by(AuditEvent.id)
    ).all()
    assert [e.subject_type for e in entries] == ["moment_reply", "moment_reply"]
    assert entries[0].after == {"moment_id": moment.id, "text": "Lovely waiting here."}


@pytest.mark.parametrize("who", ["coordinator", "assessor", "stranger"])
def test_nobody_else_replies(people, who):
    moment = _moment(people)
    with pytest.raises(RuleViolation, match="Only the trainee and their own supervisor"):
        moment_replies.reply_to_moment(getattr(people, who), moment, "Hello")
    with pytest.raises(RuleViolation, match="Only the trainee and their own supervisor"):
        moment_replies.reply_to_moment(make_user(Role.SUPERVISOR), moment, "Hello")
    assert moment.replies == []


@pytest.mark.parametrize(
    ("text", "message"), [("   ", "Write your reply"), ("x" * 2001, "at most")]
)
def test_an_empty_or_overlong_reply_is_refused_beside_its_field(people, text, message):
    moment = _moment(people)
    with pytest.raises(RuleViolation, match=message) as refused:
        moment_replies.reply_to_moment(people.trainee, moment, text)
    assert refused.value.field == "text" and moment.replies == []


def test_a_sign_off_that_locks_the_film_closes_its_thread(people):
    moment = _moment(people)
    moment_replies.reply_to_moment(people.supervisor, moment, "Before the meeting.")
    meeting = meetings.request_meeting(
        people.trainee, people.enrolment, progress_for(people.enrolment, TODAY)
    )
    meetings.name_assessor(people.coordinator, meeting.id, people.assessor, TODAY)
    decisions.record_outcome(
        people.assessor,
        meeting.id,
        MeetingStatus.PASSED,
        TODAY - timedelta(days=1),
        60,
        [],
        "notes",
        "",
        None,
        TODAY,
    )
    with pytest.raises(RuleViolation, match="Locked"):
        moment_replies.reply_to_moment(people.supervisor, moment, "After the pass.")
    assert [r.text for r in moment.replies] == ["Before the meeting."]
