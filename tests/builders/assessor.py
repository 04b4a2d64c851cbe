"""Stage meetings naming an assessor, made cheaply: requested by exception on a new enrolment."""

from datetime import date

from app.models import MeetingStatus, Role, StageMeeting, User
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings as signoff
from tests.builders.people import enrolled_trainee, make_user

TODAY = date(2026, 11, 24)


def named_meeting(assessor: User) -> tuple[StageMeeting, User]:
    """A stage 1 meeting, requested by exception, with `assessor` named; and its coordinator."""
    enrolment = enrolled_trainee()
    coordinator = make_user(Role.COORDINATOR)
    meeting = signoff.request_meeting(
        coordinator, enrolment, progress_for(enrolment, TODAY), "Prior learning"
    )
    return signoff.name_assessor(coordinator, meeting.id, assessor, TODAY), coordinator


def record_pass(assessor: User, meeting: StageMeeting) -> None:
    """The assessor passes the meeting."""
    decide.record_outcome(
        assessor, meeting.id, MeetingStatus.PASSED, TODAY, 60, [], "", "", None, TODAY
    )
