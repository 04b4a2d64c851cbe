"""Deleting mistaken entries: only what nothing else rests on, always with an audit entry."""

from collections.abc import Iterable

from sqlalchemy import Table, exists, select, update

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import Case, Cycle, Film, Reflection, SessionStatus, SupervisionSession, User
from app.models.supervision import session_cycles, session_films, session_moments
from app.services import audit
from app.services.evidence.locks import ensure_unlocked
from app.storage import ClipStorage


def _reviewed_in_confirmed_session(link: Table, column: str, ids: Iterable[int]) -> bool:
    """Whether a confirmed session links any of these cycles, films or moments."""
    ids = list(ids)
    if not ids:
        return False
    linked = (
        select(link.c.session_id)
        .join(SupervisionSession, SupervisionSession.id == link.c.session_id)
        .where(link.c[column].in_(ids), SupervisionSession.status == SessionStatus.CONFIRMED)
    )
    return bool(db.session.scalar(exists(linked).select()))


def unlink_reflections(**about: int) -> None:
    """Reflections about a deleted case, cycle or session stay, about nothing in particular."""
    ((column, value),) = about.items()
    db.session.execute(
        update(Reflection).where(getattr(Reflection, column) == value).values({column: None})
    )


def delete_case(actor: User, case: Case) -> None:
    """Delete a case that has no cycles yet (its consents go with it)."""
    ensure_unlocked(case)
    if db.session.scalar(exists().where(Cycle.case_id == case.id).select()):
        raise RuleViolation("Delete the case's cycles first.")
    before = {"code": case.code, "consents": len(case.consents)}
    case_id = case.id
    unlink_reflections(case_id=case_id)
    db.session.delete(case)
    db.session.flush()
    audit.record(actor, "case.deleted", "case", case_id, before=before)


def delete_cycle(actor: User, cycle: Cycle) -> None:
    """Delete a cycle without films that no confirmed session reviewed."""
    ensure_unlocked(cycle)
    if cycle.films:
        raise RuleViolation("Delete the cycle's films first.")
    if _reviewed_in_confirmed_session(session_cycles, "cycle_id", [cycle.id]):
        raise RuleViolation("A confirmed supervision session reviewed this cycle; it stays.")
    before = {"case_id": cycle.case_id, "filmed_on": cycle.filmed_on}
    cycle_id = cycle.id
    unlink_reflections(cycle_id=cycle_id)
    db.session.delete(cycle)
    db.session.flush()
    audit.record(actor, "cycle.deleted", "cycle", cycle_id, before=before)


def delete_film(actor: User, film: Film, storage: ClipStorage) -> None:
    """Delete a film, its moments and its clip, unless a confirmed session reviewed them."""
    ensure_unlocked(film, *film.moments)
    if _reviewed_in_confirmed_session(
        session_films, "film_id", [film.id]
    ) or _reviewed_in_confirmed_session(session_moments, "moment_id", [m.id for m in film.moments]):
        raise RuleViolation("A confirmed supervision session reviewed this film; it stays.")
    before = {
        "cycle_id": film.cycle_id,
        "kind": film.kind,
        "moments": len(film.moments),
        "had_clip": film.has_clip,
    }
    film_id, clip_key = film.id, film.clip_key if film.has_clip else None
    db.session.delete(film)
    db.session.flush()
    if clip_key:
        storage.delete(clip_key)
    audit.record(actor, "film.deleted", "film", film_id, before=before)


def delete_reflection(actor: User, reflection: Reflection) -> None:
    """Its author deletes a reflection."""
    ensure_unlocked(reflection)
    ensure(actor, Action.DELETE_REFLECTION, reflection, "Only its author can delete a reflection.")
    before = {"title": reflection.title, "private": reflection.private}
    reflection_id = reflection.id
    db.session.delete(reflection)
    db.session.flush()
    audit.record(actor, "reflection.deleted", "reflection", reflection_id, before=before)
