"""Targets for the live race tests, made through the real services in an app context on the
served app's own database (committed, so the server sees them)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import uuid4

from dateutil.relativedelta import relativedelta
from flask import Flask

from app import create_app
from app.extensions import db
from app.models import (
    CohortKind,
    Enrolment,
    MeetingStatus,
    Role,
    StageMeeting,
    SupervisorGrade,
    User,
)
from app.services.certificates import issuing
from app.services.coordination import cohorts
from app.services.people import enrolments
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails
from tests.builders.people import current_scheme, make_user, stage_of
from tests.builders.renewal import DUTCH, accredited, meet_renewal

AVIGUK = "aviguk-practitioner"
T = TypeVar("T")


def today() -> date:
    """The served app's today (its default time zone is the UK's; UTC is near enough, and
    every date below keeps a day or more away from the edges)."""
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class Crew:
    """The people who race: two coordinators, and an assessor and a supervisor who each
    decide in two tabs at once (ids and e-mail addresses)."""

    coordinators: tuple[str, str]
    assessor: str
    supervisor: str
    coordinator_id: int
    assessor_id: int
    supervisor_id: int


class World:
    """The served database, seen through an app of its own."""

    def __init__(self, database_url: str, smtp_port: int) -> None:
        self.app: Flask = create_app(
            "test",
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": smtp_port,
            },
        )

    @contextmanager
    def committed(self) -> Iterator[None]:
        """An app context whose work is committed."""
        with self.app.app_context():
            yield
            db.session.commit()

    def make(self, build: Callable[..., T], *args: Any) -> T:
        """Run `build` and commit what it made; its result should be plain values."""
        with self.committed():
            return build(*args)

    def read(self, query: Callable[..., T], *args: Any) -> T:
        """What the database holds now (a fresh transaction)."""
        with self.app.app_context():
            result = query(*args)
            db.session.rollback()
            return result

    def close(self) -> None:
        """Let go of the database connections."""
        with self.app.app_context():
            db.engine.dispose()


def _person(*roles: Role, grade: SupervisorGrade | None = None) -> User:
    return make_user(*roles, email=f"race-{uuid4().hex[:12]}@example.org", grade=grade)


def crew() -> Crew:
    """Made once per module."""
    first, second = _person(Role.COORDINATOR), _person(Role.COORDINATOR)
    assessor = _person(Role.SUPERVISOR, grade=SupervisorGrade.ADVANCED)
    own = _person(Role.SUPERVISOR)
    return Crew(
        (first.email, second.email), assessor.email, own.email, first.id, assessor.id, own.id
    )


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def at_last_stage(c: Crew) -> Enrolment:
    """A trainee enrolled 20 months ago with the crew's supervisor, at the last stage."""
    coordinator, day = _user(c.coordinator_id), today()
    scheme = current_scheme(AVIGUK)
    enrolment = enrolments.enrol(
        coordinator,
        _person(Role.TRAINEE),
        scheme,
        day - relativedelta(months=20),
        stage_of(scheme, 1),
        _user(c.supervisor_id),
        day,
    )
    last = max(s.number for s in scheme.stages)
    while enrolment.current_stage is not None and enrolment.current_stage.stage.number < last:
        enrolments.advance_stage(coordinator, enrolment, day - timedelta(days=30))
        db.session.expire(enrolment)
    return enrolment


def meeting_in(c: Crew, status: MeetingStatus) -> StageMeeting:
    """The last stage's meeting (requested by exception), taken as far as `status`: assessor
    named, passed or ratified."""
    coordinator, day = _user(c.coordinator_id), today()
    enrolment = at_last_stage(c)
    meeting = meetings.request_meeting(
        coordinator, enrolment, progress_for(enrolment, day), "race: prior learning"
    )
    meetings.name_assessor(coordinator, meeting.id, _user(c.assessor_id), day)
    if status is not MeetingStatus.ASSESSOR_NAMED:
        passed = MeetingStatus.PASSED
        decide.record_outcome(
            _user(c.assessor_id), meeting.id, passed, day, 60, [], "", "", None, day
        )
    if status is MeetingStatus.RATIFIED:
        ratification.ratify(coordinator, meeting.id, day)
    return meeting


def ratified_enrolment(c: Crew) -> int:
    """An accredited enrolment without its certificate: its id."""
    return meeting_in(c, MeetingStatus.RATIFIED).enrolment_stage.enrolment_id


def meeting_id_in(c: Crew, status: MeetingStatus) -> int:
    """The id of a meeting as `meeting_in` makes it."""
    return meeting_in(c, status).id


def enrolment_at_last_stage(c: Crew) -> int:
    """The id of an enrolment as `at_last_stage` makes it."""
    return at_last_stage(c).id


def certified(c: Crew) -> tuple[int, int]:
    """An accredited enrolment and its certificate: (enrolment id, certificate id)."""
    meeting = meeting_in(c, MeetingStatus.RATIFIED)
    enrolment = meeting.enrolment_stage.enrolment
    made = issuing.issue(_user(c.coordinator_id), enrolment, "Race Practitioner", False)
    return enrolment.id, made.id


def renewable() -> int:
    """A Dutch certificate two months before its expiry with the renewal evidence: its id."""
    day = today()
    accredited_on = day - relativedelta(months=34)
    practitioner = accredited(DUTCH, accredited_on=accredited_on)
    meet_renewal(practitioner, accredited_on + timedelta(days=30), day)
    return practitioner.certificate.id


def logged_session(c: Crew) -> int:
    """A session the trainee logged for the crew's supervisor to decide on: its id."""
    enrolment = at_last_stage(c)
    details = SessionDetails(
        _user(c.supervisor_id), today() - timedelta(days=2), 60, False, False, False, "", "", ""
    )
    return sessions.save_session(enrolment.trainee, enrolment, details, today()).id


def two_accounts() -> tuple[int, str]:
    """Two trainee accounts of one person: the kept one's id, the duplicate's address."""
    return _person(Role.TRAINEE).id, _person(Role.TRAINEE).email


def person_to_erase() -> tuple[int, str]:
    """A trainee with an account only: id and address."""
    person = _person(Role.TRAINEE)
    return person.id, person.email


def cohort_and_trainee(c: Crew) -> tuple[int, str, int]:
    """An empty cohort and a trainee to add: cohort id, trainee address and id."""
    cohort = cohorts.create_cohort(
        _user(c.coordinator_id), f"Race {uuid4().hex[:8]}", CohortKind.COURSE, ""
    )
    trainee = _person(Role.TRAINEE)
    return cohort.id, trainee.email, trainee.id
