"""Through the pages: a coordinator issues a certificate, downloads the signed PDF, the printed
verification address shows it valid in a private window; revoked, it shows the reason."""

import io
import re
from concurrent.futures import ThreadPoolExecutor

import pypdf
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from playwright.sync_api import Browser, expect
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from tests.e2e.conftest import LiveApp, Steps, sign_in

REASON = "Issued to the wrong person in error"


def _signature(document: bytes, live: LiveApp):
    """pyHanko's validation, in a thread of its own (Playwright's loop runs in this one)."""
    _kind, _headers, der = asn1_pem.unarmor(live.issuer_cert.read_bytes())
    trust = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    [signature] = PdfFileReader(io.BytesIO(document)).embedded_signatures
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(validate_pdf_signature, signature, trust).result()


def test_issue_download_verify_and_revoke(live: LiveApp, browser: Browser, steps: Steps, tmp_path):
    coordinator = browser.new_context(accept_downloads=True).new_page()
    sign_in(coordinator, live, "coordinator@attune.demo", "demo-coordinator-pass")
    steps.shot(coordinator, "coordinator-home")

    coordinator.get_by_role("link", name="Enrolments").first.click()
    coordinator.get_by_label("Trainee or scheme").fill("Amara")
    coordinator.get_by_role("button", name="Search").click()
    coordinator.get_by_role("link", name="Amara Awaiting").click()
    expect(coordinator.get_by_role("heading", name="Amara Awaiting")).to_be_visible()
    steps.shot(coordinator, "accredited-enrolment")

    coordinator.get_by_label("Name as printed").fill("Amara Ngozi Awaiting")
    coordinator.get_by_role("button", name="Issue the certificate").click()
    expect(coordinator.get_by_text("Valid.")).to_be_visible()
    number = re.search(r"Certificate (\w{4}-\w{4})", coordinator.title()).group(1)
    steps.shot(coordinator, "certificate-issued")

    with coordinator.expect_download() as download_info:
        coordinator.get_by_role("link", name="Download the certificate (PDF)").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    data = pdf_path.read_bytes()
    text = " ".join(pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text().split())
    assert "Amara Ngozi Awaiting" in text and number in text
    assert _signature(data, live).intact and _signature(data, live).valid
    printed = re.search(r"(http://127\.0\.0\.1:\d+/verify/\S+)", text).group(1)
    assert printed == f"{live.url}/verify/{number}"

    private = browser.new_context().new_page()  # a private window: no session, no cookies
    private.goto(printed)
    expect(private.get_by_text("Valid.")).to_be_visible()
    expect(private.get_by_text("Amara Ngozi Awaiting")).to_be_visible()
    steps.shot(private, "verified-valid")

    coordinator.get_by_label("Only this document").check()
    coordinator.get_by_label("Reason").fill(REASON)
    coordinator.get_by_role("button", name="Revoke this certificate").click()
    expect(coordinator.get_by_text("The certificate is revoked")).to_be_visible()
    steps.shot(coordinator, "revoked")

    private.reload()
    expect(private.get_by_text("Revoked on")).to_be_visible()
    expect(private.get_by_text(REASON)).to_be_visible()
    steps.shot(private, "verified-revoked")
