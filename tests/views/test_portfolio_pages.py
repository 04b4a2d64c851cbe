"""The accreditation portfolio: read back from the real PDF, cached by its inputs, prepared in
the background, and only for the people around the enrolment."""

import io
import re
import uuid

import pypdf
import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import func, select, update

from app import jobs
from app.extensions import db
from app.models import (
    AuditEvent,
    Cycle,
    Enrolment,
    PortfolioDocument,
    PortfolioStatus,
    StageMeeting,
)
from app.services.evidence import reflections
from tests.builders.portfolio import (
    HOLDER,
    LABEL,
    MOMENT_NOTE,
    PRIVATE,
    SHARED,
    build_portfolio_world,
)
from tests.builders.signoff import TODAY
from tests.builders.web import client_as, committed


@pytest.fixture
def world(app, schemes):
    with committed(app):
        return build_portfolio_world()


def _ask(client, world) -> int:
    response = client.post(f"/enrolments/{world.enrolment}/portfolio")
    assert response.status_code == 302, response.status_code
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _download(client, document_id) -> pypdf.PdfReader:
    response = client.get(f"/portfolios/{document_id}/pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    data = response.get_data()
    response.close()
    return pypdf.PdfReader(io.BytesIO(data))


def _pages(reader: pypdf.PdfReader, flat: bool = True) -> list[str]:
    """Each page's text; flat: with line breaks and runs of spaces made single spaces."""
    texts = [page.extract_text() for page in reader.pages]
    return [" ".join(t.split()) for t in texts] if flat else texts


def _generated_count(app) -> int:
    with committed(app):
        return db.session.scalar(
            select(func.count()).where(AuditEvent.action == "portfolio.generated")
        )


def test_the_pdf_holds_every_section_and_nothing_private(app, world):
    client = client_as(app, world.coordinator)
    document_id = _ask(client, world)
    assert "Ready." in client.get(f"/portfolios/{document_id}").get_data(as_text=True)
    pages = _pages(_download(client, document_id))
    text = "\n".join(pages)
    assert HOLDER in pages[0] and "Accreditation portfolio" in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert HOLDER in page, f"no running header on page {number}"
        assert f"Page {number} of {len(pages)}" in page
    for code in world.case_codes:
        assert code in text
    assert LABEL not in text
    assert SHARED in text and PRIVATE not in text
    for words in (
        "Trainee before: nervous about the review",
        "Trainee after: the pause worked",
        "Supervisor reflection: good attunement",
        "Feedback: keep waiting",
        "3/5",
        "4/5",
        "Self: getting there",
        "6 of 6",
        "Filming, and the guider's own use",
    ):
        assert words in text, words
    with committed(app):
        digest = db.session.get(StageMeeting, world.meeting).digest
    assert digest in "".join(text.split())
    assert "matches what was signed" in text


def test_user_text_is_printed_as_typed_never_as_html(app, world):
    client = client_as(app, world.trainee)
    text = "\n".join(_pages(_download(client, _ask(client, world))))
    assert MOMENT_NOTE in text  # tags, entities and quotes come out literally
    assert "Όμορφα" in text and "Дмитриева" in text and "Łucja Żółć" in text


def test_moments_are_grouped_by_principle_in_time_order(app, world):
    client = client_as(app, world.trainee)
    text = "\n".join(_pages(_download(client, _ask(client, world))))
    first, later, second = (
        text.index("Waited <b>"),
        text.index("Later, first again"),
        text.index("Second principle"),
    )
    assert first < later < second  # both moments of the first principle, then the second


def test_contents_give_the_page_each_section_starts_on(app, world):
    client = client_as(app, world.coordinator)
    pages = _pages(_download(client, _ask(client, world)), flat=False)
    listed = dict(re.findall(r"^([A-Z][^.\n]+?)\s*\.{3,}\s*(\d+)$", pages[0], re.M))
    assert {"Supervision log", "Consent summary", "Cases, cycles and films"} <= set(listed)
    for title, page in listed.items():
        body = " ".join(pages[int(page) - 1].split())
        assert title in body, f"{title} is not on page {page}"


def test_fonts_are_embedded(app, world):
    client = client_as(app, world.trainee)
    reader = _download(client, _ask(client, world))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font)["/FontDescriptor"]
            fonts[font["/BaseFont"]] = descriptor
    assert fonts
    for name, descriptor in fonts.items():
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name


