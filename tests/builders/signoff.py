"""A trainee whose stage 1 is complete, and the people around a stage meeting."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.extensions import db
from app.models import (
    CaseSetting,
    ConsentScope,
    Enrolment,
    FilmKind,
    MeetingStatus,
    Role,
    SupervisorGrade,
    User,
)
from app.services.evidence import cases, films
from app.services.people import enrolments
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification
from app.services.supervision import sessions as supervision
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import enrolled_trainee, make_user

TODAY = date(2026, 11, 24)
SCOPES = {ConsentScope.FILMING, ConsentScope.OWN_SUPERVISOR, ConsentScope.ASSESSOR}


@dataclass
class Cast:
    """Everyone involved, plus the enrolment."""

    enrolment: Enrolment
    trainee: User
    supervisor: User
    assessor: User
    coordinator: User
    stranger: User


def complete_stage_one(enrolment: Enrolment, sessions: int = 7) -> None:
    """6 complete cycles over 2 clients and `sessions` confirmed hours, all in stage 1."""
    trainee, supervisor = enrolment.trainee, enrolment.current_assignment.supervisor
    for c in range(2):
        start = enrolment.started_on + timedelta(days=3 + c)
        case = cases.create_case(
            trainee, enrolment, CaseSetting.FAMILY, "", "", "", start, None, TODAY
        )
        consent = cases.add_consent(trainee, case, "parent", start, SCOPES, None, TODAY)
        for y in range(3):
            filmed = start + timedelta(days=10 + y * 7)
            cycle = films.save_cycle(
                trainee, case, filmed, True, filmed + timedelta(days=2), False, "", TODAY
            )
            films.save_film(
                trainee, cycle, FilmKind.INTERACTION, filmed, 600, "drive", consent, TODAY
            )
    for s in range(sessions):
        day = enrolment.started_on + timedelta(days=20 + s * 10)
        session = supervision.save_session(
            trainee,
            enrolment,
            SessionDetails(supervisor, day, 60, False, False, False, "", "", ""),
            TODAY,
        )
        supervision.confirm_session(supervisor, session)


def cast(complete: bool = True) -> Cast:
    """The cast, with stage 1 complete unless told otherwise."""
    enrolment = enrolled_trainee(started_on=date(2026, 1, 5))
    if complete:
        complete_stage_one(enrolment)
    return Cast(
        enrolment=enrolment,
        trainee=enrolment.trainee,
        supervisor=enrolment.current_assignment.supervisor,
        assessor=make_user(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED),
        coordinator=make_user(Role.COORDINATOR),
        stranger=make_user(Role.SUPERVISOR),
    )


def accredit(people: Cast) -> None:
    """Open the last stages and ratify the final meeting: the enrolment is accredited."""
    enrolment = people.enrolment
    for _ in range(2):
        enrolments.advance_stage(people.coordinator, enrolment, TODAY - timedelta(days=10))
        db.session.expire(enrolment)
    meeting = meetings.request_meeting(
        people.coordinator, enrolment, progress_for(enrolment, TODAY), "test: final stage"
    )
    meetings.name_assessor(people.coordinator, meeting.id, people.assessor, TODAY)
    decide.record_outcome(
        people.assessor, meeting.id, MeetingStatus.PASSED, TODAY, 60, [], "", "", None, TODAY
    )
    ratification.ratify(people.coordinator, meeting.id, TODAY)


def accredited_world() -> dict[str, object]:
    """An accredited cast, as ids and e-mails for page tests (the caller commits)."""
    people = cast()
    accredit(people)
    return {
        "enrolment": people.enrolment.id,
        "coordinator": people.coordinator.email,
        "trainee": people.trainee.email,
        "stranger": people.stranger.email,
    }
