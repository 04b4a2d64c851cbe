"""Supervision sessions: the trainee logs them, their supervisor confirms or returns them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import Cycle, Enrolment, Film, Moment, SessionStatus, SupervisionSession, User
from app.models.base import utcnow
from app.phrase import Phrase
from app.services import audit, notifications
from app.services.evidence.locks import ensure_unlocked
from app.services.evidence.removals import unlink_reflections
from app.services.evidence.rules import check_not_future, check_text
from app.services.people.enrolments import supervisor_on
from app.services.row_locks import locked, locked_all
from app.services.wording import SESSION_STATES

MAX_MINUTES = 24 * 60
# What a session's notifications ask for: its supervisor to decide, its trainee to correct it.
TASKS = ("session_to_confirm", "session_returned")


def page_link(session: SupervisionSession) -> str:
    """The session's page, as its notifications link to it."""
    return notifications.link_to("supervision.show", session_id=session.id)


@dataclass(frozen=True)
class SessionDetails:
    """What a trainee records about a supervision session."""

    supervisor: User
    held_on: date
    minutes: int
    group: bool
    online: bool
    filmed: bool
    reflection_before: str
    reflection_after: str
    next_steps: str
    cycles: tuple[Cycle, ...] = ()
    films: tuple[Film, ...] = ()
    moments: tuple[Moment, ...] = ()


def _snapshot(session: SupervisionSession) -> dict[str, object]:
    return {
        "supervisor_id": session.supervisor_id,
        "held_on": session.held_on,
        "minutes": session.minutes,
        "group": session.group,
        "online": session.online,
        "filmed": session.filmed,
        "status": session.status,
        "cycles": sorted(c.id for c in session.cycles),
        "films": sorted(f.id for f in session.films),
        "moments": sorted(m.id for m in session.moments),
    }


def _check(enrolment: Enrolment, details: SessionDetails, today: date) -> None:
    check_not_future(details.held_on, today, "held_on")
    if details.held_on < enrolment.started_on:
        raise RuleViolation("The session cannot be before the enrolment started.", "held_on")
    if not 0 < details.minutes <= MAX_MINUTES:
        raise RuleViolation("Give the minutes: more than 0 and at most a day.", "minutes")
    assigned = supervisor_on(enrolment, details.held_on)
    if assigned is None or assigned.id != details.supervisor.id:
        raise RuleViolation(
            "This supervisor was not your own supervisor on that date.", "supervisor"
        )
    for field in ("reflection_before", "reflection_after", "next_steps"):
        check_text(getattr(details, field), field)
    cases = {c.case.enrolment_id for c in details.cycles}
    cases |= {f.cycle.case.enrolment_id for f in details.films}
    cases |= {m.film.cycle.case.enrolment_id for m in details.moments}
    if cases - {enrolment.id}:
        raise RuleViolation("Only your own cycles, films and moments can be reviewed.", "reviewed")


def save_session(
    actor: User,
    enrolment: Enrolment,
    details: SessionDetails,
    today: date,
    session: SupervisionSession | None = None,
) -> SupervisionSession:
    """Log a session (or change a logged or returned one, which sends it back for confirming)."""
    if session is not None:
        # Locked: the supervisor may be confirming it at this very instant.
        session = locked(session)
        ensure_unlocked(session)
    if session is not None and session.status is SessionStatus.CONFIRMED:
        raise RuleViolation("A confirmed session cannot be changed.")
    _check(enrolment, details, today)
    before = _snapshot(session) if session is not None else None
    if session is None:
        session = SupervisionSession(enrolment=enrolment, held_on=details.held_on)
        db.session.add(session)
    session.supervisor = details.supervisor
    session.held_on, session.minutes = details.held_on, details.minutes
    session.group, session.online, session.filmed = details.group, details.online, details.filmed
    session.reflection_before = details.reflection_before.strip()
    session.reflection_after = details.reflection_after.strip()
    session.next_steps = details.next_steps.strip()
    session.cycles = list(details.cycles)
    session.films = list(details.films)
    session.moments = list(details.moments)
    session.status = SessionStatus.LOGGED
    db.session.flush()
    if before is None:
        audit.record(actor, "session.logged", "session", session.id, after=_snapshot(session))
    else:
        audit.record(actor, "session.updated", "session", session.id, before, _snapshot(session))
        # The returned session is corrected, and the request to confirm it is replaced below.
        notifications.resolve(TASKS, page_link(session))
    notifications.notify(
        [details.supervisor],
        "session_to_confirm",
        Phrase(
            "%(name)s logged a session of %(day)s for you to confirm.",
            name=enrolment.trainee.display_name,
            day=details.held_on,
        ),
        page_link(session),
    )
    return session


@dataclass(frozen=True)
class SupervisorNotes:
    """The supervisor's own reflection on a session and their feedback for the trainee."""

    reflection: str = ""
    feedback: str = ""


