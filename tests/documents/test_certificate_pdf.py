"""The certificate of accreditation, downloaded as its holder downloads it and read back: the
association, the holder, the scheme in words, the date written out in the holder's language,
the signatory lines, the number and QR code, no evidence digest; signed, and still verifying;
one page whatever the length and script of the name."""

import calendar
import io
import re

import pypdf
import pytest
import zxingcpp
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from babel.dates import format_date
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from app.documents.signing import create_issuer_key
from app.extensions import db
from app.models import Certificate, Enrolment
from tests.builders.signoff import accredited_world
from tests.builders.web import client_as, committed
from tests.documents.reading import POINTS_PER_MM, draw_pages, ink_box, page_texts, text_boxes

GREEK = "Αικατερίνη-Ευαγγελία Παπαδοπούλου-Χατζηγεωργίου Σταυρουλάκης"
POLISH = "Łucja Gabriela Żółkiewska-Brzęczyszczykiewicz Szczęśniakówna"
MARGIN_MM = 10  # the certificate's page margin (templates/pdf/certificate.html)
SCALE = 2.0


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return accredited_world()


def _certificate(app, world, name: str, locale: str = "en") -> Certificate:
    """Issued through the coordinator's form, for a holder who reads Attune in `locale`."""
    with committed(app):
        db.session.get(Enrolment, world["enrolment"]).trainee.locale = locale
    issued = client_as(app, world["coordinator"]).post(
        f"/enrolments/{world['enrolment']}/certificates", data={"holder_name": name}
    )
    assert issued.status_code == 302
    with committed(app):
        return db.session.scalars(select(Certificate).order_by(Certificate.id.desc())).first()


