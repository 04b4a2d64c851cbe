"""The charts of the pages and the portfolio, built from what the services gather: ratings
over time per principle, confirmed supervision by month against the pace the current stage
needs, and each scheme's pipeline as a funnel by stage."""

from collections.abc import Sequence
from datetime import date

from flask_babel import format_date, format_decimal

from app.i18n import gettext as _
from app.models import Enrolment, Principle, Rating, RatingKind, SessionStatus
from app.models.scheme_text import read_text
from app.services.coordination.pipeline import SchemeCounts
from app.services.portfolio.entries import PortfolioData
from app.services.progress.evaluate import EnrolmentProgress
from app.services.progress.rules import months_between
from app.services.signoff.ratings import SCALE
from app.services.supervision.queries import confirmed_minutes_by_month
from app.web.charts import Chart, Month, Rated, bars_against_pace, funnel, ratings_over_time

RATER_COLOURS = {RatingKind.SELF.value: "#2a7a4b", RatingKind.SUPERVISOR.value: "#1f5f8b"}
LONGEST = 12  # months shown at most


def rater_names() -> dict[str, str]:
    """The legend's words for each kind of rater."""
    return {RatingKind.SELF.value: _("own rating"), RatingKind.SUPERVISOR.value: _("supervisor")}


def rating_charts(
    principles: Sequence[Principle], history: Sequence[Rating]
) -> list[tuple[Principle, Chart]]:
    """A chart per principle that has been rated: self and supervisor side by side over time."""
    names = rater_names()
    charts = []
    for principle in principles:
        rated = [
            Rated(r.rated_on, r.kind.value, r.score, format_date(r.rated_on, "medium"))
            for r in history
            if r.principle_id == principle.id and r.element_id is None
        ]
        if rated:
            charts.append((principle, ratings_over_time(rated, SCALE, RATER_COLOURS, names)))
    return charts


def _month_starts(first: date, last: date, longest: int = LONGEST) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months[-longest:]


def _month_bars(months: Sequence[date], totals: dict[tuple[int, int], int]) -> list[Month]:
    bars = []
    for start in months:
        hours = round(totals.get((start.year, start.month), 0) / 60, 1)
        words = _(
            "%(month)s: %(hours)s h",
            month=format_date(start, "MMMM y"),
            hours=format_decimal(hours),
        )
        bars.append(Month(format_date(start, "MMM"), hours, words))
    return bars


def supervision_by_month(
    enrolment: Enrolment, progress: EnrolmentProgress, today: date
) -> Chart | None:
    """Hours of confirmed supervision in each month of the current stage, with the monthly pace
    its requirement needs (its minutes over the stage's expected months); None before a stage."""
    stage = progress.current
    if stage is None or stage.opened_on is None:
        return None
    months = _month_starts(stage.opened_on, today)
    bars = _month_bars(months, confirmed_minutes_by_month(enrolment, months[0]))
    needed = next((r for r in stage.requirements if r.kind == "supervision_minutes"), None)
    pace = None
    if needed and stage.expected_end and needed.required:
        span = max(months_between(stage.opened_on, stage.expected_end), 1)
        pace = round(needed.required / 60 / span, 1)
    pace_words = _("pace needed: %(hours)s h a month", hours=format_decimal(pace)) if pace else ""
    return bars_against_pace(bars, pace, pace_words)


def pipeline_funnels(counts: Sequence[SchemeCounts]) -> list[tuple[SchemeCounts, Chart]]:
    """Each scheme's active enrolments by stage, then those accredited."""
    charts = []
    for scheme in counts:
        rows = [(_("Stage %(n)s", n=s.stage_number), s.count) for s in scheme.stages]
        rows.append((_("Accredited"), scheme.accredited))
        charts.append((scheme, funnel(rows, read_text(scheme.label))))
    return charts


def portfolio_charts(data: PortfolioData) -> tuple[list[tuple[str, Chart]], Chart | None]:
    """The portfolio's charts, from what it gathered: each rated principle over time, and the
    confirmed supervision of the whole pathway by month (two years at most)."""
    names = rater_names()
    ratings = []
    for group in data.ratings:
        rated = [
            Rated(r.rated_on, r.kind, r.score, format_date(r.rated_on, "medium"))
            for r in group.ratings
            if not r.element
        ]
        if rated:
            chart = ratings_over_time(rated, SCALE, RATER_COLOURS, names)
            ratings.append((f"{group.principle_number}. {group.principle}", chart))
    confirmed = [s for s in data.sessions if s.status == SessionStatus.CONFIRMED.value]
    if not confirmed:
        return ratings, None
    totals: dict[tuple[int, int], int] = {}
    for session in confirmed:
        key = (session.held_on.year, session.held_on.month)
        totals[key] = totals.get(key, 0) + session.minutes
    days = sorted(s.held_on for s in confirmed)
    months = _month_starts(days[0], days[-1], longest=24)
    return ratings, bars_against_pace(_month_bars(months, totals), None, "")
