"""A trainee with stage 1 signed off, moments, both sides' session notes, reflections and
ratings: a record worth a portfolio (schemes must be loaded; the caller commits)."""

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Case, Cycle, Film, MeetingStatus, SupervisionSession
from app.services.evidence import films, reflections
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification, ratings
from app.services.supervision import sessions
from tests.builders.signoff import TODAY, cast

HOLDER = "Łucja Żółć-Ἀλεξάνδρα Дмитриева"
MOMENT_NOTE = 'Waited <b>&amp; "named" it</b> — Όμορφα, дуже добре'
SHARED = "Shared: what I learnt about waiting — ζεστασιά"
PRIVATE = "Private: only for me, never in the portfolio"
LABEL = "Smith family"


@dataclass
class PortfolioWorld:
    """Ids and emails for page tests."""

    enrolment: int
    meeting: int
    film: int
    trainee: str
    supervisor: str
    assessor: str
    coordinator: str
    stranger: str
    case_codes: tuple[str, ...]


def build_portfolio_world() -> PortfolioWorld:
    """The cast of the sign-off tests, with a richer stage 1 that has been signed off."""
    people = cast()
    enrolment, trainee, supervisor = people.enrolment, people.trainee, people.supervisor
    trainee.display_name = HOLDER
    case = db.session.scalars(select(Case).where(Case.enrolment_id == enrolment.id)).first()
    case.label = LABEL
    film = db.session.scalars(
        select(Film).join(Cycle).where(Cycle.case_id == case.id).order_by(Film.id)
    ).first()
    principles = enrolment.scheme.framework.principles
    films.add_moment(trainee, film, 1000, 9000, principles[0], None, MOMENT_NOTE)
    films.add_moment(trainee, film, 12000, 15000, principles[1], None, "Second principle")
    films.add_moment(trainee, film, 20000, 22000, principles[0], None, "Later, first again")
    session = db.session.scalars(
        select(SupervisionSession)
        .where(SupervisionSession.enrolment_id == enrolment.id)
        .order_by(SupervisionSession.held_on)
    ).first()
    session.reflection_before = "Trainee before: nervous about the review"
    session.reflection_after = "Trainee after: the pause worked"
    sessions.write_supervisor_notes(
        supervisor, session, "Supervisor reflection: good attunement", "Feedback: keep waiting"
    )
    reflections.write_reflection(trainee, enrolment, TODAY, "Waiting", SHARED, False, TODAY)
    reflections.write_reflection(trainee, enrolment, TODAY, "Mine", PRIVATE, True, TODAY)
    ratings.rate(trainee, enrolment, principles[0], None, 3, "Self: getting there", [], TODAY)
    ratings.rate(supervisor, enrolment, principles[0], None, 4, "Sup: solid", [], TODAY)
    meeting = meetings.request_meeting(trainee, enrolment, progress_for(enrolment, TODAY))
    meetings.name_assessor(people.coordinator, meeting.id, people.assessor, TODAY)
    decide.record_outcome(
        people.assessor, meeting.id, MeetingStatus.PASSED, TODAY, 60, [], "", "", None, TODAY
    )
    ratification.ratify(people.coordinator, meeting.id, TODAY)
    codes = tuple(
        db.session.scalars(select(Case.code).where(Case.enrolment_id == enrolment.id)).all()
    )
    return PortfolioWorld(
        enrolment=enrolment.id,
        meeting=meeting.id,
        film=film.id,
        trainee=trainee.email,
        supervisor=supervisor.email,
        assessor=people.assessor.email,
        coordinator=people.coordinator.email,
        stranger=people.stranger.email,
        case_codes=codes,
    )
