"""Revoking a certificate says what is withdrawn: only the document, or the accreditation."""

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.extensions import db
from app.models import AuditEvent, EnrolmentStatus, MeetingStatus, Notification, RevocationScope
from app.services.certificates import issuing, verification
from app.services.coordination import pipeline
from app.services.schemes.files import default_schemes_dir
from app.services.schemes.loader import load_definitions
from app.services.signoff import ratification
from tests.builders.renewal import NO_RENEWAL, accredited

TODAY = date(2026, 12, 1)


@pytest.fixture
def practitioner(ctx):
    load_definitions(None, default_schemes_dir())
    return accredited(NO_RENEWAL, accredited_on=date(2026, 11, 24))


def _to_issue() -> set[int]:
    return {row.enrolment_id for row in db.session.execute(pipeline.certificates_to_issue())}


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_withdrawing_the_accreditation_ends_it_and_no_certificate_is_due(practitioner):
    p = practitioner
    issuing.revoke(p.coordinator, p.certificate, "Complaint upheld", RevocationScope.ACCREDITATION)
    assert p.certificate.revocation_scope is RevocationScope.ACCREDITATION
    assert p.enrolment.status is EnrolmentStatus.WITHDRAWN
    assert p.enrolment.id not in _to_issue()
    [revoked] = _audit("certificate.revoked")
    assert revoked.after == {"reason": "Complaint upheld", "scope": "accreditation"}
    [withdrawn] = _audit("enrolment.accreditation_withdrawn")
    assert (withdrawn.subject_id, withdrawn.before, withdrawn.after) == (
        p.enrolment.id,
        {"status": "accredited"},
        {"status": "withdrawn", "certificate": p.certificate.number},
    )
    told = db.session.scalars(select(Notification.message)).all()
    assert any("Your accreditation is withdrawn." in m for m in told)
    record = verification.public_record(p.certificate, TODAY)
    assert (record["status"], record["revocation_scope"], record["replaced_by"]) == (
        "revoked",
        "accreditation",
        None,
    )
    with pytest.raises(RuleViolation, match="Certificates are issued once"):
        issuing.issue(p.coordinator, p.enrolment, "Pat Practitioner", listed=False)


def test_revoking_only_the_document_keeps_the_accreditation_and_a_new_one_is_due(practitioner):
    p = practitioner
    issuing.revoke(p.coordinator, p.certificate, "Wrong name", RevocationScope.DOCUMENT)
    assert p.certificate.revocation_scope is RevocationScope.DOCUMENT
    assert p.enrolment.status is EnrolmentStatus.ACCREDITED
    assert p.enrolment.id in _to_issue()
    assert _audit("certificate.revoked")[0].after == {"reason": "Wrong name", "scope": "document"}
    assert _audit("enrolment.accreditation_withdrawn") == []
    record = verification.public_record(p.certificate, TODAY)
    assert (record["revocation_scope"], record["replaced_by"]) == ("document", None)
    new = issuing.issue(p.coordinator, p.enrolment, "Pat Right-Name", listed=False)
    assert p.enrolment.id not in _to_issue()
    assert verification.public_record(p.certificate, TODAY)["replaced_by"] == new.number


def test_a_stage_whose_certificate_stands_is_not_reopened_until_it_is_revoked(practitioner):
    p = practitioner
    meeting = issuing.final_signoff(p.enrolment)
    assert meeting is not None
    with pytest.raises(RuleViolation, match="revoke it before reopening"):
        ratification.reopen(p.coordinator, meeting.id, "Evidence was misfiled")
    assert p.enrolment.status is EnrolmentStatus.ACCREDITED
    assert _audit("meeting.voided") == []
    issuing.revoke(p.coordinator, p.certificate, "Evidence misfiled", RevocationScope.DOCUMENT)
    reopened = ratification.reopen(p.coordinator, meeting.id, "Evidence was misfiled")
    assert reopened.status is MeetingStatus.VOIDED
    assert len(_audit("meeting.voided")) == 1
    assert p.enrolment.status is EnrolmentStatus.ACTIVE