def _decide(actor: User, session: SupervisionSession) -> SupervisionSession:
    """The session, re-read and locked, when this supervisor may decide on it now: a second
    decision at the same instant waits for the lock, then finds the first and is refused."""
    session = locked(session)
    ensure(
        actor,
        Action.WRITE_SESSION_NOTES,
        session,
        "Only the session's supervisor can decide on it.",
    )
    if session.status is not SessionStatus.LOGGED:
        raise RuleViolation(
            "This session is already %(state)s.", state=SESSION_STATES[session.status]
        )
    return session


def _write_notes(actor: User, session: SupervisionSession, notes: SupervisorNotes) -> None:
    check_text(notes.reflection, "reflection")
    check_text(notes.feedback, "feedback")
    before = {"reflection": session.supervisor_reflection, "feedback": session.supervisor_feedback}
    session.supervisor_reflection = notes.reflection.strip()
    session.supervisor_feedback = notes.feedback.strip()
    db.session.flush()
    after = {"reflection": session.supervisor_reflection, "feedback": session.supervisor_feedback}
    if after != before:
        audit.record(actor, "session.feedback_written", "session", session.id, before, after)


def confirm_session(
    actor: User, session: SupervisionSession, notes: SupervisorNotes | None = None
) -> SupervisionSession:
    """The supervisor confirms the session happened as logged (saving their notes with it, when
    given); from now on it counts."""
    session = _decide(actor, session)
    if notes is not None:
        _write_notes(actor, session, notes)
    session.status, session.decided_at = SessionStatus.CONFIRMED, utcnow()
    db.session.flush()
    notifications.resolve(["session_to_confirm"], page_link(session))
    audit.record(
        actor,
        "session.confirmed",
        "session",
        session.id,
        {"status": "logged"},
        {"status": "confirmed"},
    )
    return session


def confirm_sessions(
    actor: User, sessions: Sequence[SupervisionSession]
) -> list[SupervisionSession]:
    """The supervisor confirms several waiting sessions in one step: all of them, or none when
    one was decided meanwhile (a second press, another tab). The rows are locked in id order."""
    if not sessions:
        raise RuleViolation("Choose the sessions to confirm.", "sessions")
    fresh = locked_all(sessions)
    decided = [s for s in fresh if s.status is not SessionStatus.LOGGED]
    if decided:
        whose = tuple(sorted({s.enrolment.trainee.display_name for s in decided}))
        raise RuleViolation(
            "A session you chose was decided meanwhile (%(whose)s). Nothing was confirmed: "
            "choose again.",
            "sessions",
            whose=whose,
        )
    return [confirm_session(actor, session) for session in fresh]


def return_session(
    actor: User, session: SupervisionSession, reason: str, notes: SupervisorNotes | None = None
) -> SupervisionSession:
    """The supervisor sends the session back to the trainee with a reason (saving their notes
    with it, when given)."""
    session = _decide(actor, session)
    if not reason.strip():
        raise RuleViolation("Say why the session goes back to the trainee.", "reason")
    check_text(reason, "reason", 2000)
    if notes is not None:
        _write_notes(actor, session, notes)
    session.status, session.decided_at = SessionStatus.RETURNED, utcnow()
    session.return_reason = reason.strip()
    db.session.flush()
    notifications.resolve(["session_to_confirm"], page_link(session))
    audit.record(
        actor,
        "session.returned",
        "session",
        session.id,
        {"status": "logged"},
        {"status": "returned", "reason": session.return_reason},
    )
    notifications.notify(
        [session.enrolment.trainee],
        "session_returned",
        Phrase(
            "Your session of %(day)s was returned: %(reason)s",
            day=session.held_on,
            reason=session.return_reason or "",
        ),
        page_link(session),
    )
    return session


def write_supervisor_notes(
    actor: User, session: SupervisionSession, reflection: str, feedback: str
) -> SupervisionSession:
    """The supervisor's own reflection and feedback on a session (after their decision)."""
    session = locked(session)
    ensure_unlocked(session)
    ensure(
        actor,
        Action.WRITE_SESSION_NOTES,
        session,
        "Only the session's supervisor can write its feedback.",
    )
    _write_notes(actor, session, SupervisorNotes(reflection, feedback))
    return session


def delete_session(actor: User, session: SupervisionSession) -> None:
    """Delete a session the supervisor has not confirmed."""
    ensure_unlocked(session)
    if session.status is SessionStatus.CONFIRMED:
        raise RuleViolation("A confirmed session cannot be deleted.")
    before = {"held_on": session.held_on, "minutes": session.minutes, "status": session.status}
    session_id = session.id
    # Nothing about a deleted session waits any more (its link leads to the list instead).
    notifications.resolve(TASKS, page_link(session))
    unlink_reflections(session_id=session_id)
    db.session.delete(session)
    db.session.flush()
    audit.record(actor, "session.deleted", "session", session_id, before=before)
