"""A certificate names its scheme and awarding body as the scheme words them, kept in English:
the PDF prints them in the language the certificate was issued in, and its pages, /verify and
the public register in the reader's; the JSON keeps the English as stored."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User
from tests.builders.renewal import DUTCH, accredited
from tests.builders.web import client_as, committed
from tests.documents.reading import page_texts

SCHEME_EN = "Video interaction guidance certificate (Netherlands and Flanders)"
SCHEME_NL = "Certificaat video-interactiebegeleiding (Nederland en Vlaanderen)"
BODY_EN = "Dutch/Flemish association for video interaction guidance (VIB)"
BODY_NL = "Nederlands-Vlaamse vereniging voor video-interactiebegeleiding (VIB)"
DUTCH_BROWSER = {"Accept-Language": "nl-NL,nl;q=0.9"}


@pytest.fixture
def issued(app, schemes):
    """A certificate of the Dutch scheme issued in Dutch (its holder's language), listed."""
    with committed(app):
        practitioner = accredited(DUTCH)
        practitioner.certificate.language = "nl"
        practitioner.certificate.listed = True
        return {
            "id": practitioner.certificate.id,
            "number": practitioner.certificate.number,
            "coordinator": practitioner.coordinator.email,
        }


def test_the_pdf_prints_the_schemes_wording_in_the_certificates_language(app, issued):
    """Drawn for an English coordinator, the Dutch certificate is Dutch throughout."""
    coordinator = client_as(app, issued["coordinator"])
    response = coordinator.get(f"/certificates/{issued['id']}/pdf")
    assert response.status_code == 200
    [text] = page_texts(response.data)
    assert f"heeft voldaan aan alle eisen voor {SCHEME_NL}" in text, text
    assert BODY_NL.upper() in text.upper(), text
    assert SCHEME_EN not in text and BODY_EN.upper() not in text.upper()


@pytest.mark.parametrize(
    ("headers", "scheme", "body"),
    [(DUTCH_BROWSER, SCHEME_NL, BODY_NL), ({"Accept-Language": "en-GB"}, SCHEME_EN, BODY_EN)],
)
def test_verify_and_the_register_name_the_scheme_in_the_visitors_language(
    app, issued, headers, scheme, body
):
    visitor = app.test_client()
    page = visitor.get(f"/verify/{issued['number']}", headers=headers).get_data(as_text=True)
    assert scheme in page and body in page
    register = visitor.get("/register", headers=headers).get_data(as_text=True)
    assert scheme in register


def test_the_json_keeps_the_scheme_as_stored(app, issued):
    record = app.test_client().get(f"/verify/{issued['number']}.json", headers=DUTCH_BROWSER)
    assert (record.json["scheme"], record.json["awarding_body"]) == (SCHEME_EN, BODY_EN)


def test_the_certificate_page_names_the_scheme_in_the_readers_language(app, issued):
    with committed(app):
        db.session.scalar(select(User).where(User.email == issued["coordinator"])).locale = "nl"
    page = client_as(app, issued["coordinator"]).get(f"/certificates/{issued['id']}")
    text = page.get_data(as_text=True)
    assert SCHEME_NL in text and BODY_NL in text
