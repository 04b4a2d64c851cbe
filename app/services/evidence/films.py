"""Cycles, films and time-coded moments, with the rules that keep their dates and times sane."""

from datetime import date

from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    Case,
    Consent,
    ConsentScope,
    Cycle,
    Element,
    Film,
    FilmKind,
    Moment,
    Principle,
    User,
)
from app.services import audit
from app.services.evidence.locks import ensure_unlocked
from app.services.evidence.rules import check_not_future, check_text

MAX_FILM_SECONDS = 4 * 60 * 60
MAX_KEPT_AT = 200


def _cycle_snapshot(cycle: Cycle) -> dict[str, object]:
    return {
        "filmed_on": cycle.filmed_on,
        "micro_analysis_done": cycle.micro_analysis_done,
        "shared_review_on": cycle.shared_review_on,
        "review_filmed": cycle.review_filmed,
        "notes": cycle.notes,
    }


def _check_cycle(case: Case, filmed_on: date, shared_review_on: date | None, today: date) -> None:
    check_not_future(filmed_on, today, "filmed_on")
    if filmed_on < case.started_on:
        raise RuleViolation("The filming cannot be before the case started.", "filmed_on")
    if shared_review_on is not None:
        check_not_future(shared_review_on, today, "shared_review_on")
        if shared_review_on < filmed_on:
            raise RuleViolation(
                "The shared review cannot be before the filming.", "shared_review_on"
            )


def save_cycle(
    actor: User,
    case: Case,
    filmed_on: date,
    micro_analysis_done: bool,
    shared_review_on: date | None,
    review_filmed: bool,
    notes: str,
    today: date,
    cycle: Cycle | None = None,
) -> Cycle:
    """Record a new cycle of a case, or change one (when `cycle` is given)."""
    if cycle is not None:
        ensure_unlocked(cycle)
    _check_cycle(case, filmed_on, shared_review_on, today)
    check_text(notes, "notes")
    if review_filmed and shared_review_on is None:
        raise RuleViolation("Give the shared review's date if it was filmed.", "shared_review_on")
    before = _cycle_snapshot(cycle) if cycle is not None else None
    if cycle is None:
        cycle = Cycle(case=case, filmed_on=filmed_on)
        db.session.add(cycle)
    cycle.filmed_on, cycle.micro_analysis_done = filmed_on, micro_analysis_done
    cycle.shared_review_on, cycle.review_filmed = shared_review_on, review_filmed
    cycle.notes = notes.strip()
    db.session.flush()
    if before is None:
        audit.record(actor, "cycle.created", "cycle", cycle.id, after=_cycle_snapshot(cycle))
    elif before != _cycle_snapshot(cycle):
        audit.record(actor, "cycle.updated", "cycle", cycle.id, before, _cycle_snapshot(cycle))
    return cycle


def _film_snapshot(film: Film) -> dict[str, object]:
    return {
        "kind": film.kind,
        "recorded_on": film.recorded_on,
        "length_seconds": film.length_seconds,
        "kept_at": film.kept_at,
        "consent_id": film.consent_id,
    }


def _check_film(
    cycle: Cycle,
    recorded_on: date,
    length_seconds: int,
    kept_at: str,
    consent: Consent,
    today: date,
) -> None:
    check_not_future(recorded_on, today, "recorded_on")
    if recorded_on < cycle.case.started_on:
        raise RuleViolation("The film cannot be older than the case.", "recorded_on")
    if not 0 < length_seconds <= MAX_FILM_SECONDS:
        raise RuleViolation("Give a length between 1 second and 4 hours.", "length")
    if not kept_at.strip():
        raise RuleViolation("Say where the footage is kept.", "kept_at")
    if len(kept_at) > MAX_KEPT_AT:
        raise RuleViolation("Use at most %(limit)s characters.", "kept_at", limit=MAX_KEPT_AT)
    if consent.case_id != cycle.case_id:
        raise RuleViolation("Choose a consent of this case.", "consent")
    if recorded_on < consent.given_on:
        raise RuleViolation("The film was made before this consent was given.", "consent")
    if not consent.allows(ConsentScope.FILMING) or (
        consent.withdrawn_on is not None and recorded_on >= consent.withdrawn_on
    ):
        raise RuleViolation("This consent does not cover filming on that date.", "consent")


def save_film(
    actor: User,
    cycle: Cycle,
    kind: FilmKind,
    recorded_on: date,
    length_seconds: int,
    kept_at: str,
    consent: Consent,
    today: date,
    film: Film | None = None,
) -> Film:
    """Record a film's metadata (new, or a change when `film` is given)."""
    if film is not None:
        ensure_unlocked(film)
    _check_film(cycle, recorded_on, length_seconds, kept_at, consent, today)
    if (
        film is not None
        and film.moments
        and length_seconds * 1000 < max(m.end_ms for m in film.moments)
    ):
        raise RuleViolation("Some moments end after this length; change them first.", "length")
    before = _film_snapshot(film) if film is not None else None
    if film is None:
        film = Film(cycle=cycle, kind=kind, recorded_on=recorded_on, consent=consent)
        db.session.add(film)
    film.kind, film.recorded_on, film.length_seconds = kind, recorded_on, length_seconds
    film.kept_at, film.consent = kept_at.strip(), consent
    db.session.flush()
    if before is None:
        audit.record(actor, "film.created", "film", film.id, after=_film_snapshot(film))
    elif before != _film_snapshot(film):
        audit.record(actor, "film.updated", "film", film.id, before, _film_snapshot(film))
    return film


def add_moment(
    actor: User,
    film: Film,
    start_ms: int,
    end_ms: int,
    principle: Principle,
    element: Element | None,
    note: str,
) -> Moment:
    """Mark a time range on a film with a principle of the enrolment's framework."""
    ensure_unlocked(film)
    if start_ms < 0:
        raise RuleViolation("The start cannot be before the film begins.", "start")
    if end_ms <= start_ms:
        raise RuleViolation("The end must come after the start.", "end")
    if end_ms > film.length_seconds * 1000:
        raise RuleViolation("The moment ends after the film does.", "end")
    if principle.framework_id != film.cycle.case.enrolment.scheme.framework_id:
        raise RuleViolation("Choose a principle of this trainee's framework.", "principle")
    if element is not None and element.principle_id != principle.id:
        raise RuleViolation("Choose an element of the chosen principle.", "element")
    check_text(note, "note", 2000)
    moment = Moment(
        film=film,
        start_ms=start_ms,
        end_ms=end_ms,
        principle=principle,
        element=element,
        note=note.strip(),
        author=actor,
    )
    db.session.add(moment)
    db.session.flush()
    audit.record(
        actor,
        "moment.added",
        "moment",
        moment.id,
        after={
            "film_id": film.id,
            "start_ms": start_ms,
            "end_ms": end_ms,
            "principle": principle.code,
            "element": element.code if element else None,
        },
    )
    return moment


def delete_moment(actor: User, moment: Moment) -> None:
    """Remove a moment (its author or the trainee); the audit log keeps what it was."""
    ensure_unlocked(moment, moment.film)
    before = {
        "film_id": moment.film_id,
        "start_ms": moment.start_ms,
        "end_ms": moment.end_ms,
        "note": moment.note,
    }
    moment_id = moment.id
    db.session.delete(moment)
    db.session.flush()
    audit.record(actor, "moment.deleted", "moment", moment_id, before=before)
