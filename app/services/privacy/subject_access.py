"""Subject access: everything Attune holds about one person, as plain JSON-ready data.

A trainee's evidence comes from the portfolio's gathering (the same services the pages use),
with what is theirs but kept out of a portfolio added: their own labels for cases, their
private reflections, where they keep footage, their certificates. Someone else's private
words never appear, and audit entries are listed by action and subject only, because the
states they record are other people's data as often as not.
"""

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import or_, select

from app.authz.relations import is_self
from app.extensions import db
from app.models import (
    AuditEvent,
    Case,
    Cycle,
    DigestSent,
    Enrolment,
    Film,
    Pause,
    Reflection,
    User,
)
from app.services import audit, notifications
from app.services.certificates.issuing import certificate_list
from app.services.people.enrolment_queries import own_enrolments
from app.services.portfolio.gather import gather
from app.services.privacy.subject_access_other import as_other_party

FORMAT = "attune-subject-access/1"
# What the portfolio gathers that is kept for a trainee's export (its progress and totals are
# computed, not held).
_EVIDENCE = ("cases", "consents", "sessions", "ratings", "meetings", "milestones")


def plain(value: Any) -> Any:
    """`value` with records, dates and enums made JSON types, all the way down."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def trainee_enrolments(user: User) -> list[Enrolment]:
    """The person's enrolments as a trainee, oldest first."""
    return list(reversed(own_enrolments(user)))


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.display_name,
        "roles": sorted(r.value for r in user.roles),
        "supervisor_grade": user.supervisor_grade,
        "time_zone": user.timezone,
        "language": user.locale,
        "notify_by": user.notify_by,
        "active": user.active,
        "password_set": user.has_password,
        "created_at": user.created_at,
    }


def _films(enrolment: Enrolment) -> list[dict[str, Any]]:
    query = (
        select(Film, Case.code)
        .join(Cycle, Film.cycle_id == Cycle.id)
        .join(Case, Cycle.case_id == Case.id)
        .where(Case.enrolment_id == enrolment.id)
        .order_by(Film.recorded_on, Film.id)
    )
    return [
        {
            "case_code": code,
            "kind": film.kind,
            "recorded_on": film.recorded_on,
            "footage_kept_at": film.kept_at,
            "clip_uploaded_at": film.clip_uploaded_at,
            "clip_deleted_at": film.clip_deleted_at,
            "footage_deletion_confirmed_at": film.footage_deleted_confirmed_at,
        }
        for film, code in db.session.execute(query)
    ]


def _reflections(user: User, enrolment: Enrolment) -> list[dict[str, Any]]:
    """Shared reflections, and private ones only if the person wrote them."""
    query = (
        select(Reflection)
        .where(
            Reflection.enrolment_id == enrolment.id,
            or_(Reflection.private.is_(False), Reflection.author_id == user.id),
        )
        .order_by(Reflection.written_on, Reflection.id)
    )
    return [
        {
            "written_on": r.written_on,
            "title": r.title,
            "body": r.body,
            "private": r.private,
            "yours": r.author_id == user.id,
        }
        for r in db.session.scalars(query)
    ]


def _certificates(enrolment: Enrolment) -> list[dict[str, Any]]:
    return [
        {
            "number": c.number,
            "holder_name": c.holder_name,
            "scheme": c.scheme_title,
            "accredited_on": c.accredited_on,
            "expires_on": c.expires_on,
            "issued_at": c.issued_at,
            "listed_publicly": c.listed,
            "revoked_at": c.revoked_at,
            "revoke_reason": c.revoke_reason,
            "revocation_scope": c.revocation_scope,
            "superseded": c.superseded_by_id is not None,
        }
        for c in certificate_list(enrolment)
    ]


def _pauses(enrolment: Enrolment) -> list[dict[str, Any]]:
    query = select(Pause).where(Pause.enrolment_id == enrolment.id).order_by(Pause.starts_on)
    return [
        {"starts_on": p.starts_on, "ends_on": p.ends_on, "reason": p.reason}
        for p in db.session.scalars(query)
    ]


def _enrolment(user: User, enrolment: Enrolment, today: date) -> dict[str, Any]:
    data = gather(enrolment, today)
    evidence = {name: plain(getattr(data, name)) for name in _EVIDENCE}
    query = select(Case.code, Case.label).where(Case.enrolment_id == enrolment.id)
    labels = {code: label for code, label in db.session.execute(query)}
    for case in evidence["cases"]:
        case["label"] = labels.get(case["code"], "")  # the trainee's own name for the case
    evidence |= {
        "films": _films(enrolment),
        "reflections": _reflections(user, enrolment),
        "certificates": _certificates(enrolment),
    }
    return {
        "scheme": f"{data.scheme_title} {data.scheme_version.english()}",
        "body": data.body,
        "started_on": enrolment.started_on,
        "status": enrolment.status,
        "stages": [
            {"number": s.stage.number, "opened_on": s.opened_on, "closed_on": s.closed_on}
            for s in enrolment.stages
        ],
        "supervisors": plain(data.supervisors),
        "pauses": _pauses(enrolment),
        "evidence": evidence,
    }


def _notifications(user: User) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "message": n.message,
            "created_at": n.created_at,
            "read_at": n.read_at,
            "emailed_at": n.emailed_at,
            "resolved_at": n.resolved_at,
        }
        for n in db.session.scalars(notifications.notifications_for(user))
    ]


def _audit_entries(user: User) -> list[dict[str, Any]]:
    query = select(AuditEvent).where(AuditEvent.actor_id == user.id).order_by(AuditEvent.id)
    return [
        {
            "at": e.occurred_at,
            "action": e.action,
            "subject": e.subject_type,
            "subject_id": e.subject_id,
        }
        for e in db.session.scalars(query)
    ]


def export_for(user: User, today: date) -> dict[str, Any]:
    """Everything Attune holds about `user`, as of `today`, ready for json.dumps."""
    digests = select(DigestSent.day).where(DigestSent.user_id == user.id).order_by(DigestSent.day)
    return plain(
        {
            "format": FORMAT,
            "as_of": today,
            "account": _account(user),
            "enrolments": [_enrolment(user, e, today) for e in trainee_enrolments(user)],
            "as_other_party": as_other_party(user),
            "notifications": _notifications(user),
            "digests_sent_on": list(db.session.scalars(digests)),
            "your_audit_entries": _audit_entries(user),
        }
    )


def record_export(actor: User, person: User, portfolios: int) -> AuditEvent:
    """Audit that `actor` exported `person`'s data (themselves, or a coordinator for them)."""
    return audit.record(
        actor,
        "subject_access.exported",
        "user",
        person.id,
        after={"by_self": is_self(actor, person), "portfolios": portfolios},
    )
