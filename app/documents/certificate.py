"""The certificate of accreditation as a PDF: the association's name and mark, the holder, the
scheme in words, its dates written out in the holder's language, signatory lines, the QR code and
number to verify it by (the evidence digest is shown only on the verification page); signed with
the issuer's key when one is configured."""

import base64
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import current_app

from app.documents.pdf import html_to_pdf, qr_data_uri, render_html
from app.documents.signing import sign_pdf
from app.i18n import in_locale, long_date, person_locale
from app.models import Certificate
from app.models.scheme_text import read_text
from app.services.certificates import verification

MARK_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


@dataclass(frozen=True)
class Association:
    """Who awards the certificate, as printed at its head and under the chair's line."""

    name: str
    mark: str | None  # a data URI, or None for Attune's own mark
    chair: str


def _mark(setting: str | None) -> str | None:
    """The configured mark as a data URI (embedded: nothing is fetched while rendering)."""
    if not setting:
        return None
    path = Path(setting)
    if not path.is_absolute():
        path = Path(current_app.instance_path) / path
    kind = MARK_TYPES.get(path.suffix.lower())
    if kind is None or not path.is_file():
        current_app.logger.warning("ASSOCIATION_MARK %s is not an SVG, PNG or JPEG file", path)
        return None
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def association(awarding_body: str) -> Association:
    """The association as configured (config.py, ASSOCIATION_*)."""
    config = current_app.config
    return Association(
        name=config.get("ASSOCIATION_NAME") or awarding_body,
        mark=_mark(config.get("ASSOCIATION_MARK")),
        chair=config.get("ASSOCIATION_CHAIR") or "",
    )


def name_size(name: str) -> int:
    """The holder's name in points: large, and smaller as the name grows, so that a name of up
    to 60 characters takes at most two lines and the longest allowed (120) stays well clear of
    the signatures (the tests draw both)."""
    for longest, points in ((24, 34), (36, 28), (50, 23), (72, 20), (96, 17)):
        if len(name) <= longest:
            return points
    return 15


def worded(record: dict[str, Any]) -> dict[str, Any]:
    """A certificate's public record with the scheme's wording it names (the scheme's title and
    its awarding body, kept in English) in the current language, as far as the scheme gives it."""
    return {
        **record,
        "scheme": read_text(record["scheme"]),
        "awarding_body": read_text(record["awarding_body"]),
    }


def certificate_html(certificate: Certificate, verify_url: str, today: date) -> str:
    """The certificate as HTML, in the language it was issued in (its holder's at the time):
    the words as far as translated, the dates always."""
    locale = person_locale(certificate.language, current_app.config["ASSOCIATION_TERRITORY"])
    with in_locale(locale):
        record = worded(verification.public_record(certificate, today))
        return render_html(
            "certificate.html",
            record=record,
            association=association(record["awarding_body"]),
            accredited_on=long_date(certificate.accredited_on, locale),
            expires_on=long_date(certificate.expires_on, locale) if certificate.expires_on else "",
            name_points=name_size(record["holder_name"]),
            qr=qr_data_uri(verify_url),
            verify_url=verify_url,
            language=locale.language,
        )


def certificate_pdf(certificate: Certificate, verify_url: str, today: date) -> bytes:
    """The certificate as a PDF, signed (PAdES) when ISSUER_KEY_FILE and ISSUER_CERT_FILE name
    files that exist."""
    document = html_to_pdf(certificate_html(certificate, verify_url, today))[0]
    key, cert = current_app.config["ISSUER_KEY_FILE"], current_app.config["ISSUER_CERT_FILE"]
    if key and cert and Path(key).exists() and Path(cert).exists():
        document = sign_pdf(document, Path(key), Path(cert))
    return document
