"""Certificates: issued by coordinators, verified publicly in every status, revoked, re-issued."""

import io
import json
import re
from datetime import timedelta

import pypdf
import pypdfium2
import pytest
import zxingcpp
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from app.documents.signing import create_issuer_key
from app.extensions import db
from app.models import Certificate, Enrolment, Notification, User
from app.services.certificates import issuing, verification
from tests.builders.signoff import TODAY, accredited_world
from tests.builders.web import client_as, committed

DOCUMENT = {"scope": "document"}


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return accredited_world()


def _issue(app, world, name="Tess Trainee", listed=True):
    data = {"holder_name": name} | ({"listed": "y"} if listed else {})
    return client_as(app, world["coordinator"]).post(
        f"/enrolments/{world['enrolment']}/certificates", data=data
    )


def _certificate(app, number=None):
    with committed(app):
        query = select(Certificate).order_by(Certificate.id.desc())
        if number:
            query = query.where(Certificate.number == number)
        return db.session.scalars(query).first()


def test_issue_then_verify_publicly_every_field(app, world):
    assert _issue(app, world).status_code == 302
    certificate = _certificate(app)
    assert len(certificate.number) == 9 and certificate.number[4] == "-"
    page = app.test_client().get(f"/verify/{certificate.number}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for value in (
        certificate.holder_name,
        certificate.scheme_title,
        certificate.assessor_name,
        certificate.supervisor_name,
        certificate.evidence_digest,
        "Valid.",
    ):
        assert value in text
    record = json.loads(app.test_client().get(f"/verify/{certificate.number}.json").data)
    assert record["status"] == "valid"
    assert record["holder_name"] == "Tess Trainee"
    assert record["evidence_digest"] == certificate.evidence_digest
    loose = app.test_client().get(f"/verify/{certificate.number.lower().replace('-', '')}")
    assert loose.status_code == 200


def test_unknown_numbers_answer_404_clearly(app):
    page = app.test_client().get("/verify/ZZZZ-ZZZZ")
    assert page.status_code == 404
    assert "No certificate has the number ZZZZ-ZZZZ" in page.get_data(as_text=True)
    data = app.test_client().get("/verify/ZZZZ-ZZZZ.json")
    assert data.status_code == 404 and json.loads(data.data)["error"] == "not_found"


