"""The subject access archive: attune-data.json and a portfolio PDF per enrolment as trainee.

Gathering reads the database; rendering takes seconds and reads nothing, so the view ends its
transaction in between and holds no database lock while WeasyPrint works."""

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.documents.pdf import html_to_pdf
from app.documents.portfolio import portfolio_html
from app.models import Enrolment, PortfolioStatus, User
from app.models.base import utcnow
from app.services.portfolio import cache
from app.services.portfolio.gather import digest_of, gather
from app.services.privacy import subject_access


@dataclass
class Gathered:
    """Everything the archive holds, read from the database and ready to render."""

    data: dict[str, Any]
    # File name -> a cached PDF, or the (data, digest) of a portfolio still to render.
    portfolios: dict[str, bytes | tuple[Any, str]] = field(default_factory=dict)


def _gather_portfolio(enrolment: Enrolment, today: date, archive: Gathered) -> None:
    """The cached file if the evidence is unchanged, otherwise the data to render now (not
    kept: the export is the person's copy)."""
    name = f"portfolio-{enrolment.scheme.code}-{enrolment.id}.pdf"
    data = gather(enrolment, today)
    digest = digest_of(data)
    document = cache.cached(enrolment, digest)
    if document is not None and document.status is PortfolioStatus.READY and document.pdf:
        archive.portfolios[name] = document.pdf
    else:
        archive.portfolios[name] = (data, digest)


def gather_archive(person: User, today: date) -> Gathered:
    """Read everything the archive of `person` holds."""
    archive = Gathered(subject_access.export_for(person, today))
    for enrolment in subject_access.trainee_enrolments(person):
        _gather_portfolio(enrolment, today, archive)
    return archive


def render_archive(archive: Gathered, generated_at: datetime | None = None) -> bytes:
    """The ZIP's bytes (renders the portfolios that were not cached; reads no database)."""
    at = generated_at or utcnow()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("attune-data.json", json.dumps(archive.data, indent=2, ensure_ascii=False))
        for name, portfolio in archive.portfolios.items():
            if not isinstance(portfolio, bytes):
                portfolio = html_to_pdf(portfolio_html(*portfolio, at))[0]
            zipped.writestr(name, portfolio)
    return buffer.getvalue()
