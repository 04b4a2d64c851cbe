"""An association small enough to count by hand, for the pipeline dashboard and cohorts.

Relative to `today` (aviguk: 18 months expected, stage 1 typically 6 months; at-risk thresholds
8 weeks without confirmed supervision, 14 days unconfirmed):
- late: started 30 months ago, still in stage 1, confirmed supervision 10 days ago; its stage
  meeting passed and waits for ratification;
- fine: started 60 days ago, confirmed supervision 5 days ago; its meeting is requested and
  waits for an assessor;
- quiet: started 150 days ago, last confirmed supervision 100 days ago; its meeting has an
  assessor named;
- waiting: started 20 days ago, a session logged 16 days ago and still unconfirmed;
- renewing: Dutch scheme, accredited 33 months ago, certificate expiring in 3 months;
- revoked: accredited 10 days ago, certificate revoked: a certificate to issue.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from app.extensions import db
from app.models import Enrolment, MeetingStatus, Role, SupervisorGrade, User
from app.services.certificates import issuing
from app.services.people import enrolments
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import current_scheme, make_user, stage_of
from tests.builders.renewal import DUTCH, NO_RENEWAL, accredited


@dataclass
class PipelineWorld:
    """The enrolments by role in the story, and the people around them."""

    coordinator: User
    supervisor: User
    assessor: User
    late: Enrolment
    fine: Enrolment
    quiet: Enrolment
    waiting: Enrolment
    renewing: Enrolment
    revoked: Enrolment


def _enrol(coordinator: User, supervisor: User, name: str, started: date, today: date) -> Enrolment:
    scheme = current_scheme()
    trainee = make_user(Role.TRAINEE, name=name)
    return enrolments.enrol(
        coordinator, trainee, scheme, started, stage_of(scheme, 1), supervisor, today
    )


def _session(enrolment: Enrolment, supervisor: User, day: date, today: date, confirm: bool):
    session = sessions.save_session(
        enrolment.trainee,
        enrolment,
        SessionDetails(supervisor, day, 60, False, False, False, "", "", ""),
        today,
    )
    if confirm:
        sessions.confirm_session(supervisor, session)
    return session


def _meeting(coordinator: User, enrolment: Enrolment, today: date):
    progress = progress_for(enrolment, today)
    return meetings.request_meeting(coordinator, enrolment, progress, "test: prior learning")


def build(today: date) -> PipelineWorld:
    """The association above (schemes loaded first; the caller commits if it needs to)."""
    coordinator = make_user(Role.COORDINATOR, name="Cora Coordinator")
    supervisor = make_user(Role.SUPERVISOR, name="Sam Supervisor")
    assessor = make_user(Role.SUPERVISOR, name="Ada Assessor", grade=SupervisorGrade.ADVANCED)
    days = timedelta

    late = _enrol(coordinator, supervisor, "Lena Late", today - relativedelta(months=30), today)
    _session(late, supervisor, today - days(10), today, confirm=True)
    passed = _meeting(coordinator, late, today)
    meetings.name_assessor(coordinator, passed.id, assessor, today)
    decide.record_outcome(
        assessor, passed.id, MeetingStatus.PASSED, today, 60, [], "", "", None, today
    )

    fine = _enrol(coordinator, supervisor, "Finn Fine", today - days(60), today)
    _session(fine, supervisor, today - days(5), today, confirm=True)
    _meeting(coordinator, fine, today)

    quiet = _enrol(coordinator, supervisor, "Quinn Quiet", today - days(150), today)
    _session(quiet, supervisor, today - days(100), today, confirm=True)
    named = _meeting(coordinator, quiet, today)
    meetings.name_assessor(coordinator, named.id, assessor, today)

    waiting = _enrol(coordinator, supervisor, "Wren Waiting", today - days(20), today)
    logged = _session(waiting, supervisor, today - days(18), today, confirm=False)
    logged.created_at = datetime.combine(today - days(16), time(9), tzinfo=UTC)

    renewing = accredited(DUTCH, accredited_on=today - relativedelta(months=33)).enrolment
    revoked_one = accredited(NO_RENEWAL, accredited_on=today - days(10))
    issuing.revoke(coordinator, revoked_one.certificate, "Issued with the wrong name")
    db.session.flush()
    return PipelineWorld(
        coordinator,
        supervisor,
        assessor,
        late,
        fine,
        quiet,
        waiting,
        renewing,
        revoked_one.enrolment,
    )
