"""Scheme wording on pages and in the portfolio, in the reader's language: the Dutch scheme's
stages and requirements and the principles read in Dutch by a Dutch reader and in English by an
English one; wording with no Dutch (the UK schemes' own) reads in English."""

import io
import re
from datetime import date
from html import unescape

import pypdf
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Framework, Role, Scheme, User
from app.services.people import enrolments
from tests.builders.people import current_scheme, enrolled_trainee, make_user, stage_of
from tests.builders.portfolio import build_portfolio_world
from tests.builders.web import client_as, committed

DUTCH_SCHEME = "nl-vig-practitioner"


def _speaking(user: User, language: str) -> str:
    user.locale = language
    return user.email


@pytest.fixture
def readers(app, schemes):
    """A Dutch and an English coordinator, and a trainee on the Dutch scheme of each language."""
    with committed(app):
        scheme = current_scheme(DUTCH_SCHEME)
        coordinator = make_user(Role.COORDINATOR)
        found = {
            "scheme": scheme.id,
            "framework": scheme.framework_id,
            "aviguk": current_scheme().id,
            "nl": _speaking(make_user(Role.COORDINATOR), "nl"),
            "en": _speaking(make_user(Role.COORDINATOR), "en"),
            "unenrolled": make_user(Role.TRAINEE).id,
        }
        for language in ("nl", "en"):
            trainee = make_user(Role.TRAINEE)
            enrolment = enrolments.enrol(
                coordinator,
                trainee,
                scheme,
                date(2026, 1, 5),
                stage_of(scheme, 1),
                make_user(Role.SUPERVISOR),
                date(2026, 2, 1),
            )
            found[f"trainee_{language}"] = _speaking(trainee, language)
            found[f"enrolment_{language}"] = enrolment.id
        return found


def _page(app, email: str, path: str) -> str:
    response = client_as(app, email).get(path)
    assert response.status_code == 200, response.status_code
    return unescape(response.get_data(as_text=True))


def test_the_scheme_page_reads_in_the_readers_language(app, readers):
    path = f"/schemes/{readers['scheme']}"
    dutch = _page(app, readers["nl"], path)
    assert "<h1>Certificaat video-interactiebegeleiding (Nederland en Vlaanderen)</h1>" in dutch
    assert "Nederlands-Vlaamse vereniging voor video-interactiebegeleiding (VIB)" in dutch
    assert "Fase 1: Eerste helft" in dutch and "Fase 2: Tweede helft" in dutch
    assert "Acht supervisies, daarna een tussentijdse evaluatie met een tweede opleider." in dutch
    assert "Tussentijdse evaluatie met een tweede opleider" in dutch
    assert "Presenteer je werk minstens één keer in de intervisiegroep" in dutch
    assert "Principes van afgestemd contact en begeleiding (2024, herz. 1)" in dutch
    assert "First half" not in dutch and "8 supervisions" not in dutch
    english = _page(app, readers["en"], path)
    assert "<h1>Video interaction guidance certificate (Netherlands and Flanders)</h1>" in english
    assert "Stage 1: First half" in english and "8 supervisions" in english
    assert "Eerste helft" not in english


def test_the_framework_page_names_principles_and_elements_in_the_readers_language(app, readers):
    path = f"/schemes/frameworks/{readers['framework']}"
    dutch = _page(app, readers["nl"], path)
    assert "<h2>1. Aandachtig zijn</h2>" in dutch and "<h2>5. Begeleiden</h2>" in dutch
    assert "<li>Geïnteresseerd kijken, met een vriendelijke houding</li>" in dutch
    assert "Being attentive" not in dutch
    english = _page(app, readers["en"], path)
    assert "<h2>1. Being attentive</h2>" in english and "Aandachtig zijn" not in english


def test_wording_without_dutch_reads_in_english_for_a_dutch_reader(app, readers):
    dutch = _page(app, readers["nl"], f"/schemes/{readers['aviguk']}")
    assert "<h1>VIG practitioner accreditation</h1>" in dutch
    assert "Fase 1: First supervised practice" in dutch  # the page's own words are Dutch
    listing = _page(app, readers["nl"], "/schemes")
    assert "VIG practitioner accreditation" in listing
    assert "Certificaat video-interactiebegeleiding (Nederland en Vlaanderen)" in listing


def test_the_enrolment_and_home_pages_show_the_stages_and_requirements_in_the_readers_language(
    app, readers
):
    dutch = _page(app, readers["trainee_nl"], f"/enrolments/{readers['enrolment_nl']}")
    assert "Fase 1: Eerste helft" in dutch and "Fase 2: Tweede helft" in dutch
    assert '<span class="req-label">8 supervisies</span>' in dutch
    assert 'aria-label="8 supervisies"' in dutch
    assert "<li>Nog 8 supervisies</li>" in dutch  # the stage to come lists its requirements
    assert "Certificaat video-interactiebegeleiding (Nederland en Vlaanderen) (2024, herz. 1)" in (
        dutch
    )
    home = _page(app, readers["trainee_nl"], "/")
    assert "Fase 1: Eerste helft" in home and '<span class="req-label">8 supervisies' in home
    english = _page(app, readers["trainee_en"], f"/enrolments/{readers['enrolment_en']}")
    assert "Stage 1: First half" in english and '<span class="req-label">8 supervisions' in english
    assert "Eerste helft" not in english and "supervisies" not in english


