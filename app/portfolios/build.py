"""Rendering a portfolio to PDF: the background job, and the rendering it shares with the
benchmark."""

from datetime import datetime

from app.extensions import db
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.i18n import local_today
from app.models import PortfolioDocument, PortfolioStatus
from app.pdf import html_to_pdf, render_html
from app.services import portfolios
from app.services.portfolio_data import PortfolioData, digest_of, gather

SECTIONS = (
    ("requirements", _l("Requirements of each stage")),
    ("meetings", _l("Stage meetings and sign-offs")),
    ("cases", _l("Cases, cycles and films")),
    ("supervision", _l("Supervision log")),
    ("reflections", _l("Written reflections")),
    ("ratings", _l("Self-assessments and ratings over time")),
    ("milestones", _l("Courses, documents and other milestones")),
    ("consent", _l("Consent summary")),
)


def portfolio_html(data: PortfolioData, digest: str, generated_at: datetime) -> str:
    """The portfolio as HTML for WeasyPrint."""
    footer = _(
        "Generated %(date)s · digest %(digest)s",
        date=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        digest=digest[:16],
    )
    return render_html(
        "portfolio.html",
        p=data,
        digest=digest,
        generated_at=generated_at,
        footer=footer,
        sections=SECTIONS,
        titles=dict(SECTIONS),
    )


def build_portfolio(document_id: int) -> None:
    """The job: gather the evidence as it is now, render it and keep the file (or the failure)."""
    document = db.session.get(PortfolioDocument, document_id)
    if document is None or document.status is not PortfolioStatus.PREPARING:
        return
    try:
        data = gather(document.enrolment, local_today())
        digest, requested_at = digest_of(data), document.requested_at
        # Rendering takes seconds: no transaction stays open meanwhile (on SQLite it would keep
        # its snapshot, and a later write from it could be refused as stale).
        db.session.rollback()
        pdf, pages = html_to_pdf(portfolio_html(data, digest, requested_at))
    except Exception as error:
        db.session.rollback()
        document = db.session.get(PortfolioDocument, document_id)
        if document is not None:
            portfolios.record_failure(document, f"{type(error).__name__}: {error}")
            db.session.commit()
        raise
    document = db.session.get(PortfolioDocument, document_id)
    if document is not None and document.status is PortfolioStatus.PREPARING:
        portfolios.record_rendered(document, pdf, pages, digest)
        db.session.commit()
