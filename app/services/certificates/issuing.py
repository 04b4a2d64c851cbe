"""Issuing, revoking and re-issuing certificates, and what verification shows.

A certificate keeps exactly what was printed (name, scheme, dates, people, evidence digest) so
that the public verification page can show every field: an altered PDF cannot pass.
"""

import secrets
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from app.authz.actions import Action
from app.authz.rules import ensure
from app.errors import RuleViolation
from app.extensions import db
from app.models import (
    Certificate,
    Enrolment,
    EnrolmentStage,
    EnrolmentStatus,
    MeetingStatus,
    RevocationScope,
    StageMeeting,
    User,
)
from app.models.base import utcnow
from app.phrase import Phrase
from app.services import audit, notifications
from app.services.people.enrolments import supervisor_on, withdraw_accreditation
from app.services.row_locks import locked

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud and type
MAX_NAME = 120


def _new_number() -> str:
    while True:
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        number = f"{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(Certificate.id).where(Certificate.number == number)) is None:
            return number


def final_signoff(enrolment: Enrolment) -> StageMeeting | None:
    """The ratified meeting of the enrolment's last stage."""
    return db.session.scalars(
        select(StageMeeting)
        .join(EnrolmentStage)
        .where(
            EnrolmentStage.enrolment_id == enrolment.id,
            StageMeeting.status == MeetingStatus.RATIFIED,
        )
        .order_by(StageMeeting.ratified_at.desc())
    ).first()


def current_certificate(enrolment: Enrolment) -> Certificate | None:
    """The enrolment's certificate that is neither revoked nor superseded."""
    return db.session.scalars(
        select(Certificate).where(
            Certificate.enrolment_id == enrolment.id,
            Certificate.is_current(),
        )
    ).first()


_OF_ENROLMENT = (  # built once: the enrolment page runs it on every view
    select(Certificate)
    .where(Certificate.enrolment_id == bindparam("enrolment_id"))
    .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
)


def certificate_list(enrolment: Enrolment) -> list[Certificate]:
    """All certificates ever issued for an enrolment, newest first."""
    return list(db.session.scalars(_OF_ENROLMENT, {"enrolment_id": enrolment.id}))


ALREADY_ISSUED = Phrase("A certificate is already issued; re-issue it to change the name.")


def lock(certificate: Certificate) -> Certificate:
    """The certificate re-read and locked, its enrolment's row locked first: every decision on
    an enrolment's certificates takes the locks in this order, so they wait for one another
    (never deadlock) and each sees what the one before it decided."""
    locked(certificate.enrolment)
    return locked(certificate)


def _add_current(certificate: Certificate, enrolment: Enrolment) -> None:
    """Insert a current certificate. The database holds one current certificate per enrolment
    (ux_certificates_one_current); should two requests get past the locks at once, the second
    is refused with the same message as when it finds the first already issued. (The savepoint
    keeps the rest of the transaction usable.)"""
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError:
        if current_certificate(enrolment) is not None:
            raise RuleViolation(ALREADY_ISSUED) from None
        raise


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise RuleViolation("Give the name as it should be printed.", "holder_name")
    if len(name) > MAX_NAME:
        raise RuleViolation("Use at most %(limit)s characters.", "holder_name", limit=MAX_NAME)
    return name


def _coordinator(actor: User) -> None:
    ensure(actor, Action.MANAGE_CERTIFICATES, refusal="Only a coordinator can do this.")


def _fields(certificate: Certificate) -> dict[str, Any]:
    return {
        "number": certificate.number,
        "holder_name": certificate.holder_name,
        "expires_on": certificate.expires_on,
        "digest": certificate.evidence_digest,
    }


def issue(actor: User, enrolment: Enrolment, holder_name: str, listed: bool) -> Certificate:
    """Issue the certificate of an accredited enrolment."""
    _coordinator(actor)
    enrolment = locked(enrolment)
    meeting = final_signoff(enrolment)
    if enrolment.status is not EnrolmentStatus.ACCREDITED or meeting is None:
        raise RuleViolation("Certificates are issued once the final stage is ratified.")
    if meeting.ratified_at is None or meeting.digest is None or meeting.assessor is None:
        raise RuleViolation("The final sign-off is incomplete.")
    if current_certificate(enrolment) is not None:
        raise RuleViolation(ALREADY_ISSUED)
    accredited_on = meeting.ratified_at.date()
    months = enrolment.scheme.certificate_validity_months
    supervisor = supervisor_on(enrolment, accredited_on)
    certificate = Certificate(
        public_id=secrets.token_urlsafe(24),
        number=_new_number(),
        enrolment=enrolment,
        holder_name=_check_name(holder_name),
        body=enrolment.scheme.body,
        scheme_title=enrolment.scheme.title,
        scheme_version=f"{enrolment.scheme.version} (rev. {enrolment.scheme.revision})",
        accredited_on=accredited_on,
        supervisor_name=supervisor.display_name if supervisor else "",
        assessor_name=meeting.assessor.display_name,
        expires_on=accredited_on + relativedelta(months=months) if months else None,
        evidence_digest=meeting.digest,
        language=enrolment.trainee.locale or "en",
        issued_by=actor,
        listed=listed,
    )
    _add_current(certificate, enrolment)
    audit.record(
        actor, "certificate.issued", "certificate", certificate.id, after=_fields(certificate)
    )
    notifications.notify(
        [enrolment.trainee],
        "certificate_issued",
        Phrase("Your certificate %(number)s is issued.", number=certificate.number),
        notifications.link_to("certificates.show", certificate_id=certificate.id),
    )
    return certificate


