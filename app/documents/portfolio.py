"""The portfolio as HTML for WeasyPrint: its sections in order, with their titles."""

from datetime import datetime

from app.documents.pdf import render_html
from app.i18n import datetime_text
from app.i18n import gettext as _
from app.i18n import lazy_gettext as _l
from app.services.portfolio.gather import PortfolioData
from app.web.progress_charts import RATER_COLOURS, portfolio_charts, rater_names

SECTIONS = (
    ("requirements", _l("Requirements of each stage")),
    ("meetings", _l("Stage meetings and sign-offs")),
    ("moments", _l("Moments by principle")),
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
        date=datetime_text(generated_at),
        digest=digest[:16],
    )
    rating_charts, supervision_chart = portfolio_charts(data)
    return render_html(
        "portfolio.html",
        p=data,
        rating_charts=rating_charts,
        supervision_chart=supervision_chart,
        rater_colours=RATER_COLOURS,
        rater_names=rater_names(),
        digest=digest,
        generated_at=generated_at,
        footer=footer,
        sections=SECTIONS,
        titles=dict(SECTIONS),
    )
