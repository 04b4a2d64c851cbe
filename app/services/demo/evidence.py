"""A realistic record for the demo trainee: stage 1 signed off through the real workflow, and
part-way through stage 2. Everything goes through the services, so everything is audited."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.models import (
    Case,
    CaseSetting,
    ConsentScope,
    Enrolment,
    Film,
    FilmKind,
    MeetingStatus,
    MilestoneKind,
    Principle,
    User,
)
from app.services.evidence import cases, films, milestones, reflections
from app.services.progress.snapshots import progress_for
from app.services.signoff import decisions as decide
from app.services.signoff import meetings, ratification, ratings
from app.services.supervision import sessions
from app.services.supervision.sessions import SessionDetails

SCOPES = {ConsentScope.FILMING, ConsentScope.OWN_SUPERVISOR, ConsentScope.ASSESSOR}
CASES = (
    (CaseSetting.FAMILY, "bedtime", "How can I help him to settle at bedtime?", 1),
    (CaseSetting.SCHOOL, "Y2 class", "How can I help the class to listen to each other?", 1),
    (CaseSetting.EARLY_YEARS, "nursery", "How can I help her to join in play?", 2),
)
# (case index, days after the stage opened) of each complete cycle, per stage.
CYCLES = {
    1: [(0, 10), (0, 30), (1, 45), (0, 60), (1, 90), (1, 120)],
    2: [(2, 10), (1, 25), (2, 50), (2, 80)],
}
MOMENT_NOTES = (
    ("attentive", "Turned towards him and waited: he looked up at once."),
    ("receiving_initiatives", "Named what she saw: 'you found the red one'."),
    ("guiding", "Offered two choices; she chose and carried on."),
)


@dataclass
class DemoPeople:
    """Who takes part in the demo record."""

    trainee: User
    supervisor: User
    assessor: User
    coordinator: User


def _cases(enrolment: Enrolment, opened: dict[int, date], today: date) -> list[Case]:
    made = []
    for setting, label, question, stage in CASES:
        start = opened[stage] + timedelta(days=2)
        case = cases.create_case(
            enrolment.trainee,
            enrolment,
            setting,
            label,
            question,
            "Notice and build on moments of attunement.",
            start,
            None,
            today,
        )
        role = "parent" if stage == 1 else "teacher"
        cases.add_consent(enrolment.trainee, case, role, start, SCOPES, None, today)
        made.append(case)
    return made


def _cycles(
    trainee: User,
    made: list[Case],
    plan: list[tuple[int, int]],
    opened: date,
    principles: dict[str, Principle],
    today: date,
) -> list[Film]:
    made_films = []
    for number, (case_index, offset) in enumerate(plan):
        filmed = opened + timedelta(days=offset)
        cycle = films.save_cycle(
            trainee,
            made[case_index],
            filmed,
            True,
            filmed + timedelta(days=4),
            number % 2 == 0,
            "",
            today,
        )
        film = films.save_film(
            trainee,
            cycle,
            FilmKind.INTERACTION,
            filmed,
            900,
            "Employer's secure drive",
            made[case_index].consents[0],
            today,
        )
        for second, (code, note) in enumerate(MOMENT_NOTES):
            start = 60_000 + second * 120_000
            films.add_moment(trainee, film, start, start + 9_000, principles[code], None, note)
        made_films.append(film)
    return made_films


def _sessions(
    enrolment: Enrolment,
    supervisor: User,
    first: date,
    count: int,
    every: int,
    minutes: int,
    today: date,
) -> None:
    for n in range(count):
        day = first + timedelta(days=n * every)
        session = sessions.save_session(
            enrolment.trainee,
            enrolment,
            SessionDetails(
                supervisor,
                day,
                minutes,
                False,
                False,
                False,
                "What I want to look at.",
                "I will try waiting longer.",
                "Wait; name initiatives.",
            ),
            today,
        )
        sessions.confirm_session(supervisor, session)


def _sign_off_stage_one(enrolment: Enrolment, people: DemoPeople, clip: Film, on: date) -> None:
    meeting = meetings.request_meeting(people.trainee, enrolment, progress_for(enrolment, on))
    meetings.name_assessor(people.coordinator, meeting.id, people.assessor, on)
    decide.write_supervisor_statement(
        people.supervisor, meeting.id, "Tess is ready: she waits and receives initiatives.", on
    )
    decide.record_outcome(
        people.assessor,
        meeting.id,
        MeetingStatus.PASSED,
        on - timedelta(days=2),
        60,
        [clip],
        "Stage 1 reflections",
        "",
        None,
        on,
    )
    ratification.ratify(people.coordinator, meeting.id, on)


def seed_demo_record(
    enrolment: Enrolment, people: DemoPeople, principles: dict[str, Principle], today: date
) -> None:
    """Stage 1 complete and ratified; stage 2 part-way, with a session waiting to be confirmed."""
    opened = {1: enrolment.started_on, 2: enrolment.started_on + timedelta(days=180)}
    made = _cases(enrolment, opened, today)
    stage_one_films = _cycles(people.trainee, made, CYCLES[1], opened[1], principles, today)
    _sessions(enrolment, people.supervisor, opened[1] + timedelta(days=14), 7, 24, 60, today)
    rated_on = opened[1] + timedelta(days=150)
    for code, own, theirs in (("attentive", 3, 4), ("receiving_initiatives", 3, 3)):
        ratings.rate(people.trainee, enrolment, principles[code], None, own, "", [], rated_on)
        ratings.rate(people.supervisor, enrolment, principles[code], None, theirs, "", [], rated_on)
    _sign_off_stage_one(enrolment, people, stage_one_films[0], opened[2])
    milestones.record_milestone(
        people.trainee,
        enrolment,
        MilestoneKind.INTRO_SESSION,
        "",
        opened[2] + timedelta(days=3),
        "Stage 2 introduction",
        "",
        today,
    )
    _cycles(people.trainee, made, CYCLES[2], opened[2], principles, today)
    _sessions(enrolment, people.supervisor, opened[2] + timedelta(days=14), 3, 21, 90, today)
    waiting_day = min(today, opened[2] + timedelta(days=100))
    sessions.save_session(
        people.trainee,
        enrolment,
        SessionDetails(people.supervisor, waiting_day, 60, False, True, False, "Latest", "", ""),
        today,
    )
    reflections.write_reflection(
        people.trainee,
        enrolment,
        opened[2] + timedelta(days=20),
        "Waiting",
        "I rush to fill silences; on film the pauses work.",
        False,
        today,
    )
    reflections.write_reflection(
        people.trainee,
        enrolment,
        opened[2] + timedelta(days=40),
        "Private note",
        "Still unsure about the nursery case.",
        True,
        today,
    )
