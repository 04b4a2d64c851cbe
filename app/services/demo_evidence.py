"""A realistic record for the demo trainee: stage 1 done, part-way through stage 2."""

from datetime import date, timedelta

from app.models import (
    CaseSetting,
    ConsentScope,
    Enrolment,
    FilmKind,
    MilestoneKind,
    Principle,
    SupervisionSession,
    User,
)
from app.services import cases, enrolments, films, milestones, reflections, supervision
from app.services.supervision import SessionDetails

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


def _session(supervisor: User, day: date, minutes: int, note: str) -> SessionDetails:
    return SessionDetails(
        supervisor,
        day,
        minutes,
        False,
        False,
        False,
        note,
        "I will try waiting longer.",
        "Wait; name initiatives.",
    )


def seed_demo_record(
    enrolment: Enrolment, coordinator: User, principles: dict[str, Principle], today: date
) -> None:
    """Build the record through the real services, so every entry is audited."""
    trainee = enrolment.trainee
    supervisor = enrolment.current_assignment.supervisor  # type: ignore[union-attr]
    stage_one_opened = enrolment.started_on
    stage_two_opened = stage_one_opened + timedelta(days=180)
    opened = {1: stage_one_opened, 2: stage_two_opened}
    made = []
    for setting, label, question, stage in CASES:
        start = opened[stage] + timedelta(days=2)
        case = cases.create_case(
            trainee,
            enrolment,
            setting,
            label,
            question,
            "Notice and build on moments of attunement.",
            start,
            None,
            today,
        )
        cases.add_consent(
            trainee, case, "parent" if stage == 1 else "teacher", start, SCOPES, None, today
        )
        made.append(case)
    milestones.record_milestone(
        trainee,
        enrolment,
        MilestoneKind.MEETING,
        "transition",
        stage_two_opened - timedelta(days=2),
        "Transition meeting",
        "Assessed by Ada Assessor.",
        today,
    )
    enrolments.advance_stage(coordinator, enrolment, stage_two_opened)
    milestones.record_milestone(
        trainee,
        enrolment,
        MilestoneKind.INTRO_SESSION,
        "",
        stage_two_opened + timedelta(days=3),
        "Stage 2 introduction",
        "",
        today,
    )
    for stage, plan in CYCLES.items():
        for number, (case_index, offset) in enumerate(plan):
            filmed = opened[stage] + timedelta(days=offset)
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
                offset_ms = 60_000 + second * 120_000
                films.add_moment(
                    trainee, film, offset_ms, offset_ms + 9_000, principles[code], None, note
                )
    sessions: list[SupervisionSession] = []
    for week in range(7):
        day = stage_one_opened + timedelta(days=14 + week * 24)
        sessions.append(
            supervision.save_session(
                trainee, enrolment, _session(supervisor, day, 60, "Stage 1"), today
            )
        )
    for week in range(3):
        day = stage_two_opened + timedelta(days=14 + week * 21)
        sessions.append(
            supervision.save_session(
                trainee, enrolment, _session(supervisor, day, 90, "Stage 2"), today
            )
        )
    for session in sessions:
        supervision.confirm_session(supervisor, session)
    waiting = supervision.save_session(
        trainee,
        enrolment,
        _session(supervisor, min(today, stage_two_opened + timedelta(days=100)), 60, "Latest"),
        today,
    )
    assert waiting.status.value == "logged"
    reflections.write_reflection(
        trainee,
        enrolment,
        stage_two_opened + timedelta(days=20),
        "Waiting",
        "I rush to fill silences; on film the pauses work.",
        False,
        today,
    )
    reflections.write_reflection(
        trainee,
        enrolment,
        stage_two_opened + timedelta(days=40),
        "Private note",
        "Still unsure about the nursery case.",
        True,
        today,
    )
