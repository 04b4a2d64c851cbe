"""The subject access archive: attune-data.json and a portfolio PDF per enrolment as trainee."""

import io
import json
import zipfile
from datetime import date

from app.models import Enrolment, PortfolioStatus, User
from app.models.base import utcnow
from app.pdf import html_to_pdf
from app.portfolios.build import portfolio_html
from app.services import portfolios, subject_access
from app.services.portfolio_data import digest_of, gather


def portfolio_pdf(enrolment: Enrolment, today: date) -> bytes:
    """The enrolment's portfolio as it is now: the cached file if the evidence is unchanged,
    otherwise rendered here and now (not kept: the export is the person's copy)."""
    data = gather(enrolment, today)
    digest = digest_of(data)
    document = portfolios.cached(enrolment, digest)
    if document is not None and document.status is PortfolioStatus.READY and document.pdf:
        return document.pdf
    return html_to_pdf(portfolio_html(data, digest, utcnow()))[0]


def build_archive(person: User, today: date) -> tuple[bytes, int]:
    """The ZIP's bytes and how many portfolios it holds."""
    data = subject_access.export_for(person, today)
    enrolments = subject_access.trainee_enrolments(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("attune-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for enrolment in enrolments:
            name = f"portfolio-{enrolment.scheme.code}-{enrolment.id}.pdf"
            archive.writestr(name, portfolio_pdf(enrolment, today))
    return buffer.getvalue(), len(enrolments)