def test_the_same_kept_progress_reads_in_each_readers_language(app, readers):
    """Progress is kept between requests (app/services/progress/kept.py): what it keeps is the
    English wording, put in a language only when each page is drawn."""
    path = f"/enrolments/{readers['enrolment_nl']}"
    for email, words in (
        (readers["nl"], "Fase 1: Eerste helft"),
        (readers["en"], "Stage 1: First half"),
        (readers["nl"], "Fase 1: Eerste helft"),
    ):
        assert words in _page(app, email, path)


def test_the_enrolment_form_offers_the_stages_in_the_readers_language(app, readers):
    path = f"/enrolments/new/{readers['unenrolled']}"
    dutch = _page(app, readers["nl"], path)
    assert re.search(r"<option [^>]*>Fase 1: Eerste helft</option>", dutch)
    assert 'label="Certificaat video-interactiebegeleiding (Nederland en Vlaanderen)' in dutch
    english = _page(app, readers["en"], path)
    assert re.search(r"<option [^>]*>Stage 1: First half</option>", english)


def test_the_rating_form_offers_the_principles_in_the_readers_language(app, readers):
    path = f"/enrolments/{readers['enrolment_nl']}/ratings"
    dutch = _page(app, readers["trainee_nl"], path)
    assert re.search(r"<option [^>]*>1\. Aandachtig zijn</option>", dutch)
    assert re.search(r"<option [^>]*>Wachten</option>", dutch)
    english = _page(app, readers["trainee_en"], f"/enrolments/{readers['enrolment_en']}/ratings")
    assert re.search(r"<option [^>]*>1\. Being attentive</option>", english)


def _portfolio_text(client, enrolment_id: int, language: str) -> str:
    asked = client.post(f"/enrolments/{enrolment_id}/portfolio", data={"language": language})
    assert asked.status_code == 302, asked.status_code
    document_id = int(asked.headers["Location"].rsplit("/", 1)[1])
    response = client.get(f"/portfolios/{document_id}/pdf")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.get_data()))
    response.close()
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_dutch_portfolio_prints_the_dutch_wording(app, readers):
    client = client_as(app, readers["en"])  # an English reader asks for the Dutch portfolio
    dutch = _portfolio_text(client, readers["enrolment_nl"], "nl")
    assert "Fase 1: Eerste helft" in dutch and "8 supervisies" in dutch
    assert "Certificaat video-interactiebegeleiding (Nederland en Vlaanderen)" in dutch
    assert "1. Aandachtig zijn" in dutch
    english = _portfolio_text(client, readers["enrolment_nl"], "en")
    assert "Stage 1: First half" in english and "1. Being attentive" in english
    assert "Eerste helft" not in english


def test_a_dutch_portfolio_of_a_uk_scheme_prints_its_own_wording_in_english(app, schemes):
    with committed(app):
        world = build_portfolio_world()
    client = client_as(app, world.coordinator)
    dutch = _portfolio_text(client, world.enrolment, "nl")
    assert "Fase 1: First supervised practice" in dutch  # no Dutch for the UK scheme's stages
    assert "1. Aandachtig zijn" in dutch  # the framework's principles have Dutch


def test_translations_loaded_later_reach_the_pages(app, readers):
    """A scheme loaded before its Dutch wording existed reads in English; once the Dutch is
    loaded into the same revision, the same pages read in Dutch."""
    with committed(app):
        scheme = db.session.get(Scheme, readers["scheme"])
        framework = db.session.get(Framework, readers["framework"])
        kept = (scheme.translations, framework.translations)
        scheme.translations, framework.translations = {}, {}
    path = f"/schemes/{readers['scheme']}"
    assert "Fase 1: First half" in _page(app, readers["nl"], path)
    with committed(app):
        scheme = db.session.get(Scheme, readers["scheme"])
        scheme.translations = kept[0]
    assert "Fase 1: Eerste helft" in _page(app, readers["nl"], path)
    with committed(app):
        assert db.session.scalar(select(Scheme.revision).where(Scheme.id == readers["scheme"])) == 1


def test_an_english_trainee_of_the_uk_scheme_is_untouched(app, schemes):
    with committed(app):
        enrolment = enrolled_trainee()
        found = (enrolment.id, enrolment.trainee.email)
    page = _page(app, found[1], f"/enrolments/{found[0]}")
    assert "Stage 1: First supervised practice" in page


def test_the_enrolments_list_names_the_scheme_in_the_readers_language(app, readers):
    dutch = _page(app, readers["nl"], "/enrolments")
    label = "Certificaat video-interactiebegeleiding (Nederland en Vlaanderen) (2024, herz. 1)"
    assert f"<td>{label}</td>" in dutch
    assert f">{label}</option>" in _page(app, readers["nl"], "/coordination/at-risk")  # filter
    english = _page(app, readers["en"], "/enrolments")
    assert "<td>Video interaction guidance certificate (Netherlands and Flanders) (2024" in english
    csv = client_as(app, readers["nl"]).get("/enrolments/export.csv").get_data(as_text=True)
    assert "Video interaction guidance certificate (Netherlands and Flanders)" in csv


def test_the_pipeline_names_the_schemes_stages_in_the_readers_language(app, readers):
    dutch = _page(app, readers["nl"], "/coordination")
    assert "Eerste helft" in dutch and "First half" not in dutch
    named = "Certificaat video-interactiebegeleiding (Nederland en Vlaanderen) (2024, herz. 1): "
    assert named in dutch
    assert "First half" in _page(app, readers["en"], "/coordination")