def test_unchanged_evidence_returns_the_stored_file(app, world):
    client = client_as(app, world.trainee)
    first = _ask(client, world)
    assert _ask(client_as(app, world.supervisor), world) == first
    assert _generated_count(app) == 1
    with committed(app):
        enrolment = db.session.get(Enrolment, world.enrolment)
        reflections.write_reflection(
            enrolment.trainee, enrolment, TODAY, "New", "Another shared one", False, TODAY
        )
    second = _ask(client, world)
    assert second != first and _generated_count(app) == 2
    assert "Another shared one" in "\n".join(_pages(_download(client, second)))
    assert _ask(client, world) == second and _generated_count(app) == 2


def test_evidence_changed_behind_a_sign_off_is_flagged(app, world):
    with committed(app):
        # Out-of-band tampering with signed evidence (the services refuse such a change).
        db.session.execute(update(Cycle).values(notes="changed afterwards"))
    client = client_as(app, world.coordinator)
    text = "\n".join(_pages(_download(client, _ask(client, world))))
    assert "differs from what was signed" in text


@pytest.mark.parametrize(
    "who, status",
    [
        ("trainee", 302),
        ("supervisor", 302),
        ("assessor", 302),
        ("coordinator", 302),
        ("stranger", 404),
    ],
)
def test_who_may_generate_and_download(app, world, who, status):
    owner = client_as(app, world.trainee)
    document_id = _ask(owner, world)
    client = client_as(app, getattr(world, who))
    assert client.post(f"/enrolments/{world.enrolment}/portfolio").status_code == status
    shown = client.get(f"/portfolios/{document_id}")
    assert shown.status_code == (200 if status == 302 else 404)
    download = client.get(f"/portfolios/{document_id}/pdf")
    assert download.status_code == (200 if status == 302 else 404)
    download.close()


def test_anonymous_people_are_sent_to_sign_in(app, world):
    client = app.test_client()
    response = client.post(f"/enrolments/{world.enrolment}/portfolio")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    with committed(app):
        assert db.session.scalar(select(func.count(PortfolioDocument.id))) == 0


def test_the_enrolment_page_offers_the_portfolio_and_lists_past_ones(app, world):
    client = client_as(app, world.trainee)
    document_id = _ask(client, world)
    page = client.get(f"/enrolments/{world.enrolment}").get_data(as_text=True)
    assert "Prepare the portfolio (PDF)" in page
    assert f"/portfolios/{document_id}" in page


def test_a_failed_preparation_says_so_and_offers_to_try_again(app, world):
    with committed(app):
        enrolment = db.session.get(Enrolment, world.enrolment)
        document = PortfolioDocument(
            enrolment=enrolment,
            inputs_digest="0" * 64,
            status=PortfolioStatus.FAILED,
            requested_by=enrolment.trainee,
            error="OSError: disk full",
        )
        db.session.add(document)
        db.session.flush()
        document_id = document.id
    client = client_as(app, world.trainee)
    page = client.get(f"/portfolios/{document_id}").get_data(as_text=True)
    assert "could not be prepared" in page and "Prepare the portfolio (PDF)" in page
    assert "disk full" not in page  # the technical reason stays in the log
    response = client.get(f"/portfolios/{document_id}/pdf")
    assert response.status_code == 302


@pytest.fixture
def queued_app(app_settings):
    name = f"attune-test-{uuid.uuid4().hex[:8]}"
    app_settings.update({"JOBS_BACKEND": "rq", "JOBS_QUEUE": name})
    yield
    Redis.from_url(app_settings.get("REDIS_URL") or "redis://127.0.0.1:6379/0").delete(
        f"rq:queue:{name}"
    )


