"""What verification shows of a certificate: its status on a day, its public record (what
/verify prints) and the public register; a number typed by hand is found whatever its spacing."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Certificate,
    RevocationScope,
)
from app.services.certificates.issuing import current_certificate
from app.services.plain_text import printable


def normalise_number(text: str) -> str:
    """'k7qx3mpd', 'K7QX 3MPD' and 'K7QX-3MPD' all mean K7QX-3MPD."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else text.strip().upper()


def find_by_number(text: str) -> Certificate | None:
    """The certificate with this printed number, if any."""
    return db.session.scalar(
        select(Certificate).where(Certificate.number == normalise_number(text))
    )


@dataclass(frozen=True)
class Status:
    """What verification says of a certificate today."""

    code: str  # valid | expired | revoked | superseded
    on: date | None = None
    reason: str = ""
    superseded_by: str = ""
    scope: str = ""  # of a revocation: document | accreditation


def status_of(certificate: Certificate, today: date) -> Status:
    """Valid, expired, revoked (with date and reason) or superseded (with the new number)."""
    if certificate.revoked_at is not None:
        scope = certificate.revocation_scope.value if certificate.revocation_scope else ""
        return Status(
            "revoked", certificate.revoked_at.date(), certificate.revoke_reason, scope=scope
        )
    if certificate.superseded_by is not None:
        return Status(
            "superseded",
            certificate.superseded_by.issued_at.date(),
            superseded_by=certificate.superseded_by.number,
        )
    if certificate.expires_on is not None and certificate.expires_on < today:
        return Status("expired", certificate.expires_on)
    return Status("valid")


def public_fields(certificate: Certificate, today: date) -> dict[str, Any]:
    """Every field printed on the certificate, and its status: what verification shows (for a
    revoked document whose accreditation stands, the certificate now issued in its place). Its
    days are dates, for the pages to show as people read them; `public_record` is the same with
    ISO 8601 days, for JSON."""
    status = status_of(certificate, today)
    replaced = None
    if status.scope == RevocationScope.DOCUMENT:
        replaced = current_certificate(certificate.enrolment)
    record = {
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "awarding_body": certificate.body,
        "scheme": certificate.scheme_title,
        "scheme_version": certificate.scheme_version,
        "accredited_on": certificate.accredited_on,
        "own_supervisor": certificate.supervisor_name,
        "assessor": certificate.assessor_name,
        "expires_on": certificate.expires_on,
        "evidence_digest": certificate.evidence_digest,
        "language": certificate.language,  # the language it was issued (and is drawn) in
        "status": status.code,
        "status_since": status.on,
        "revocation_reason": status.reason or None,
        "revocation_scope": status.scope or None,
        "replaced_by": replaced.number if replaced else None,
        "superseded_by": status.superseded_by or None,
    }
    # Names stored before forms dropped direction controls must not print reversed.
    return {name: printable(value) for name, value in record.items()}


def public_record(certificate: Certificate, today: date) -> dict[str, Any]:
    """The public fields as /verify's JSON gives them: days in ISO 8601 (YYYY-MM-DD)."""
    return {
        name: value.isoformat() if isinstance(value, date) else value
        for name, value in public_fields(certificate, today).items()
    }


def register_query(search: str = "") -> Any:
    """Listed, current certificates for the public register, by name."""
    query = select(Certificate).where(
        Certificate.listed.is_(True),
        Certificate.is_current(),
    )
    if search.strip():
        query = query.where(func.lower(Certificate.holder_name).like(f"%{search.strip().lower()}%"))
    return query.order_by(func.lower(Certificate.holder_name), Certificate.id)
