"""The background job that renders a portfolio to PDF (its HTML is app/documents/portfolio.py,
shared with the subject-access archive and the benchmark)."""

from flask import current_app

from app.documents.pdf import html_to_pdf
from app.documents.portfolio import portfolio_html
from app.extensions import db
from app.i18n import in_locale, local_today, person_locale
from app.models import PortfolioDocument, PortfolioStatus
from app.services.portfolio import cache
from app.services.portfolio.gather import digest_of, gather


def build_portfolio(document_id: int) -> None:
    """The job: gather the evidence as it is now, render it and keep the file (or the failure)."""
    document = db.session.get(PortfolioDocument, document_id)
    if document is None or document.status is not PortfolioStatus.PREPARING:
        return
    try:
        data = gather(document.enrolment, local_today())
        digest, requested_at = digest_of(data), document.requested_at
        language, territory = document.language, current_app.config["ASSOCIATION_TERRITORY"]
        # Rendering takes seconds: no transaction stays open meanwhile (on SQLite it would keep
        # its snapshot, and a later write from it could be refused as stale).
        db.session.rollback()
        with in_locale(person_locale(language, territory)):
            pdf, pages = html_to_pdf(portfolio_html(data, digest, requested_at))
    except Exception as error:
        db.session.rollback()
        document = db.session.get(PortfolioDocument, document_id)
        if document is not None:
            cache.record_failure(document, f"{type(error).__name__}: {error}")
            db.session.commit()
        raise
    document = db.session.get(PortfolioDocument, document_id)
    if document is not None and document.status is PortfolioStatus.PREPARING:
        cache.record_rendered(document, pdf, pages, digest)
        db.session.commit()