def test_with_redis_a_queue_prepares_it_while_the_page_waits(queued_app, app, world):
    client = client_as(app, world.trainee)
    document_id = _ask(client, world)
    waiting = client.get(f"/portfolios/{document_id}").get_data(as_text=True)
    assert "Being prepared." in waiting and 'http-equiv="refresh"' in waiting
    assert client.get(f"/portfolios/{document_id}/pdf").status_code == 302
    assert _ask(client, world) == document_id  # asking again does not queue a second job
    queue: Queue = jobs.queue(app)
    assert queue.count == 1
    with app.app_context():
        assert jobs.work(app, burst=True)
    assert queue.count == 0
    ready = client.get(f"/portfolios/{document_id}").get_data(as_text=True)
    assert "Ready." in ready and 'http-equiv="refresh"' not in ready
    assert HOLDER in _pages(_download(client, document_id))[0]


def test_direction_overrides_in_stored_text_are_never_printed(app, world):
    with committed(app):
        enrolment = db.session.get(Enrolment, world.enrolment)
        enrolment.trainee.display_name = "rtl \u202egnp.exe"
        reflections.write_reflection(
            enrolment.trainee,
            enrolment,
            TODAY,
            "Title \u2067isolated\u2069",
            "Body \u202dforced\u202c \u200fmarks\u200e",
            False,
            TODAY,
        )
    client = client_as(app, world.coordinator)
    text = "\n".join(_pages(_download(client, _ask(client, world))))
    for control in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c":
        assert control not in text
    assert "rtl gnp.exe" in text
    assert "Body forced marks" in text


def test_the_portfolio_is_written_in_the_language_its_requester_chooses(app, world):
    """A coordinator reading Attune in English asks for the Dutch portfolio: its words are
    Dutch; the English one of the same evidence is a document of its own; a language not
    offered is refused with nothing prepared."""
    client = client_as(app, world.coordinator)
    dutch = client.post(f"/enrolments/{world.enrolment}/portfolio", data={"language": "nl"})
    dutch_id = int(dutch.headers["Location"].rsplit("/", 1)[1])
    pages = _pages(_download(client, dutch_id))
    assert "Accreditatieportfolio" in pages[0] and "Accreditation portfolio" not in pages[0]
    # The milestone the passed meeting made is named in the portfolio's language too.
    assert "Fasegesprek 1" in " ".join(pages) and "Stage 1 meeting" not in " ".join(pages)
    english_id = _ask(client, world)
    assert english_id != dutch_id
    english = _pages(_download(client, english_id))
    assert "Accreditation portfolio" in english[0] and "Stage 1 meeting" in " ".join(english)
    again = client.post(f"/enrolments/{world.enrolment}/portfolio", data={"language": "nl"})
    assert int(again.headers["Location"].rsplit("/", 1)[1]) == dutch_id  # kept, not redone
    before = _generated_count(app)
    refused = client.post(
        f"/enrolments/{world.enrolment}/portfolio", data={"language": "xx"}, follow_redirects=True
    )
    assert "Choose one of the languages offered." in refused.get_data(as_text=True)
    assert _generated_count(app) == before


def test_a_corrected_translation_of_the_scheme_makes_a_new_portfolio(app, world):
    """The cache is keyed by what the document shows: the scheme's wording in its language is
    part of that, so a corrected translation is not hidden behind the document made before."""
    client = client_as(app, world.coordinator)
    first = client.post(f"/enrolments/{world.enrolment}/portfolio", data={"language": "nl"})
    with committed(app):
        scheme = db.session.get(Enrolment, world.enrolment).scheme
        stage = next(s for s in scheme.stages if s.number == 1)
        scheme.translations = {"nl": {str(stage.title): "Eerste fase, verbeterd"}}
    again = client.post(f"/enrolments/{world.enrolment}/portfolio", data={"language": "nl"})
    assert again.headers["Location"] != first.headers["Location"]
    document_id = int(again.headers["Location"].rsplit("/", 1)[1])
    text = " ".join(_pages(_download(client, document_id)))
    assert "Eerste fase, verbeterd" in text