def revoke(
    actor: User,
    certificate: Certificate,
    reason: str,
    scope: RevocationScope = RevocationScope.DOCUMENT,
) -> Certificate:
    """Revoke a certificate with a reason; the record stays and verification says so. `scope`
    says whether only this document is revoked (a new one is then due) or the accreditation
    itself is withdrawn (the enrolment is then no longer accredited)."""
    _coordinator(actor)
    certificate = lock(certificate)
    if certificate.revoked_at is not None:
        raise RuleViolation("This certificate is already revoked.")
    if certificate.superseded_by_id is not None:
        raise RuleViolation(
            "This certificate is already replaced by a newer one: revoke the current one."
        )
    if not reason.strip():
        raise RuleViolation("Give the reason for revoking.", "reason")
    certificate.revoked_at, certificate.revoke_reason = utcnow(), reason.strip()
    certificate.revocation_scope = scope = RevocationScope(scope)
    db.session.flush()
    audit.record(
        actor,
        "certificate.revoked",
        "certificate",
        certificate.id,
        after={"reason": certificate.revoke_reason, "scope": scope},
    )
    if scope is RevocationScope.ACCREDITATION:
        withdraw_accreditation(actor, certificate.enrolment, certificate.number)
    notifications.notify(
        [certificate.enrolment.trainee],
        "certificate_revoked",
        Phrase(
            "Your certificate %(number)s was revoked: %(reason)s Your accreditation is withdrawn.",
            number=certificate.number,
            reason=certificate.revoke_reason,
        )
        if scope is RevocationScope.ACCREDITATION
        else Phrase(
            "Your certificate %(number)s was revoked: %(reason)s",
            number=certificate.number,
            reason=certificate.revoke_reason,
        ),
        notifications.link_to("certificates.show", certificate_id=certificate.id),
    )
    return certificate


def supersede(
    actor: User, certificate: Certificate, holder_name: str, expires_on: date | None
) -> Certificate:
    """A replacement with a new number and every other printed field copied (but the name and
    expiry given), which the old certificate then says supersedes it. Checks, locks (`lock`) and
    audit are the caller's (re-issue, renewal)."""
    replacement = Certificate(
        public_id=secrets.token_urlsafe(24),
        number=_new_number(),
        enrolment_id=certificate.enrolment_id,
        holder_name=_check_name(holder_name),
        body=certificate.body,
        scheme_title=certificate.scheme_title,
        scheme_version=certificate.scheme_version,
        accredited_on=certificate.accredited_on,
        supervisor_name=certificate.supervisor_name,
        assessor_name=certificate.assessor_name,
        expires_on=expires_on,
        evidence_digest=certificate.evidence_digest,
        language=certificate.enrolment.trainee.locale or certificate.language,
        issued_by=actor,
        listed=certificate.listed,
    )
    # One certificate of an enrolment is current at any instant (a unique index says so): the
    # old one points at itself until its replacement exists, then at the replacement.
    db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id)
        .values(superseded_by_id=Certificate.id),
        execution_options={"synchronize_session": False},
    )
    _add_current(replacement, certificate.enrolment)
    certificate.superseded_by = replacement
    db.session.flush()
    return replacement


def reissue(actor: User, certificate: Certificate, holder_name: str) -> Certificate:
    """Issue a replacement (a name change, say); the old certificate then says it is superseded."""
    _coordinator(actor)
    certificate = lock(certificate)
    if certificate.revoked_at is not None or certificate.superseded_by_id is not None:
        raise RuleViolation("Only a current certificate can be re-issued.")
    replacement = supersede(actor, certificate, holder_name, certificate.expires_on)
    audit.record(
        actor,
        "certificate.reissued",
        "certificate",
        certificate.id,
        _fields(certificate),
        _fields(replacement),
    )
    return replacement