def test_revocation_needs_a_reason_and_shows_publicly(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    coordinator = client_as(app, world["coordinator"])
    coordinator.post(f"/certificates/{certificate.id}/revoke", data=DOCUMENT | {"reason": ""})
    assert _certificate(app).revoked_at is None
    coordinator.post(
        f"/certificates/{certificate.id}/revoke",
        data=DOCUMENT | {"reason": "Accreditation obtained by mistake"},
    )
    record = json.loads(app.test_client().get(f"/verify/{certificate.number}.json").data)
    assert record["status"] == "revoked"
    assert record["revocation_reason"] == "Accreditation obtained by mistake"
    assert "Revoked on" in app.test_client().get(f"/verify/{certificate.number}").get_data(
        as_text=True
    )
    with committed(app):
        kinds = db.session.scalars(select(Notification.kind)).all()
        assert "certificate_revoked" in kinds


def test_reissue_supersedes_the_old_certificate(app, world):
    _issue(app, world)
    old = _certificate(app)
    client_as(app, world["coordinator"]).post(
        f"/certificates/{old.id}/reissue", data={"holder_name": "Tess Married-Name"}
    )
    new = _certificate(app)
    assert new.number != old.number
    record = json.loads(app.test_client().get(f"/verify/{old.number}.json").data)
    assert record["status"] == "superseded" and record["superseded_by"] == new.number
    assert json.loads(app.test_client().get(f"/verify/{new.number}.json").data)["status"] == (
        "valid"
    )


def test_only_one_current_certificate_per_enrolment(app, world):
    _issue(app, world)
    _issue(app, world)
    with committed(app):
        assert len(db.session.scalars(select(Certificate)).all()) == 1


def test_expiry_follows_the_scheme(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    assert certificate.expires_on is None  # the AVIGuk scheme sets no expiry
    with committed(app):
        cert = db.session.get(Certificate, certificate.id)
        cert.expires_on = TODAY + timedelta(days=1)
        later = verification.status_of(cert, TODAY + timedelta(days=2))
    assert later.code == "expired"


def test_names_are_escaped_everywhere(app, world):
    _issue(app, world, name="<script>alert(1)</script> Łucja")
    certificate = _certificate(app)
    text = app.test_client().get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Łucja" in text


def test_the_public_register_lists_only_those_who_chose_it(app, world):
    _issue(app, world, listed=False)
    assert "Tess Trainee" not in app.test_client().get("/register").get_data(as_text=True)
    client_as(app, world["coordinator"]).post(
        f"/certificates/{_certificate(app).id}/reissue", data={"holder_name": "Tess Trainee"}
    )
    with committed(app):
        cert = db.session.scalars(select(Certificate).order_by(Certificate.id.desc())).first()
        cert.listed = True
    page = app.test_client().get("/register?q=tess").get_data(as_text=True)
    assert "Tess Trainee" in page


@pytest.mark.parametrize(
    ("who", "method", "path", "expected"),
    [
        ("trainee", "post", "/enrolments/{e}/certificates", 403),
        ("stranger", "get", "/certificates/{c}", 404),
        ("trainee", "get", "/certificates/{c}", 200),
        ("trainee", "post", "/certificates/{c}/revoke", 403),
    ],
)
def test_certificate_pages_answer_each_person_as_the_rules_say(
    app, world, who, method, path, expected
):
    _issue(app, world)
    certificate = _certificate(app)
    client = client_as(app, world[who])
    response = getattr(client, method)(path.format(e=world["enrolment"], c=certificate.id))
    assert response.status_code == expected


def test_the_certificate_pdf_is_read_back_with_every_field(app, world):
    _issue(app, world, name="Łucja Ωμέγα-Дмитриева <b>bold</b>")
    certificate = _certificate(app)
    trainee = client_as(app, world["trainee"])
    response = trainee.get(f"/certificates/{certificate.id}/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    [page] = reader.pages
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    text = " ".join(page.extract_text().split())
    for value in (
        "Łucja Ωμέγα-Дмитриева <b>bold</b>",
        certificate.number,
        certificate.scheme_title,
        certificate.assessor_name,
        f"http://attune.test/verify/{certificate.number}",
    ):
        assert value in text, value
    # The evidence digest is for the verification page, not the certificate.
    assert certificate.evidence_digest[:12] not in text.replace(" ", "")
    rendered = pypdfium2.PdfDocument(response.data)[0].render(scale=3).to_pil()
    payloads = [code.text for code in zxingcpp.read_barcodes(rendered)]
    assert payloads == [f"http://attune.test/verify/{certificate.number}"]
    stranger = client_as(app, world["stranger"])
    assert stranger.get(f"/certificates/{certificate.id}/pdf").status_code == 404


def _signature_status(document: bytes, cert_path):
    _kind, _headers, der = asn1_pem.unarmor(cert_path.read_bytes())
    trust = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    [signature] = PdfFileReader(io.BytesIO(document)).embedded_signatures
    return validate_pdf_signature(signature, trust)


def test_a_configured_issuer_key_signs_the_pdf_and_tampering_breaks_it(app, world, tmp_path):
    key, cert = create_issuer_key(tmp_path, "Test issuer")
    app.config.update(ISSUER_KEY_FILE=str(key), ISSUER_CERT_FILE=str(cert))
    _issue(app, world)
    certificate = _certificate(app)
    document = client_as(app, world["trainee"]).get(f"/certificates/{certificate.id}/pdf").data
    status = _signature_status(document, cert)
    assert status.intact and status.valid and status.trusted
    tampered = bytearray(document)
    inside_a_stream = tampered.find(b"stream") + 30
    tampered[inside_a_stream] ^= 0xFF
    assert not _signature_status(bytes(tampered), cert).intact


def test_create_issuer_key_writes_a_key_and_certificate(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["certificates", "create-issuer-key", "--dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert f"ISSUER_KEY_FILE={tmp_path / 'issuer-key.pem'}" in result.output
    assert (tmp_path / "issuer-cert.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE")
    again = app.test_cli_runner().invoke(
        args=["certificates", "create-issuer-key", "--dir", str(tmp_path), "--if-missing"]
    )
    assert "already" in again.output


def test_a_refused_revocation_says_why_once(app, world):
    _issue(app, world)
    coordinator = client_as(app, world["coordinator"])
    page = coordinator.post(
        f"/certificates/{_certificate(app).id}/revoke",
        data=DOCUMENT | {"reason": ""},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert page.count("Give the reason for revoking.") == 1


def test_revoking_asks_what_is_withdrawn_and_keeps_the_reason_typed(app, world):
    _issue(app, world)
    certificate = _certificate(app)
    coordinator = client_as(app, world["coordinator"])
    page = coordinator.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "<legend>What is withdrawn?</legend>" in page
    response = coordinator.post(
        f"/certificates/{certificate.id}/revoke", data={"reason": "A complaint was upheld"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="scope-error"' in page and "Choose whether the accreditation itself" in page
    assert "A complaint was upheld</textarea>" in page
    assert _certificate(app).revoked_at is None


def _to_issue(page: str) -> str:
    found = re.search(r"Certificates to issue <span class=\"count\">\((\d+)\)</span>", page)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    ("scope", "status", "to_issue", "verify_says"),
    [
        (
            "accreditation",
            "Withdrawn",
            "0",
            "The accreditation itself is withdrawn: the holder is no longer accredited.",
        ),
        (
            "document",
            "Accredited",
            "1",
            "Only this document is revoked; the accreditation stands. A new certificate is due.",
        ),
    ],
)
def test_a_revocation_says_whether_the_accreditation_stands(
    app, world, scope, status, to_issue, verify_says
):
    _issue(app, world)
    certificate = _certificate(app)
    coordinator = client_as(app, world["coordinator"])
    assert _to_issue(coordinator.get("/coordination").get_data(as_text=True)) == "0"
    response = coordinator.post(
        f"/certificates/{certificate.id}/revoke", data={"scope": scope, "reason": "Complaint"}
    )
    assert response.status_code == 302
    assert _to_issue(coordinator.get("/coordination").get_data(as_text=True)) == to_issue
    enrolment = coordinator.get(f"/enrolments/{world['enrolment']}").get_data(as_text=True)
    assert f"<dt>Status</dt><dd>{status}" in enrolment
    assert ("Issue the certificate" in enrolment) == (scope == "document")
    public = app.test_client()
    page = " ".join(public.get(f"/verify/{certificate.number}").get_data(as_text=True).split())
    assert verify_says in page
    assert public.get(f"/verify/{certificate.number}.json").get_json()["revocation_scope"] == scope


def test_a_revoked_document_points_to_the_certificate_issued_in_its_place(app, world):
    _issue(app, world)
    old = _certificate(app)
    coordinator = client_as(app, world["coordinator"])
    coordinator.post(f"/certificates/{old.id}/revoke", data=DOCUMENT | {"reason": "Misprint"})
    assert _issue(app, world).status_code == 302
    new = _certificate(app)
    page = app.test_client().get(f"/verify/{old.number}").get_data(as_text=True)
    assert f"Certificate {new.number} was issued in its place." in page
    assert app.test_client().get(f"/verify/{old.number}.json").get_json()["replaced_by"] == (
        new.number
    )


OVERRIDE = "rtl \u202egnp.exe"


def test_a_direction_override_in_a_stored_name_is_never_printed(app, world):
    # Stored before forms dropped direction controls (or by another route than a form).
    with committed(app):
        enrolment = db.session.get(Enrolment, world["enrolment"])
        coordinator = db.session.scalar(select(User).where(User.email == world["coordinator"]))
        certificate = issuing.issue(coordinator, enrolment, OVERRIDE, True)
    number, public_id = certificate.number, certificate.public_id
    response = client_as(app, world["trainee"]).get(f"/certificates/{certificate.id}/pdf")
    text = " ".join(pypdf.PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "\u202e" not in text
    assert "rtl gnp.exe" in text
    page = app.test_client().get(f"/verify/{number}").get_data(as_text=True)
    assert "\u202e" not in page and "rtl gnp.exe" in page
    record = json.loads(app.test_client().get(f"/verify/{number}.json").data)
    assert record["holder_name"] == "rtl gnp.exe"
    badge = app.test_client().get(f"/open-badges/credentials/{public_id}").get_data(as_text=True)
    assert "\u202e" not in json.dumps(json.loads(badge), ensure_ascii=False)
    assert "rtl gnp.exe is accredited" in badge


def test_a_name_typed_with_a_direction_override_is_issued_without_it(app, world):
    assert _issue(app, world, name=OVERRIDE).status_code == 302
    assert _certificate(app).holder_name == "rtl gnp.exe"
