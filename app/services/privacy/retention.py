"""Film retention: clips are deleted once their consent's deletion date has come or consent is
withdrawn, on record; the trainee then confirms the footage they keep elsewhere is gone too.

The rules are the ones the case page states: a consent's films are due for deletion on its
deletion date, or, when it has none, on the case's end plus the scheme's retention months; a
withdrawal makes deletion due at once, whatever scopes remain (they only govern who may see the
clip until it is deleted).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import selectinload

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import Case, Consent, Cycle, Enrolment, Film, User
from app.models.base import utcnow
from app.phrase import Phrase
from app.services import audit, notifications
from app.services.evidence.cases import default_deletion_date
from app.storage import ClipStorage

RETENTION_DATE = "retention_date"
CONSENT_WITHDRAWN = "consent_withdrawn"
_REASONS = {
    RETENTION_DATE: Phrase("its consent's deletion date has come"),
    CONSENT_WITHDRAWN: Phrase("consent was withdrawn"),
}


@dataclass(frozen=True)
class DueFilm:
    """A film whose footage is due for deletion, the rule that makes it due, and since when."""

    film: Film
    rule: str
    due_since: date


@dataclass
class RetentionRun:
    """What one run deleted, and what it could not delete (with the error)."""

    deleted: list[DueFilm] = field(default_factory=list)
    failed: list[tuple[DueFilm, str]] = field(default_factory=list)


def deletion_due(film: Film, today: date) -> DueFilm | None:
    """Whether the film's footage is due for deletion on `today`: by which rule, since when."""
    consent, case = film.consent, film.cycle.case
    reasons: list[tuple[date, int, str]] = []
    if consent.withdrawn_on is not None and consent.withdrawn_on <= today:
        reasons.append((consent.withdrawn_on, 0, CONSENT_WITHDRAWN))
    retention_on = consent.deletion_due_on or default_deletion_date(
        case, case.enrolment.scheme.film_retention_months
    )
    if retention_on is not None and retention_on <= today:
        reasons.append((retention_on, 1, RETENTION_DATE))
    if not reasons:
        return None
    # The earliest reason wins; a withdrawal also moves the deletion date to its own day, and
    # on that tie the withdrawal is the reason.
    since, _, rule = min(reasons)
    return DueFilm(film, rule, since)


def _candidates(today: date, *conditions: ColumnElement[bool], lock: bool = False) -> list[Film]:
    """Films whose consent may make them due (the exact rule is applied in Python)."""
    query = (
        select(Film)
        .join(Film.consent)
        .join(Film.cycle)
        .join(Cycle.case)
        .where(
            *conditions,
            or_(
                Consent.withdrawn_on <= today,
                Consent.deletion_due_on <= today,
                and_(Consent.deletion_due_on.is_(None), Case.ended_on <= today),
            ),
        )
        .options(
            selectinload(Film.consent),
            selectinload(Film.cycle)
            .selectinload(Cycle.case)
            .selectinload(Case.enrolment)
            .selectinload(Enrolment.trainee),
            selectinload(Film.cycle)
            .selectinload(Cycle.case)
            .selectinload(Case.enrolment)
            .selectinload(Enrolment.scheme),
        )
        .order_by(Film.id)
    )
    if lock:
        # On PostgreSQL two runs at once do not delete (and record) the same clip twice: the
        # rows stay locked until the caller commits, and rows another run holds are skipped.
        query = query.with_for_update(skip_locked=True, of=Film)
    return list(db.session.scalars(query))


def _due(films: list[Film], today: date) -> list[DueFilm]:
    found = [due for film in films if (due := deletion_due(film, today)) is not None]
    return sorted(found, key=lambda d: (d.due_since, d.film.id))


def films_due(today: date, lock: bool = False) -> list[DueFilm]:
    """Films with a stored clip that is due for deletion on `today`, longest overdue first
    (`lock`: held until the caller commits, for the run that deletes them)."""
    stored = (Film.clip_key.is_not(None), Film.clip_deleted_at.is_(None))
    return _due(_candidates(today, *stored, lock=lock), today)


def awaiting_confirmation(today: date) -> list[DueFilm]:
    """Films whose clip is deleted and due so, but whose trainee has not yet confirmed the
    footage kept elsewhere is deleted too."""
    unconfirmed = (
        Film.clip_deleted_at.is_not(None),
        Film.footage_deleted_confirmed_at.is_(None),
    )
    return _due(_candidates(today, *unconfirmed), today)


def _tell_trainee(due: DueFilm) -> None:
    film = due.film
    notifications.notify(
        [film.cycle.case.enrolment.trainee],
        "footage_to_delete",
        Phrase(
            "The clip of your film of %(day)s (case %(case)s) was deleted: %(reason)s. Delete "
            "the footage kept at %(kept_at)s too, then confirm it on the film's page.",
            day=film.recorded_on,
            case=film.cycle.case.code,
            reason=_REASONS[due.rule],
            kept_at=film.kept_at,
        ),
        notifications.link_to("films.show", film_id=film.id),
    )


def _delete_one(due: DueFilm, storage: ClipStorage) -> None:
    """Record the deletion, then delete the file; if the file cannot be deleted, the savepoint
    is rolled back so nothing says it was."""
    film = due.film
    assert film.clip_key is not None
    with db.session.begin_nested():
        film.clip_deleted_at = utcnow()
        db.session.flush()
        audit.record(
            None,
            "clip.deleted",
            "film",
            film.id,
            after={
                "rule": due.rule,
                "due_since": due.due_since,
                "case_code": film.cycle.case.code,
            },
        )
        if film.footage_deleted_confirmed_at is None:
            _tell_trainee(due)
        storage.delete(film.clip_key)


def delete_due(today: date, storage: ClipStorage) -> RetentionRun:
    """Delete every clip due on `today` (the system acts: no actor); a clip whose file cannot
    be deleted is left as it was and reported, and the others go on. Running again deletes
    nothing more."""
    run = RetentionRun()
    for due in films_due(today, lock=True):
        try:
            _delete_one(due, storage)
        except Exception as error:  # a failing store must not stop the other deletions
            run.failed.append((due, f"{type(error).__name__}: {error}"))
        else:
            run.deleted.append(due)
    return run


def awaits_confirmation(film: Film, today: date) -> DueFilm | None:
    """The film's due deletion, while its trainee has not confirmed the footage is deleted."""
    if film.footage_deleted_confirmed_at is not None:
        return None
    return deletion_due(film, today)


def confirm_footage_deleted(actor: User, film: Film, today: date) -> Film:
    """The trainee confirms the footage kept outside Attune (`kept_at`) is deleted."""
    ensure(
        actor,
        Action.CONFIRM_FOOTAGE_DELETED,
        film,
        "Only the trainee who keeps this footage can confirm its deletion.",
    )
    if film.footage_deleted_confirmed_at is not None:
        raise RuleViolation("The deletion of this footage is already confirmed.")
    due = deletion_due(film, today)
    if due is None:
        raise RuleViolation("This film's footage is not due for deletion yet.")
    film.footage_deleted_confirmed_at = utcnow()
    db.session.flush()
    notifications.resolve(
        ["footage_to_delete"], notifications.link_to("films.show", film_id=film.id)
    )
    audit.record(
        actor,
        "footage.deletion_confirmed",
        "film",
        film.id,
        after={"rule": due.rule, "kept_at": film.kept_at, "case_code": film.cycle.case.code},
    )
    return film
