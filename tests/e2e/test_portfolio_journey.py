"""Through the pages: the demo trainee asks for her portfolio, sees it being prepared, and
downloads it when the background job has finished."""

import io

import pypdf
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import LiveApp, Steps, sign_in


def test_prepare_wait_and_download_the_portfolio(
    live: LiveApp, browser: Browser, steps: Steps, tmp_path
):
    page = browser.new_context(accept_downloads=True).new_page()
    sign_in(page, live, "trainee@attune.demo", "demo-trainee-pass")
    page.get_by_role("link", name="VIG practitioner accreditation").first.click()  # from home
    page.get_by_role("button", name="Prepare the portfolio (PDF)").click()
    steps.shot(page, "asked")
    expect(page.get_by_text("Ready.")).to_be_visible(timeout=30_000)  # the page refreshes itself
    steps.shot(page, "ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the portfolio (PDF)").click()
    path = tmp_path / "portfolio.pdf"
    download_info.value.save_as(path)
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Tess Trainee" in first and "Accreditation portfolio" in first
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in reader.pages[-1].extract_text()