def _download(app, world, certificate: Certificate) -> bytes:
    response = client_as(app, world["trainee"]).get(f"/certificates/{certificate.id}/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    return response.data


def test_the_certificate_prints_what_a_reader_needs_and_not_the_digest(app, world):
    app.config.update(ASSOCIATION_CHAIR="Dr Chris Chair")
    certificate = _certificate(app, world, "Tess Trainee")
    document = _download(app, world, certificate)
    [text] = page_texts(document)
    draw_pages(document, "certificate-english", scale=SCALE)
    day = certificate.accredited_on
    # Written out, day first, as the association's country writes it: "7 February 2026".
    long_form = f"{day.day} {calendar.month_name[day.month]} {day.year}"
    # The association (ASSOCIATION_NAME unset: the awarding body), set in capitals.
    assert certificate.body.upper() in text
    for value in (
        "Certificate of accreditation",
        "Tess Trainee",
        f"has met every requirement of the {certificate.scheme_title}",
        f"Accredited on {long_form}",
        "Dr Chris Chair Chair",
        f"{certificate.assessor_name} Assessor",
        f"Certificate number {certificate.number}",
        f"Verify at http://attune.test/verify/{certificate.number}",
    ):
        assert value in text, value
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None  # no date in ISO form
    squeezed = "".join(text.split())
    assert certificate.evidence_digest[:12] not in squeezed
    assert "digest" not in text.lower()
    # Verification still shows it.
    page = app.test_client().get(f"/verify/{certificate.number}").get_data(as_text=True)
    assert certificate.evidence_digest in page


def test_the_configured_association_name_and_mark_are_printed(app, world, tmp_path):
    mark = tmp_path / "mark.svg"
    mark.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
        '<rect width="10" height="10" fill="#c0392b"/></svg>'
    )
    app.config.update(ASSOCIATION_NAME="Stichting VIG Nederland", ASSOCIATION_MARK=str(mark))
    document = _download(app, world, _certificate(app, world, "Tess Trainee"))
    assert "STICHTING VIG NEDERLAND" in page_texts(document)[0].upper()
    [picture] = draw_pages(document, "certificate-configured-mark", scale=SCALE)
    reds = [
        (x, y)
        for x in range(0, picture.size[0], 4)
        for y in range(0, picture.size[1] // 3, 4)
        if picture.getpixel((x, y)) == (192, 57, 43)
    ]
    assert reds, "the configured mark is not drawn at the head of the page"


def test_a_mark_that_cannot_be_read_gives_way_to_attunes_own(app, world, tmp_path, caplog):
    app.config.update(ASSOCIATION_MARK=str(tmp_path / "missing.png"))
    document = _download(app, world, _certificate(app, world, "Tess Trainee"))
    assert "missing.png is not an SVG, PNG or JPEG file" in caplog.text
    [picture] = draw_pages(document, "certificate-default-mark", scale=SCALE)
    # Inside the frame, above the association's name: where the mark is drawn.
    top, bottom = (round(mm * POINTS_PER_MM * SCALE) for mm in (MARGIN_MM + 5, 41))
    head = picture.crop((picture.size[0] // 3, top, 2 * picture.size[0] // 3, bottom))
    colours = dict((c, n) for n, c in head.getcolors(head.size[0] * head.size[1]))
    assert colours.get((31, 95, 139), 0) > 200  # #1f5f8b, the blue of Attune's mark


def test_the_longest_name_allowed_stays_on_the_one_page_clear_of_the_signatures(app, world):
    name = " ".join(["Wawrzyniec"] * 11)[:120]
    certificate = _certificate(app, world, name)
    document = _download(app, world, certificate)
    assert len(pypdf.PdfReader(io.BytesIO(document)).pages) == 1
    assert name in page_texts(document)[0]
    draw_pages(document, "certificate-120", scale=SCALE)
    lines = _name_lines_clear_of_the_signatures(document, name, certificate.assessor_name)
    assert lines <= 4


def _signature_status(document: bytes, cert_path):
    _kind, _headers, der = asn1_pem.unarmor(cert_path.read_bytes())
    trust = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    [signature] = PdfFileReader(io.BytesIO(document)).embedded_signatures
    return validate_pdf_signature(signature, trust)


def test_the_certificate_is_signed_and_its_qr_code_leads_to_verification(app, world, tmp_path):
    key, cert = create_issuer_key(tmp_path, "Test issuer")
    app.config.update(ISSUER_KEY_FILE=str(key), ISSUER_CERT_FILE=str(cert))
    certificate = _certificate(app, world, "Tess Trainee")
    document = _download(app, world, certificate)
    status = _signature_status(document, cert)
    assert status.intact and status.valid and status.trusted
    [picture] = draw_pages(document, "certificate-signed", scale=3)
    payloads = [code.text for code in zxingcpp.read_barcodes(picture)]
    assert payloads == [f"http://attune.test/verify/{certificate.number}"]
    record = app.test_client().get(f"/verify/{certificate.number}.json").get_json()
    assert record["status"] == "valid" and record["holder_name"] == "Tess Trainee"


@pytest.mark.parametrize(
    ("name", "locale"), [(GREEK, "el"), (POLISH, "pl")], ids=["greek", "polish"]
)
def test_a_sixty_character_name_fits_on_the_one_page(app, world, name, locale):
    assert len(name) == 60
    certificate = _certificate(app, world, name, locale)
    document = _download(app, world, certificate)
    reader = pypdf.PdfReader(io.BytesIO(document))
    assert len(reader.pages) == 1
    [text] = page_texts(document)
    assert name in text
    # The date written out in the holder's language ("7 lutego 2026"), not in English.
    day = certificate.accredited_on
    assert format_date(day, format="long", locale=locale) in text
    assert calendar.month_name[day.month] not in text

    # Everything drawn stays inside the page's margins.
    [picture] = draw_pages(document, f"certificate-{locale}-60", scale=SCALE)
    width, height = picture.size
    margin = MARGIN_MM * POINTS_PER_MM * SCALE
    left, top, right, bottom = ink_box(picture)
    assert left >= margin - 2 and top >= margin - 2, (left, top)
    assert right <= width - margin + 2 and bottom <= height - margin + 2, (right, bottom)

    # The name itself: on at most two lines, inside the frame, above the signatures.
    assert _name_lines_clear_of_the_signatures(document, name, certificate.assessor_name) <= 2


def _name_lines_clear_of_the_signatures(document: bytes, name: str, assessor: str) -> int:
    """How many lines the name is set on, having checked that every character of it lies inside
    the frame's border and above the assessor's name by more than 20 points."""
    page_width = float(pypdf.PdfReader(io.BytesIO(document)).pages[0].mediabox.width)
    boxes = text_boxes(document, 0, name)
    assert len(boxes) == len(name.replace(" ", ""))
    inner = (MARGIN_MM + 3) * POINTS_PER_MM
    assert min(b[0] for b in boxes) >= inner and max(b[2] for b in boxes) <= page_width - inner
    signatures = text_boxes(document, 0, assessor)
    assert signatures
    assert min(b[1] for b in boxes) > max(b[3] for b in signatures) + 20
    return len({round(box[1]) for box in boxes})


def test_a_certificate_stays_in_the_language_it_was_issued_in(app, world):
    """Issued to a holder who reads Attune in Dutch: recorded as Dutch, and still drawn in Dutch
    (its words and its dates) after the holder switches their account to English."""
    certificate = _certificate(app, world, "Daan de Vries", "nl")
    assert certificate.language == "nl"
    with committed(app):
        db.session.get(Enrolment, world["enrolment"]).trainee.locale = "en"
    [text] = page_texts(_download(app, world, certificate))
    day = certificate.accredited_on
    assert format_date(day, format="long", locale="nl") in text
    assert calendar.month_name[day.month] not in text


def test_verification_names_the_language_of_issue_in_the_visitors_language(app, world):
    """An English visitor checking a certificate issued in Dutch reads that it was issued in
    Dutch ("Nederlands"), in English around it; the JSON gives the language's code."""
    certificate = _certificate(app, world, "Daan de Vries", "nl")
    visitor = app.test_client()
    page = visitor.get(f"/verify/{certificate.number}", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert "Language of issue" in text and '<dd lang="nl">Nederlands</dd>' in text
    assert visitor.get(f"/verify/{certificate.number}.json").get_json()["language"] == "nl"
    dutch = visitor.get(f"/verify/{certificate.number}", headers={"Accept-Language": "nl"})
    assert "Taal van uitgifte" in dutch.get_data(as_text=True)
