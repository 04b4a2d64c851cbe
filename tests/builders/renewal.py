"""A practitioner accredited through the real sign-off workflow and holding a certificate, and
the evidence certificate renewal counts (schemes loaded first)."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from app.extensions import db
from app.models import (
    Case,
    CaseSetting,
    Certificate,
    Enrolment,
    MeetingStatus,
    MilestoneKind,
    Role,
    SupervisorGrade,
    User,
)
from app.services.certificates import issuing
from app.services.evidence import cases, films, milestones
from app.services.people import enrolments
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import current_scheme, make_user, stage_of

DUTCH = "nl-vig-practitioner"  # certificates expire after 36 months and are renewed
NO_RENEWAL = "aviguk-practitioner"  # certificates do not expire


@dataclass
class Practitioner:
    """The accredited practitioner, the people around them, and their certificate."""

    enrolment: Enrolment
    trainee: User
    supervisor: User
    coordinator: User
    certificate: Certificate


def accredited(scheme_code: str = DUTCH, accredited_on: date = date(2026, 11, 24)) -> Practitioner:
    """Enrolled 20 months before `accredited_on`, every stage advanced to the last, whose meeting
    (requested by a coordinator's exception) passes and is ratified on `accredited_on`; then the
    certificate is issued."""
    scheme = current_scheme(scheme_code)
    coordinator = make_user(Role.COORDINATOR)
    trainee, supervisor = make_user(Role.TRAINEE), make_user(Role.SUPERVISOR)
    started_on = accredited_on - relativedelta(months=20)
    enrolment = enrolments.enrol(
        coordinator, trainee, scheme, started_on, stage_of(scheme, 1), supervisor, accredited_on
    )
    last = max(s.number for s in scheme.stages)
    while enrolment.current_stage is not None and enrolment.current_stage.stage.number < last:
        enrolments.advance_stage(coordinator, enrolment, accredited_on - timedelta(days=30))
        db.session.expire(enrolment)
    meeting = meetings.request_meeting(
        coordinator, enrolment, progress_for(enrolment, accredited_on), "test: prior learning"
    )
    assessor = make_user(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED)
    meetings.name_assessor(coordinator, meeting.id, assessor, accredited_on)
    passed, on = MeetingStatus.PASSED, accredited_on
    decide.record_outcome(assessor, meeting.id, passed, on, 60, [], "", "", None, on)
    ratification.ratify(coordinator, meeting.id, accredited_on)
    # Ratification is stamped with the real clock; the test's calendar decides the date.
    meeting.ratified_at = datetime.combine(accredited_on, time(12), tzinfo=UTC)
    db.session.flush()
    certificate = issuing.issue(coordinator, enrolment, trainee.display_name, False)
    return Practitioner(enrolment, trainee, supervisor, coordinator, certificate)


def add_case(p: Practitioner, day: date, today: date) -> Case:
    """A case with one complete cycle, its shared review on `day`."""
    case = cases.create_case(
        p.trainee, p.enrolment, CaseSetting.FAMILY, "", "", "", day, None, today
    )
    films.save_cycle(p.trainee, case, day, True, day, False, "", today)
    return case


def add_session(p: Practitioner, day: date, today: date) -> None:
    """A supervision session on `day`, logged and confirmed."""
    session = sessions.save_session(
        p.trainee,
        p.enrolment,
        SessionDetails(p.supervisor, day, 60, False, False, False, "", "", ""),
        today,
    )
    sessions.confirm_session(p.supervisor, session)


def add_milestone(p: Practitioner, kind: MilestoneKind, day: date, today: date) -> None:
    """An intervision session, a peer presentation ... on `day`."""
    milestones.record_milestone(p.trainee, p.enrolment, kind, "", day, "", "", today)


def meet_renewal(p: Practitioner, first_day: date, today: date, cases_: int = 10) -> None:
    """What the Dutch scheme asks for renewal (10 cases, 3 supervisions, an intervision session
    and a peer presentation), dated a day apart from `first_day` (fewer cases if told)."""
    for i in range(cases_):
        add_case(p, first_day + timedelta(days=i), today)
    for i in range(3):
        add_session(p, first_day + timedelta(days=i), today)
    add_milestone(p, MilestoneKind.INTERVISION_SESSION, first_day, today)
    add_milestone(p, MilestoneKind.PEER_PRESENTATION, first_day, today)
